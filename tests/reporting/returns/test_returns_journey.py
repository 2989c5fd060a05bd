"""The issue's journey, through the real sign-in form, URLs and forms: the officer fills in, saves,
comes back and submits the Q2 Housing return; the approver returns it with a comment, then approves
the resubmission; the Cabinet Member sees the approved status and commentary, and never the draft."""
import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import KPI, Measurement
from reporting.models import QuarterlyReturn
from tests.conftest import DEMO_PASSWORDS
from tests.reporting._returns_support import fast_password_hashing, form_fields, return_url  # noqa: F401

DRAFT_TEXT = "Q2 DRAFT: completions slowed by high interest rates"
FINAL_TEXT = "Q2: 655 net additional dwellings, above the Local Plan requirement of 640"


def sign_in(username):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORDS[username]})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def post_form(client, url, changes, intent):
    page = client.get(url)
    assert page.status_code == 200
    data = form_fields(page.content)
    data.update(changes)
    data["intent"] = intent
    return client.post(url, data)


@pytest.mark.django_db
def test_officer_approver_and_cabinet_member_journey(demo_users):
    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    url = return_url("2023-24-q2", "housing")

    # The officer signs in and finds the return on My returns.
    officer = sign_in("officer")
    mine = officer.get(reverse("my-returns")).content.decode()
    assert "Housing" in mine and "Not started" in mine and url in mine

    # Opens it: it starts from last quarter's commentary, and saves a draft with figures.
    page = officer.get(url).content.decode()
    assert "Housing growth targets in the borough were met in 22.23" in page  # Q1's commentary, to edit
    response = post_form(officer, url, {
        "overall_rag": "green",
        "commentary": DRAFT_TEXT,
        f"kpi-{hou02.id}-value": "655",
        f"kpi-{hou02.id}-data_for": "2022/23",
        f"kpi-{hou01.id}-not_available": "on",
        f"kpi-{hou01.id}-expected_date": "31/10/2023",
        f"kpi-{hou01.id}-data_for": "2022/23",
    }, "save")
    assert response.status_code == 302 and response["Location"] == url
    ret = QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2")
    assert ret.state == "draft" and ret.commentary == DRAFT_TEXT

    # The Cabinet Member never sees the draft: not on the overview, not by its address.
    cabinet = sign_in("cabinet")
    assert DRAFT_TEXT not in cabinet.get(reverse("home")).content.decode()
    assert cabinet.get(url).status_code == 403

    # The officer comes back: what was saved is on the form, rated by the rules.
    again = officer.get(url)
    fields = form_fields(again.content)
    assert fields["commentary"] == DRAFT_TEXT
    assert fields[f"kpi-{hou02.id}-value"] == "655"
    assert fields[f"kpi-{hou01.id}-not_available"] == "on"
    assert "app-rag--green\">Green</strong>" in again.content.decode()
    assert Measurement.objects.get(kpi=hou02, period=ret.period).rag_calculated == "green"

    # Submits it.
    response = post_form(officer, url, {}, "submit")
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "submitted" and ret.submitted_by == demo_users["officer"]

    # The approver finds it in the review queue and returns it with a comment.
    approver = sign_in("approver")
    queue = approver.get(reverse("review-queue")).content.decode()
    assert "Regenerated Places – Housing" in queue and "Rewritten since last quarter" in queue
    send_back_url = reverse("return-send-back", args=["2023-24-q2", "housing"])
    form = form_fields(approver.get(send_back_url).content, css_class=None)
    form["comment"] = "Please say what the pipeline for 2023/24 looks like."
    assert approver.post(send_back_url, form).status_code == 302
    ret.refresh_from_db()
    assert ret.state == "returned"

    # The officer sees the comment, changes the commentary and resubmits.
    page = officer.get(url).content.decode()
    assert "Please say what the pipeline for 2023/24 looks like." in page
    response = post_form(officer, url, {"commentary": FINAL_TEXT}, "submit")
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "submitted"

    # The Cabinet Member still sees no Q2 Housing status.
    assert FINAL_TEXT not in cabinet.get(reverse("home")).content.decode()

    # The approver approves it from the return page.
    page = approver.get(url)
    approve = form_fields(page.content, css_class="app-approve-form")
    response = approver.post(reverse("return-approve", args=["2023-24-q2", "housing"]), approve)
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "approved" and ret.approved_by == demo_users["approver"]
    frozen = Measurement.objects.get(kpi=hou02, period=ret.period)
    assert frozen.is_frozen and frozen.frozen_target == 640 and frozen.frozen_rag == "green"

    # The Cabinet Member now sees the approved status and commentary, and the approved return.
    home = cabinet.get(reverse("home")).content.decode()
    assert FINAL_TEXT in home and DRAFT_TEXT not in home
    page = cabinet.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert FINAL_TEXT in text and "Approved" in text and 'name="intent"' not in text
