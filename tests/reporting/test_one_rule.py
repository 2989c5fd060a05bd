"""Where the product used to contradict itself, because a rule was written twice: each answer now
comes from one rule, and every page that shows it says the same."""
import re
from pathlib import Path

import pytest
from django.urls import reverse

from kpis.models import KPI
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import QuarterlyReturn, WorkflowState
from reporting.returns import services
from reporting.returns.selectors import my_returns
from reporting.templatetags.ses import STATE_COLOURS, state_tag
from reporting.workflow import NOT_STARTED, STATE_LABELS
from tests.reporting._returns_support import fill

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


# -- movement across a quarter with no status ------------------------------------------------------


@pytest.fixture
def housing_with_a_gap(sefton):
    """Housing Green in 2022/23 Q2, no status in Q3 (no return), Red in Q4, published; then the seed's
    2023/24 Q1 (Green)."""
    housing = SubStrand.objects.get(slug="housing")
    for quarter, rag in ((2, "green"), (4, "red")):
        period = ReportingPeriod.objects.create(financial_year=2022, number=quarter, state="published")
        QuarterlyReturn.objects.create(sub_strand=housing, period=period, state="published", overall_rag=rag)
    ReportingPeriod.objects.create(financial_year=2022, number=3, state="published")
    return housing


def test_the_dashboard_and_the_sub_strand_page_give_the_same_movement_across_a_gap(client_for, housing_with_a_gap):
    client = client_for("cabinet")
    dashboard = client.get(reverse("dashboard"), {"period": "2022-23-q4"}).context["data"]
    row = next(r for g in dashboard.objectives for r in g.rows if r.sub_strand.slug == "housing")
    on_dashboard = {c.period.label: c.movement.words for c in row.cells if c.rag}
    page = client.get(reverse("sub-strand", args=["housing"])).context["page"]
    on_page = {h["period"].label: h["movement"].words for h in page.history}
    assert on_dashboard["2022/23 Q4"] == on_page["2022/23 Q4"] == "Worsened since 2022/23 Q2"
    assert on_page["2023/24 Q1"] == "Improved"
    dashboard_q1 = client.get(reverse("dashboard")).context["data"]
    row = next(r for g in dashboard_q1.objectives for r in g.rows if r.sub_strand.slug == "housing")
    assert row.current.movement.words == on_page["2023/24 Q1"]
    html = client.get(reverse("dashboard"), {"period": "2022-23-q4"}).content.decode()
    assert "Worsened since 2022/23 Q2" in html


# -- what is missing: My returns lists what Submit refuses ------------------------------------------


def kpi_field(code, part="value"):
    return f"kpi-{KPI.objects.get(code=code).id}-{part}"


CASES = {
    "nothing entered": {"commentary": "", "overall_rag": ""},
    "no figures": {"overall_rag": "green"},
    "a Red KPI with no commentary": {"overall_rag": "red", "HOU-02": "100", "HOU-01": "10"},
    "an overall status unlike the KPIs": {"overall_rag": "red", "HOU-02": "700", "HOU-01": "700"},
    "not yet available counts as a figure": {"overall_rag": "green", "HOU-02": "700", "HOU-01:not_available": "on"},
    "complete": {"overall_rag": "green", "HOU-02": "700", "HOU-01": "700"},
}


def changes_for(case):
    changes = {}
    for key, value in CASES[case].items():
        if key in ("overall_rag", "commentary"):
            changes[key] = value
        elif ":" in key:
            code, part = key.split(":")
            changes[kpi_field(code, part)] = value
        else:
            changes[kpi_field(key)] = value
    return changes


@pytest.mark.parametrize("case", list(CASES))
def test_my_returns_lists_exactly_what_submit_refuses(demo_users, case):
    officer = demo_users["officer"]
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"), period=period, by=officer)
    ret = fill(ret, officer, changes_for(case))
    try:
        services.submit_return(quarterly_return=ret, by=officer)
        refused = []
    except services.IncompleteReturnError as exc:
        refused = list(exc.problems.values())
    _, rows = my_returns(officer, period=period)
    row = next(r for r in rows if r.sub_strand.slug == "housing")
    listed = row.missing if row.state in ("draft", "returned") else []
    assert listed == refused, case
    assert bool(refused) == (case != "complete" and case != "not yet available counts as a figure")


# -- one colour per state, everywhere ----------------------------------------------------------------


def test_each_state_has_one_colour_and_its_word():
    states = [NOT_STARTED, *WorkflowState.values]
    for state in states:
        html = state_tag(state)
        assert f"govuk-tag--{STATE_COLOURS[state]}" in html and STATE_LABELS[state] in html
    colours = [STATE_COLOURS[s] for s in states]
    assert len(set(colours)) == len(colours), "two workflow states share a colour"


STATE_WORDS = "|".join(re.escape(w) for w in ["Draft", "Submitted", "Returned for changes", "Approved", "Published",
                                              "Not started", "Issued"])


def test_no_template_colours_a_state_by_hand():
    """States are shown through the state_tag template tag only, so that they cannot drift apart."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for match in re.finditer(rf'govuk-tag--\w+[^>]*>\s*(?:{STATE_WORDS})\s*<', path.read_text()):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert offenders == []


def test_pages_show_each_state_in_its_colour(demo_users, client_for):
    """My returns, the calendar and the return page show a draft and a returned return alike."""
    from tests.reporting._returns_support import housing_return

    housing_return(demo_users, "draft")
    tags = {}
    for url in [reverse("my-returns"), reverse("period-calendar"), reverse("return", args=["2023-24-q2", "housing"])]:
        html = client_for("coordinator").get(url).content.decode()
        for colour, word in re.findall(rf'govuk-tag--(\w+)">({STATE_WORDS})<', html):
            tags.setdefault(word, set()).add(colour)
    assert tags["Draft"] == {STATE_COLOURS[WorkflowState.DRAFT]}
    assert all(len(colours) == 1 for colours in tags.values()), tags
