"""Movement against one baseline (issue 22, point 2): the same inputs fed to every place that shows
a movement (the review queue, the dashboard, the sub-strand page, the API, the briefing page and its
Word document) give the same movement against the same baseline period: the latest earlier status
the person may see as approved, never a draft (reporting.statuses)."""
import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from objectives.roles import Role
from reporting.briefings.selectors import briefing_context
from reporting.dashboard.pages import sub_strand_page
from reporting.dashboard.selectors import dashboard
from reporting.models import Briefing
from reporting.returns.review import review_queue
from reporting.returns.services import approve_return
from tests.factories import (
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
    PeriodFactory,
    ReturnFactory,
    StrategyFactory,
    SubStrandFactory,
    UserFactory,
    approved_figures,
)

WORSENED_SINCE_Q1 = "Worsened since 2023/24 Q1"


@pytest.fixture
def housing_story(db):
    """Housing Green in 2023/24 Q1 (published); its Q2 left as a Red draft; Q3 submitted Amber, and
    so its KPI HOU-09 (approved Green in Q1, a Red draft in Q2, Amber in Q3).
    Beside it Planning, approved Amber in Q2 (not yet published) with a KPI approved Amber there,
    and approved Red in Q3 with that KPI Red: the briefing's figures compare with Q2."""
    strategy = StrategyFactory()
    objective = ObjectiveFactory(strategy=strategy, name="Regenerated Places")
    housing = SubStrandFactory(objective=objective, name="Housing", slug="housing")
    planning = SubStrandFactory(objective=objective, name="Planning", slug="planning")
    q3 = PeriodFactory(strategy=strategy, financial_year=2023, number=3, state="open")
    q1 = PeriodFactory(strategy=strategy, financial_year=2023, number=1, state="published")
    q2 = PeriodFactory(strategy=strategy, financial_year=2023, number=2, state="closed")
    ReturnFactory(sub_strand=housing, period=q1, state="published", overall_rag="green")
    ReturnFactory(sub_strand=housing, period=q2, state="draft", overall_rag="red")
    submitted = ReturnFactory(sub_strand=housing, period=q3, state="submitted", overall_rag="amber")
    ReturnFactory(sub_strand=planning, period=q1, state="published", overall_rag="green")
    ReturnFactory(sub_strand=planning, period=q2, state="approved", overall_rag="amber")
    ReturnFactory(sub_strand=planning, period=q3, state="approved", overall_rag="red")
    homes = KPIFactory(sub_strand=housing, code="HOU-09", title="Homes built")
    approved_figures(MeasurementFactory(kpi=homes, period=q1, value=700, rag_calculated="green"))
    MeasurementFactory(kpi=homes, period=q2, value=100, rag_calculated="red")
    MeasurementFactory(kpi=homes, period=q3, value=500, rag_calculated="amber")
    kpi = KPIFactory(sub_strand=planning, code="PLA-09", title="Homes given permission")
    approved_figures(MeasurementFactory(kpi=kpi, period=q2, value=90, rag_calculated="amber"),
                     MeasurementFactory(kpi=kpi, period=q3, value=50, rag_calculated="red"))
    Briefing.objects.create(period=q3, include_what_changed=True)
    approver = UserFactory(role=Role.APPROVER)
    client = Client()
    client.force_login(approver, backend="django.contrib.auth.backends.ModelBackend")
    return {"approver": approver, "client": client, "housing": housing, "q3": q3, "submitted": submitted}


def on_dashboard(story):
    data = dashboard(user=story["approver"], params={"period": story["q3"].slug})
    row = next(r for g in data.objectives for r in g.rows if r.sub_strand.slug == "housing")
    return row.current.movement.words, row.current.movement.baseline.label


def on_sub_strand_page(story):
    page = sub_strand_page(user=story["approver"], slug="housing")
    line = next(h for h in page.history if h["period"] == story["q3"])
    return line["movement"].words, line["movement"].baseline.label


def in_the_api(story):
    answer = story["client"].get("/api/v1/returns/", {"period": story["q3"].slug, "sub_strand": "housing"}).json()
    [ret] = answer["results"]
    one = story["client"].get(f"/api/v1/returns/{ret['id']}/").json()
    assert (one["movement_words"], one["compared_with"]) == (ret["movement_words"], ret["compared_with"])
    return ret["movement_words"], {"2023-24-q1": "2023/24 Q1"}.get(ret["compared_with"], ret["compared_with"])


def test_every_page_tells_the_same_movement_against_the_same_baseline(housing_story):
    story = housing_story
    [row] = review_queue(story["approver"])
    assert row.overall_movement == WORSENED_SINCE_Q1  # was "Improved", against the Q2 draft
    in_review = (row.overall_movement, row.movement.baseline.label)
    assert in_review == (WORSENED_SINCE_Q1, "2023/24 Q1")
    html = story["client"].get(reverse("review-queue")).content.decode()
    assert WORSENED_SINCE_Q1 in html and "Improved" not in html
    assert on_dashboard(story) == on_sub_strand_page(story) == in_the_api(story) == in_review

    approve_return(quarterly_return=story["submitted"], by=story["approver"])

    context = briefing_context(period=story["q3"], user=story["approver"])
    area = next(a for a in context["areas"] if a.sub_strand.slug == "housing")
    assert (area.movement_words, area.movement.baseline.label) == in_review
    assert on_dashboard(story) == on_sub_strand_page(story) == in_the_api(story) == in_review
    page = story["client"].get(reverse("briefing", args=[story["q3"].slug])).content.decode()
    assert WORSENED_SINCE_Q1 in page and "Improved" not in page
    word = story["client"].get(reverse("briefing-docx", args=[story["q3"].slug]))
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert WORSENED_SINCE_Q1 in text and "Improved" not in text


def test_the_briefing_says_since_the_period_its_figures_are_compared_with(housing_story):
    story = housing_story
    approve_return(quarterly_return=story["submitted"], by=story["approver"])
    context = briefing_context(period=story["q3"], user=story["approver"])
    wc = context["what_changed"]
    # PLA-09 was Amber in Q2 (approved, not yet published): the figures compare with Q2, and so does the heading.
    assert [(k.code, k.previous_rag) for k in wc.turned_red_or_amber] == [("PLA-09", "amber")]
    assert context["what_changed_section"].title == "7. What changed since 2023/24 Q2"  # was "since 2023/24 Q1"
    assert wc.previous_period.label == "2023/24 Q2"
    page = story["client"].get(reverse("briefing", args=[story["q3"].slug])).content.decode()
    word = story["client"].get(reverse("briefing-docx", args=[story["q3"].slug]))
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    for paper in (page, text):
        assert "What changed since 2023/24 Q2" in paper and "What changed since 2023/24 Q1" not in paper
    moved = {m.sub_strand.slug: m.words for m in wc.status_movements}
    assert moved == {"housing": WORSENED_SINCE_Q1, "planning": "Worsened"}  # Planning: Amber in Q2, just before


def test_a_draft_has_a_movement_of_its_own_but_is_never_a_baseline(housing_story):
    story = housing_story
    data = dashboard(user=story["approver"], params={"period": story["q3"].slug})
    row = next(r for g in data.objectives for r in g.rows if r.sub_strand.slug == "housing")
    q2_cell = next(c for c in row.cells if c.period.label == "2023/24 Q2")
    assert q2_cell.is_draft and q2_cell.movement.words == "Worsened"  # Red draft against Q1's Green
    assert row.current.movement.previous_rag == "green"  # Q3 against Q1, not against the draft


def test_the_review_queue_compares_a_figure_with_the_latest_approved_one_not_a_draft(housing_story):
    [row] = review_queue(housing_story["approver"])
    [change] = row.kpi_changes
    assert change.before.period.label == "2023/24 Q1"  # was the Q2 draft's Red figure
    assert change.before_text == "700 (2023/24 Q1)"
    assert change.movement_word == "Worsened"  # Green to Amber; was "Improved", from the Red draft
