"""The rules behind the action-plan pages: figures in words, text blocks, status counts, and
list pages whose query count does not grow with the data."""
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Action
from reporting.models import OutputFigure
from reporting.plans.report import figure_text, text_blocks
from kpis.formatting import format_money
from reporting.plans.selectors import plan_status_counts
from reporting.plans.services import breakdown_problem
from tests.reporting.plan_helpers import make_plan


def fig(value, unit="", qualifier="", rising_to=None, is_projected=False):
    return OutputFigure(label="x", value=None if value is None else Decimal(value), unit=unit, qualifier=qualifier,
                        rising_to=None if rising_to is None else Decimal(rising_to), is_projected=is_projected)


@pytest.mark.parametrize("figure, words", [
    (fig("35000000", "£"), "£35m"),
    (fig("1500000", "£"), "£1.5m"),
    (fig("860000", "£ a year"), "£860,000 a year"),
    (fig("43000", "£ p.a."), "£43,000 a year"),
    (fig("150000", "£ per annum", is_projected=True), "£150,000 a year (projected)"),
    (fig("12.5", "£"), "£12.50"),
    (fig("200", "jobs", rising_to="400"), "200 jobs rising to 400"),
    (fig("400", "people", "more_than"), "more than 400 people"),
    (fig("1532", "jobs", "over"), "over 1,532 jobs"),
    (fig("500", "people", "nearly"), "nearly 500 people"),
    (fig("500", "£", "up_to"), "up to £500"),
    (fig("2.50", "electricians/engineers"), "2.5 electricians/engineers"),
    (fig("1470.00"), "1,470"),
    (fig(None, "referrals"), ""),
])
def test_figures_read_in_words_with_uk_money(figure, words):
    assert figure_text(figure) == words


def test_money_below_a_round_hundred_thousand_is_written_in_full():
    assert format_money(Decimal("1234567")) == "£1,234,567"
    assert format_money(Decimal("1000000")) == "£1m"


def test_text_blocks_keep_paragraphs_lines_and_bullets():
    text = "Intro line\nsecond line\n\n* First bullet\n\n* Second bullet\n\n- Third\nAfter"
    assert text_blocks(text) == [("p", ["Intro line", "second line"]), ("ul", ["First bullet", "Second bullet", "Third"]),
                                 ("p", ["After"])]
    assert text_blocks("") == []


@pytest.mark.parametrize("total, qualifier, items, problem", [
    (201, "", 201, None),
    (200, "", 201, "The breakdown adds up to 201, but the total is 200."),
    (None, "", 201, None),
    (200, "over", 201, None),
    (201, "more_than", 201, "not more than the total of 201"),
    (500, "nearly", 499, None),
    (500, "up_to", 501, "more than the total of 500"),
])
def test_a_breakdown_must_agree_with_its_total(total, qualifier, items, problem):
    found = breakdown_problem(total, qualifier, items)
    assert (found is None) if problem is None else (problem in found)


def test_dashboard_panel_counts_each_plans_recommendations_by_status(sefton):
    for number, status in [(1, "complete"), (2, "complete"), (3, "at_risk")]:
        action = Action.objects.get(plan__slug="employment", number=number)
        action.status = status
        action.save()
    employment = next(p for p in plan_status_counts() if p.slug == "employment")
    assert (employment.complete_count, employment.on_track_count, employment.at_risk_count,
            employment.superseded_count, employment.action_count) == (2, 0, 1, 5, 15)
    html = render_to_string("reporting/plans/_dashboard_panel.html", {"plan_counts": plan_status_counts()})
    assert 'href="/action-plans/employment/"' in html
    assert "<caption" in html and "Superseded" in html


def test_dashboard_panel_is_one_query_whatever_the_size(db):
    counts = []
    for size, slug in [(2, "small"), (20, "large")]:
        make_plan(size, slug=slug)
        with CaptureQueriesContext(connection) as ctx:
            render_to_string("reporting/plans/_dashboard_panel.html", {"plan_counts": plan_status_counts()})
        counts.append(len(ctx.captured_queries))
    assert counts == [1, 1]


@pytest.mark.parametrize("page", ["plan-updates", "plan-update-progress"])
@pytest.mark.parametrize("username", ["officer", "coordinator", "cabinet"])
def test_round_pages_query_count_does_not_grow_with_the_plan(demo_users, client_for, page, username):
    client = client_for(username)
    counts = []
    for size, slug in [(2, "small"), (14, "large")]:
        plan, round_ = make_plan(size, slug=slug, state="submitted", owner=demo_users["officer"])
        args = [plan.slug] if page == "plan-updates" else [plan.slug, round_.slug]
        client.get(reverse(page, args=args))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(page, args=args))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_progress_page_shows_officers_their_own_drafts_and_readers_none(demo_users, client_for):
    plan, round_ = make_plan(3, slug="mixed", state="draft", owner=demo_users["officer"])
    address = reverse("plan-update-progress", args=[plan.slug, round_.slug])
    assert client_for("officer").get(address).content.decode().count("Open the update") == 3
    assert client_for("officer2").get(address).content.decode().count("Open the update") == 0
    assert client_for("cabinet").get(address).content.decode().count("Open the update") == 0
    assert client_for("coordinator").get(address).content.decode().count("Open the update") == 3


def test_submitted_updates_are_listed_for_review_oldest_first(db):
    from reporting.plans.selectors import submitted_action_updates

    make_plan(2, slug="drafts", state="draft")
    plan, round_ = make_plan(3, slug="waiting", state="submitted")
    waiting = submitted_action_updates()
    assert [(u.plan_update.plan.slug, u.action.number) for u in waiting] == [("waiting", 1), ("waiting", 2), ("waiting", 3)]


def test_the_review_queue_lists_the_plan_updates_waiting_for_approval(demo_users, client_for):
    make_plan(2, slug="drafts", state="draft")
    make_plan(2, slug="waiting", state="submitted")
    html = client_for("approver").get(reverse("review-queue")).content.decode()
    section = html[html.index('id="plan-updates"'):]
    assert "2 recommendation updates submitted and waiting for approval" in section
    assert section.count('href="/action-plans/waiting/reports/2018-06/progress/') == 2
    assert "/action-plans/drafts/" not in section  # drafts are the officers' own business
    # every link opens the update, where the approver approves it or sends it back
    first = reverse("action-update", args=["waiting", "2018-06", 1])
    assert f'href="{first}"' in section
    assert client_for("approver").get(first).status_code == 200


def test_the_review_queue_says_when_no_plan_update_is_waiting(demo_users, client_for):
    html = client_for("coordinator").get(reverse("review-queue")).content.decode()
    assert "No action plan updates are waiting for approval." in html
