"""The return form's live status (reporting.returns.live_rating, asked by static/js/return-form.js) is
the status a save gives the same typed figure, on the shared table of cases (tests/kpis/rag_cases.py)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from kpis.models import KPI, Measurement
from objectives.models import SubStrand
from reporting.models import QuarterlyReturn
from tests.factories import KPIFactory
from tests.kpis.rag_cases import CASES, REFUSED, case_fields, make_case_kpis
from tests.reporting._returns_support import fast_password_hashing, form_fields, return_url  # noqa: F401

RATING_URL = reverse("return-rating", args=["2023-24-q2", "housing"])


def post_fields(client, changes):
    """The return form as the page shows it now, with `changes`, as a browser would post it."""
    page = client.get(return_url())
    assert page.status_code == 200
    data = {**form_fields(page.content), **changes, "intent": "save"}
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_the_live_status_is_the_one_a_save_stores_on_every_shared_case(client_for):
    kpis = make_case_kpis(SubStrand.objects.get(slug="housing"))
    client = client_for("officer")
    page = post_fields(client, {})
    wrong = []
    for case in CASES:
        kpi = kpis[case.kpi]
        ret = QuarterlyReturn.objects.filter(sub_strand__slug="housing", period__slug="2023-24-q2").first()
        data = {**page, "version": str(ret.version if ret else 0), **case_fields(case, kpi)}
        data = {key: value for key, value in data.items() if value is not None}
        answer = client.post(RATING_URL, data)
        assert answer.status_code == 200, answer.status_code
        live = answer.json()["kpis"][str(kpi.id)]
        saved = client.post(return_url(), data)
        if case.rag == REFUSED:
            # Not rated live, with the very message the save refuses the figure with.
            ok = (saved.status_code == 200 and live["rag"] is None and live["label"] == "Not rated"
                  and case.says in live["basis"] and escape(live["basis"]) in saved.content.decode())
        else:
            m = Measurement.objects.filter(kpi=kpi, period__slug="2023-24-q2").first()
            stored = (m.rag_calculated or None, m.rag_basis) if m else (None, "No figure entered")
            ok = (saved.status_code == 302 and stored == (live["rag"], live["basis"]) == (case.rag, live["basis"])
                  and live["label"] == case.label and case.says in live["basis"])
        if not ok:
            wrong.append((str(case), live, saved.status_code))
    assert wrong == []


@pytest.mark.django_db
def test_the_live_status_suggests_the_overall_status_of_the_mix_and_counts_an_override(client_for):
    kpis = make_case_kpis(SubStrand.objects.get(slug="housing"))
    client = client_for("officer")
    high, low = kpis["CASE-HIGH"], kpis["CASE-LOW"]
    data = post_fields(client, {f"kpi-{high.id}-value": "2.09", f"kpi-{low.id}-value": "3.8"})
    answer = client.post(RATING_URL, data).json()
    assert answer["kpis"][str(high.id)]["label"] == "Amber"
    assert answer["suggested"] == {"rag": "amber", "label": "Amber"}
    overridden = {**data, f"kpi-{high.id}-override": "on", f"kpi-{high.id}-rag_override": "green",
                  f"kpi-{high.id}-override_reason": "Figure confirmed late"}
    answer = client.post(RATING_URL, overridden).json()
    assert answer["kpis"][str(high.id)]["label"] == "Amber"  # the status by the rules is still shown as such
    assert answer["suggested"]["rag"] == "green"


@pytest.mark.django_db
def test_nothing_rated_suggests_nothing(client_for):
    client = client_for("officer")
    data = post_fields(client, {})
    for key in list(data):
        if key.endswith(("-value", "-milestone_status")):
            data[key] = ""
        if key.endswith("-not_available"):
            del data[key]
    answer = client.post(RATING_URL, data).json()
    assert answer["suggested"] == {"rag": None, "label": "No KPI rated yet"}


@pytest.mark.django_db
def test_the_live_status_saves_nothing(client_for):
    kpis = make_case_kpis(SubStrand.objects.get(slug="housing"))
    client = client_for("officer")
    data = post_fields(client, {f"kpi-{kpis['CASE-HIGH'].id}-value": "2.2"})
    before = list(Measurement.objects.values()), QuarterlyReturn.objects.count()
    assert client.post(RATING_URL, data).status_code == 200
    assert (list(Measurement.objects.values()), QuarterlyReturn.objects.count()) == before


@pytest.mark.django_db
def test_only_those_who_may_edit_the_return_are_answered(client_for, client):
    data = {"version": "0"}
    assert client.post(RATING_URL, data)["Location"].startswith("/accounts/login/")  # signed out (the session ended)
    assert client_for("officer2").post(RATING_URL, data).status_code == 403  # another sub-strand's officer
    assert client_for("approver").post(RATING_URL, data).status_code == 403
    assert client_for("officer").get(RATING_URL).status_code == 405


@pytest.mark.django_db
def test_the_live_status_asks_the_same_number_of_queries_however_many_kpis(client_for):
    client = client_for("officer")
    housing = SubStrand.objects.get(slug="housing")

    def count():
        data = post_fields(client, {})
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(RATING_URL, data).status_code == 200
        return len(ctx.captured_queries)

    count()  # warm up
    few = count()
    for _ in range(15):
        KPIFactory(sub_strand=housing, cadence=KPI.DataCadence.QUARTERLY)
    assert count() == few


@pytest.mark.django_db
def test_a_forged_or_broken_form_gets_an_answer_never_a_server_error(client_for):
    client = client_for("officer")
    hou02 = KPI.objects.get(code="HOU-02")
    for data in ({}, {"version": "x", "kpi-999999-value": "5", "kpi-abc-value": "1"},
                 {f"kpi-{hou02.id}-value": "9" * 70}, {f"kpi-{hou02.id}-value": "NaN", f"kpi-{hou02.id}-not_available": "yes"}):
        answer = client.post(RATING_URL, data)
        assert answer.status_code == 200, (data, answer.status_code)
        assert answer.json()["kpis"][str(hou02.id)]["rag"] is None
