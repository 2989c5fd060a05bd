"""The return form shows a KPI only the fields it needs (issue 14, item 8): GOV.UK conditional
reveals that work without JavaScript, GOV.UK's date input with a date coming back as typed, Submit
as the primary button, each value with its unit, milestones without "not yet available", and the
history in words."""
import html
import re

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from kpis.models import KPI
from reporting.returns.forms import ReturnForm
from tests.reporting._returns_support import (  # noqa: F401
    complete_changes, date_boxes, fast_password_hashing, fill, form_fields, housing_return, open_and_post, return_url,
)

pytestmark = pytest.mark.django_db


def kpi_id(code):
    return KPI.objects.get(code=code).id


def conditional(page, field_id):
    """The opening tag of the conditional reveal under the checkbox `field_id`."""
    return re.search(rf'<div class="([^"]*)" id="conditional-{re.escape(field_id)}">', page).group(1)


def test_the_expected_date_and_the_override_are_revealed_only_when_ticked(demo_users, client_for):
    housing_return(demo_users, "draft")
    hou01, hou02 = kpi_id("HOU-01"), kpi_id("HOU-02")
    page = client_for("officer").get(return_url()).content.decode()
    # HOU-01 is saved as "not yet available": its expected date shows; HOU-02 has a value: hidden.
    assert "govuk-checkboxes__conditional--hidden" not in conditional(page, f"id_kpi-{hou01}-not_available")
    assert "govuk-checkboxes__conditional--hidden" in conditional(page, f"id_kpi-{hou02}-not_available")
    assert "govuk-checkboxes__conditional--hidden" in conditional(page, f"id_kpi-{hou02}-override")
    # The hidden parts are in the page (shown without JavaScript; govuk-frontend hides them only when it runs).
    override = page.split(f'id="conditional-id_kpi-{hou02}-override"')[1].split("</fieldset>")[0]
    assert f'name="kpi-{hou02}-rag_override"' in override and f'name="kpi-{hou02}-override_reason"' in override
    assert f'data-aria-controls="conditional-id_kpi-{hou02}-override"' in page


def test_an_override_once_saved_is_shown_open(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    hou02 = kpi_id("HOU-02")
    fill(ret, demo_users["officer"], {f"kpi-{hou02}-override": "on", f"kpi-{hou02}-rag_override": "amber",
                                      f"kpi-{hou02}-override_reason": "The survey was late"})
    page = client_for("officer").get(return_url()).content.decode()
    assert "govuk-checkboxes__conditional--hidden" not in conditional(page, f"id_kpi-{hou02}-override")
    assert "The survey was late" in page


def test_a_milestone_has_no_not_yet_available(demo_users, client_for):
    page = client_for("coordinator").get(return_url(sub_slug="digital")).content.decode()
    milestones = list(KPI.objects.filter(sub_strand__slug="digital", is_active=True))
    assert milestones and all(k.is_milestone for k in milestones)
    assert "Not yet available" not in page and "not_available" not in page and "expected_date" not in page
    for k in milestones:
        assert f'name="kpi-{k.id}-milestone_status"' in page


def test_a_milestone_posted_as_not_yet_available_is_refused(demo_users, client_for):
    dig01 = KPI.objects.get(code="DIG-01")
    response = open_and_post(client_for("coordinator"), {f"kpi-{dig01.id}-not_available": "on"}, sub_slug="digital")
    text = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in text
    assert "DIG-01 is a milestone, which has no “not yet available”" in text


def test_submit_is_the_primary_button_and_save_as_draft_the_secondary(demo_users, client_for):
    page = client_for("officer").get(return_url()).content.decode()
    group = page.split('class="app-return-form"')[1].split('<div class="govuk-button-group">')[1].split("</div>")[0]
    buttons = re.findall(r'<button type="submit" class="([^"]*)" name="intent" value="(\w+)"', group)
    assert buttons[0] == ("govuk-button", "submit")  # first, and green
    assert buttons[1] == ("govuk-button govuk-button--secondary", "save")


def test_every_value_shows_its_unit(demo_users, client_for):
    """Planning has a %, square metres and FTE; Tourism money; Health years: each box has its unit
    in its label (for screen readers) and beside it (a GOV.UK prefix or suffix)."""
    shown = {"percent": ("(%)", 'suffix" aria-hidden="true">%<'), "sqm": ("(sq m)", "sq m<"),
             "fte": ("(FTE)", "FTE<"), "gbp": ("(£)", 'prefix" aria-hidden="true">£<'),
             "years": ("(years)", "years<"), "number": ("(number)", "")}
    seen = set()
    for slug in ("planning", "tourism", "health-wellbeing"):
        page = html.unescape(client_for("coordinator").get(return_url(sub_slug=slug)).content.decode())
        for k in KPI.objects.filter(sub_strand__slug=slug, is_active=True).exclude(unit=KPI.Unit.MILESTONE):
            group = page.split(f'id="id_kpi-{k.id}-value-group"')[1].split("</div></div>")[0] + "</div>"
            label, beside = shown[k.unit]
            assert f"Value {label}" in group, (k.code, k.unit)
            assert beside in group, (k.code, k.unit)
            seen.add(k.unit)
    assert seen == set(shown)


def test_a_date_typed_comes_back_as_typed(demo_users, client_for):
    housing_return(demo_users, "draft")
    hou01 = kpi_id("HOU-01")
    officer = client_for("officer")
    boxes = {f"kpi-{hou01}-expected_date-day": "30", f"kpi-{hou01}-expected_date-month": "6",
             f"kpi-{hou01}-expected_date-year": "2024"}
    # Refused for another reason (a commentary too long): the date is shown as it was typed.
    response = open_and_post(officer, {**boxes, "commentary": "x" * 10_001})
    assert response.status_code == 200
    assert date_boxes(response.content, f"kpi-{hou01}-expected_date") == ("30", "6", "2024")
    # Saved: it comes back in the same three boxes, never as 2024-06-30.
    response = open_and_post(officer, boxes)
    assert response.status_code == 302
    page = officer.get(return_url()).content.decode()
    assert date_boxes(page, f"kpi-{hou01}-expected_date") == ("30", "6", "2024")
    assert "2024-06-30" not in page


@pytest.mark.parametrize("day, month, year, message, wrong", [
    ("31", "2", "2024", "HOU-01: enter the expected date as a real date", ["day", "month", "year"]),
    ("30", "", "2024", "HOU-01: the expected date must include a month", ["month"]),
    ("30", "6", "24", "HOU-01: the expected date must have a year of 4 digits", ["year"]),
])
def test_a_wrong_date_is_refused_beside_its_boxes_as_typed(demo_users, client_for, day, month, year, message, wrong):
    housing_return(demo_users, "draft")
    hou01 = kpi_id("HOU-01")
    name = f"kpi-{hou01}-expected_date"
    response = open_and_post(client_for("officer"), {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200 and message in text.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert f'href="#id_{name}-{wrong[0]}"' in text  # the summary links to the first box that is wrong
    assert message in text.split(f'id="id_{name}-error"')[1].split("</p>")[0]
    assert date_boxes(text, name) == (day, month, year)
    for part in ("day", "month", "year"):
        box = re.search(rf'<input class="([^"]*)" id="id_{name}-{part}"', text).group(1)
        assert ("govuk-input--error" in box) == (part in wrong), part


def test_the_date_input_is_used_wherever_a_date_is_typed(demo_users, client_for):
    from django.urls import reverse

    coordinator = client_for("coordinator")
    pages = {
        "years set-up": (reverse("year-set-up", args=[2024]), "p2-deadline"),
        "a plan round": (reverse("plan-update-new", args=["employment"]), "as_at"),
    }
    for what, (url, name) in pages.items():
        page = coordinator.get(url).content.decode()
        for part in ("day", "month", "year"):
            assert f'name="{name}-{part}"' in page, (what, part)
        assert f'<input type="text" name="{name}"' not in page, what


def test_the_history_is_written_in_words(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    hou02 = kpi_id("HOU-02")
    fill(ret, demo_users["coordinator"], {"commentary": "Rewritten", f"kpi-{hou02}-value": "660",
                                          f"kpi-{hou02}-data_for": ""})
    page = html.unescape(client_for("officer").get(return_url()).content.decode())
    history = page.split('id="history"')[1]
    log = LogEntry.objects.filter(actor=demo_users["coordinator"], object_repr__startswith="HOU-02").latest("timestamp")
    at = timezone.localtime(log.timestamp)
    assert "Cara Coordinator changed HOU-02 from 655 to 660" in history
    assert f"{at.day} {at:%B %Y} at {at:%H:%M}" in history
    assert "Cara Coordinator cleared the period the data is for on HOU-02 (it was “2022/23”)" in history
    assert "Olivia Officer started the return" in history
    assert not re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", history), "no raw timestamps"
    assert "(empty)" not in history and "None" not in history


def test_the_form_accepts_what_its_page_posts_unchanged(demo_users, client_for):
    """A page posted as it is drawn (hidden reveals, empty date boxes) saves without a problem."""
    ret = housing_return(demo_users, "draft")
    data = form_fields(client_for("officer").get(return_url()).content)
    form = ReturnForm(quarterly_return=ret, user=demo_users["officer"], data={**data, "intent": "save"})
    assert form.is_valid(), form.errors
