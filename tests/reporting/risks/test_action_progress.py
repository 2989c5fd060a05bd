"""An action's status given in a risk's review is kept with the review (RiskReview.action_statuses),
shown to its owner and approver with it, and written to the action only when the review is approved:
readers see each action's status as of the latest approved review, never a draft's."""
import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client

from objectives.models import ReportingPeriod, Role
from reporting.models import RiskAction, RiskReview
from reporting.risks import selectors, services
from tests.factories import PeriodFactory, StrategyFactory, UserFactory
from tests.reporting.risks.helpers import make_risk

pytestmark = pytest.mark.django_db

COMPLETE = {"current_likelihood": 4, "current_impact": 3, "direction": "increasing", "commentary": "Rates rose.",
            "actions_progress": "The bid went in."}


@pytest.fixture
def people():
    return {role: UserFactory(username=role, role=getattr(Role, role.upper()), first_name=role.title())
            for role in ("officer", "coordinator", "approver", "reader")}


@pytest.fixture
def world(people):
    """A risk approved in Q1 (its action not started) and its Q2 review a draft in the open period."""
    strategy = StrategyFactory()
    q1 = PeriodFactory(strategy=strategy, number=1, state=ReportingPeriod.State.CLOSED)
    q2 = PeriodFactory(strategy=strategy, number=2, state=ReportingPeriod.State.OPEN)
    risk = make_risk(strategy=strategy, owner=people["officer"])
    action = RiskAction.objects.create(risk=risk, description="Bid for the investment zone", order=1)
    RiskReview.objects.create(risk=risk, period=q1, state="approved", **COMPLETE)
    draft = services.start_review(risk=risk, period=q2, by=people["officer"])
    return risk, action, q1, q2, draft


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def status_readers_see(reader, risk):
    """The action's status as the register's reads give it to a reader (reporting.risks.selectors)."""
    (seen,) = selectors.with_actions(selectors.visible_risks(reader, risk.strategy))
    return [action.status for action in seen.actions.all()]


def review_url(risk, period):
    return f"/risks/{risk.strategy.slug}/{risk.reference}/reviews/{period.slug}/"


def test_a_draft_reviews_action_status_is_kept_with_the_review_not_on_the_action(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version, "action_statuses": {action.pk: "complete"}})
    action.refresh_from_db()
    assert action.status == "not_started"
    assert RiskReview.objects.get(pk=draft.pk).action_statuses == {str(action.pk): "complete"}


def test_a_reader_does_not_see_a_drafts_action_status_and_does_after_approval(world, people):
    risk, action, q1, q2, draft = world
    reader = people["reader"]
    owner = client_of(people["officer"])
    saved = owner.post(review_url(risk, q2), {
        "version": str(draft.version), "current_likelihood": "4", "current_impact": "3", "direction": "increasing",
        "commentary": "Rates rose.", "actions_progress": "Bid sent.", f"action_{action.pk}_status": "complete",
        "intent": "submit"})
    assert saved.status_code == 302
    # Submitted, not approved: the reader's reads and pages still say what Q1's approval said.
    cache.clear()
    assert status_readers_see(reader, risk) == ["not_started"]
    reading = client_of(reader)
    assert reading.get(review_url(risk, q2)).status_code == 403
    q1_page = text_of(reading.get(review_url(risk, q1)))
    assert "Bid for the investment zone – Not started" in q1_page
    assert "Complete" not in q1_page
    # The approver sees the status given, with the review.
    submitted = RiskReview.objects.get(pk=draft.pk)
    assert "Bid for the investment zone – Complete" in text_of(client_of(people["approver"]).get(review_url(risk, q2)))

    services.approve_review(review=submitted, by=people["approver"], version=submitted.version)
    cache.clear()
    action.refresh_from_db()
    assert action.status == "complete"
    assert status_readers_see(reader, risk) == ["complete"]
    assert "Bid for the investment zone – Complete" in text_of(reading.get(review_url(risk, q2)))


def test_the_owner_sees_the_status_they_gave_when_they_come_back_to_the_draft(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version, "action_statuses": {action.pk: "in_progress"}})
    html = client_of(people["officer"]).get(review_url(risk, q2)).content.decode()
    assert re.search(r'<option value="in_progress"[^>]*selected', html)
    assert RiskAction.objects.get(pk=action.pk).status == "not_started"  # the action itself waits for approval


def test_a_review_sent_back_changes_no_action(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"], submit=True,
                         data={**COMPLETE, "version": draft.version, "action_statuses": {action.pk: "complete"}})
    submitted = RiskReview.objects.get(pk=draft.pk)
    services.send_back_review(review=submitted, by=people["approver"], reason="Not yet: the bid is pending.",
                              version=submitted.version)
    action.refresh_from_db()
    assert action.status == "not_started"


def test_another_risks_action_or_an_unknown_status_is_refused_changing_nothing(world, people):
    risk, action, q1, q2, draft = world
    other = RiskAction.objects.create(risk=make_risk(strategy=risk.strategy, reference="SR2"), description="Theirs")
    for statuses in ({other.pk: "complete"}, {action.pk: "finished"}):
        with pytest.raises(services.RiskReviewError):
            services.save_review(review=draft, by=people["officer"],
                                 data={**COMPLETE, "version": draft.version, "action_statuses": statuses})
        fresh = RiskReview.objects.get(pk=draft.pk)
        assert (fresh.version, fresh.action_statuses, fresh.commentary) == (draft.version, {}, "")
    assert set(RiskAction.objects.values_list("status", flat=True)) == {"not_started"}


def test_the_reviews_history_says_each_status_given_in_words(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version, "action_statuses": {action.pk: "in_progress"}})
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version + 1, "action_statuses": {action.pk: "complete"}})
    texts = [change.text for entry in selectors.review_history(RiskReview.objects.get(pk=draft.pk))
             for change in entry.changes]
    assert "Officer gave the action “Bid for the investment zone” the status In progress in the review" in texts
    assert ("Officer changed the status the review gives the action “Bid for the investment zone” from In progress "
            "to Complete") in texts
    assert not any("{" in text for text in texts)


def test_an_action_removed_after_a_status_was_given_leaves_the_draft_saveable(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version, "action_statuses": {action.pk: "complete"}})
    services.remove_action(action=action, by=people["coordinator"])
    saved = services.save_review(review=draft, by=people["officer"],
                                 data={**COMPLETE, "commentary": "Again.", "version": draft.version + 1})
    assert (saved.commentary, saved.action_statuses) == ("Again.", {})


def risk_url(risk):
    return f"/risks/{risk.strategy.slug}/{risk.reference}/"


def test_a_drafts_next_review_date_is_not_on_the_risk_nor_its_page_until_approval(world, people):
    risk, action, q1, q2, draft = world
    risk.next_review_date = datetime.date(2027, 1, 31)
    risk.save()
    owner = client_of(people["officer"])
    saved = owner.post(review_url(risk, q2), {
        "version": str(draft.version), "current_likelihood": "4", "current_impact": "3", "direction": "increasing",
        "commentary": "Rates rose.", "actions_progress": "Bid sent.", f"action_{action.pk}_status": "not_started",
        "next_review_date-day": "15", "next_review_date-month": "4", "next_review_date-year": "2027",
        "intent": "submit"})
    assert saved.status_code == 302
    risk.refresh_from_db()
    assert risk.next_review_date == datetime.date(2027, 1, 31)
    assert RiskReview.objects.get(pk=draft.pk).next_review_date == datetime.date(2027, 4, 15)
    cache.clear()
    reading = client_of(people["reader"])
    page = text_of(reading.get(risk_url(risk)))
    assert "31 January 2027" in page and "15 April 2027" not in page
    # The approver sees the date this review gives, with the review.
    assert "This review gives 15 April 2027" in text_of(client_of(people["approver"]).get(review_url(risk, q2)))

    submitted = RiskReview.objects.get(pk=draft.pk)
    services.approve_review(review=submitted, by=people["approver"], version=submitted.version)
    cache.clear()
    risk.refresh_from_db()
    assert risk.next_review_date == datetime.date(2027, 4, 15)
    page = text_of(reading.get(risk_url(risk)))
    assert "15 April 2027" in page and "31 January 2027" not in page


def test_the_owner_sees_the_next_review_date_they_gave_when_they_come_back_to_the_draft(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"],
                         data={**COMPLETE, "version": draft.version, "next_review_date": datetime.date(2027, 4, 15)})
    html = client_of(people["officer"]).get(review_url(risk, q2)).content.decode()
    assert re.search(r'name="next_review_date-day"[^>]*value="15"', html)
    assert re.search(r'name="next_review_date-month"[^>]*value="4"', html)
    assert RiskReview.objects.get(pk=draft.pk).next_review_date == datetime.date(2027, 4, 15)
    risk.refresh_from_db()
    assert risk.next_review_date is None  # the risk's waits for approval


def test_a_review_sent_back_leaves_the_risks_next_review_date(world, people):
    risk, action, q1, q2, draft = world
    services.save_review(review=draft, by=people["officer"], submit=True,
                         data={**COMPLETE, "version": draft.version, "next_review_date": datetime.date(2027, 4, 15)})
    submitted = RiskReview.objects.get(pk=draft.pk)
    services.send_back_review(review=submitted, by=people["approver"], reason="Check the date.",
                              version=submitted.version)
    risk.refresh_from_db()
    assert risk.next_review_date is None
