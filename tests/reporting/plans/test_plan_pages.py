"""The action plan pages: every plan with its status counts, and one plan's numbered recommendations."""
import datetime
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Action, ActionPlan, Milestone
from objectives.selectors_plans import plans_with_status_counts, status_breakdown
from tests.factories import UserFactory


def page_text(response):
    content = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content[content.index("<main"):content.index("</main>")])).split())


def test_plan_pages_need_a_login(db):
    for address in [reverse("action-plans"), reverse("action-plan", args=["employment"])]:
        response = Client().get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_plan_has_its_address(sefton):
    assert ActionPlan.objects.get(slug="employment").get_absolute_url() == "/action-plans/employment/"


def test_list_shows_each_plan_with_how_many_recommendations_are_in_each_status(client_for):
    response = client_for("cabinet").get(reverse("action-plans"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Action Plan for Employment" in text and "Sefton Economic Strategy Action Plan 2023/24" in text
    employment = next(p for p in plans_with_status_counts() if p.slug == "employment")
    assert employment.action_count == 15
    assert dict((v, n) for v, _, n in status_breakdown(employment)) == {
        "complete": 0, "on_track": 0, "at_risk": 0, "not_started": 0, "superseded": 5, "unassessed": 10}
    # The row reads: plan, recommendations, complete, on track, at risk, not started, superseded, no status given.
    assert "Action Plan for Employment Owned by Cabinet Member for Regeneration and Tourism 15 0 0 0 0 5 10" in text


def test_plan_page_shows_each_recommendation_by_number_with_wording_body_owner_timescale_and_status(client_for):
    response = client_for("scrutiny").get(reverse("action-plan", args=["employment"]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Recommendations made by Overview & Scrutiny Committee (Regeneration & Environmental Services)" in text
    assert "Approved by Cabinet 5 December 2013" in text
    assert "Plan agreed By Cabinet Member – Regeneration, 10 April 2014" in text
    numbers = [int(n) for n in re.findall(r"id=\"recommendation-(\d+)-title\"", response.content.decode())]
    assert numbers == list(range(1, 16))
    seven = Action.objects.get(plan__slug="employment", number=7)
    assert seven.wording in text
    assert "Made by Working Party of the Overview & Scrutiny Committee (Regeneration & Environmental Services)" in text
    assert "Owner Head of Corporate Finance and ICT" in text
    assert "Updates entered by Olivia Officer" in text  # the demo officer owns (3) and (14)
    # Superseded recommendations say so in words, with why.
    assert text.count("Superseded") == 5
    assert "rolled together into the forthcoming Sefton Economic Strategy" in text
    assert "govuk-tag--grey\">Superseded" in response.content.decode()


def test_plan_page_lists_milestones_with_due_dates_in_uk_style(client_for):
    action = Action.objects.get(plan__slug="employment", number=14)
    Milestone.objects.create(action=action, order=1, title="Doing Business with Sefton Council event",
                             due_date=datetime.date(2018, 2, 22))
    Milestone.objects.create(action=action, order=2, title="Growth Hub review", due_date=datetime.date(2018, 3, 5),
                             completed_on=datetime.date(2018, 3, 1))
    response = client_for("cabinet").get(reverse("action-plan", args=["employment"]))
    text = page_text(response)
    assert "Milestones for recommendation (14)" in text
    assert "Doing Business with Sefton Council event 22 February 2018 Not yet" in text
    assert "Growth Hub review 5 March 2018 1 March 2018" in text


def test_plan_page_links_to_its_update_rounds_and_reports(client_for):
    response = client_for("cabinet").get(reverse("action-plan", args=["employment"]))
    assert reverse("plan-updates", args=["employment"]) in response.content.decode()
    rounds = client_for("cabinet").get(reverse("plan-updates", args=["employment"]))
    assert rounds.status_code == 200
    assert "/action-plans/employment/reports/2017-12/" in rounds.content.decode()
    assert "Start a new update round" not in rounds.content.decode()
    assert "Start a new update round" in client_for("coordinator").get(reverse("plan-updates", args=["employment"])).content.decode()


def test_an_unknown_plan_is_a_404(client_for):
    assert client_for("cabinet").get(reverse("action-plan", args=["no-such-plan"])).status_code == 404


def _plans(n_plans, n_actions, owner):
    for p in range(n_plans):
        plan = ActionPlan.objects.create(name=f"Plan {p}", slug=f"plan-{n_plans}-{p}")
        for a in range(1, n_actions + 1):
            action = Action.objects.create(plan=plan, number=a, wording=f"Do thing {a}", status="on_track")
            action.owners.add(owner)
            Milestone.objects.create(action=action, order=1, title="First", due_date=datetime.date(2024, 3, 5))
            Milestone.objects.create(action=action, order=2, title="Second")
    return plan


@pytest.mark.parametrize("page", ["list", "plan"])
def test_plan_pages_query_count_does_not_grow_with_the_data(db, page):
    user = UserFactory(role="reader")
    client = Client()
    client.force_login(user)
    counts = []
    for n_plans, n_actions in [(1, 2), (6, 15)]:
        plan = _plans(n_plans, n_actions, UserFactory(role="officer"))
        address = reverse("action-plans") if page == "list" else reverse("action-plan", args=[plan.slug])
        client.get(address)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(address)
        assert response.status_code == 200
        if page == "plan":
            assert response.content.decode().count("Milestones for recommendation") == n_actions
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
