"""A risk's review through its steps (reporting.steps, reporting/risks/services.py): one class per
transition, over the states that allow it and those that refuse it; who may take it; a stale version
and an incomplete review refused with a clear message, changing nothing."""
import pytest
from django.core.exceptions import PermissionDenied

from objectives.models import ReportingPeriod, Role
from reporting import steps
from reporting.models import Notification, RiskAction, RiskReview
from reporting.readers_cache import data_version
from reporting.risks import services
from tests.factories import PeriodFactory, StrategyFactory, UserFactory
from tests.reporting.risks.helpers import make_risk

pytestmark = pytest.mark.django_db

ALL_STATES = ["draft", "submitted", "returned", "approved", "published"]
COMPLETE = {"current_likelihood": 4, "current_impact": 3, "direction": "increasing", "commentary": "Rates rose again.",
            "actions_progress": "The bid went in."}


@pytest.fixture
def people():
    return {role: UserFactory(username=role, role=getattr(Role, role.upper()), first_name=role.title())
            for role in ("officer", "coordinator", "approver", "reader")} | {
        "other_officer": UserFactory(username="other", role=Role.OFFICER)}


@pytest.fixture
def risk(people):
    strategy = StrategyFactory()
    PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN)
    return make_risk(strategy=strategy, owner=people["officer"])


def review_in(risk, state, **fields):
    values = dict(fields) if state in ("draft", "returned") else {**COMPLETE, **fields}
    return RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state=state, **values)


def unchanged(review):
    fresh = RiskReview.objects.get(pk=review.pk)
    return (fresh.state, fresh.version, fresh.commentary) == (review.state, review.version, review.commentary)


class TestStart:
    def test_the_owner_starts_a_draft_carrying_the_last_approved_score(self, risk, people):
        earlier = PeriodFactory(strategy=risk.strategy, financial_year=2022, number=4, state="closed")
        RiskReview.objects.create(risk=risk, period=earlier, state="approved", current_likelihood=3, current_impact=2)
        review = services.start_review(risk=risk, period=risk.strategy.periods.get(number=1), by=people["officer"])
        assert (review.state, review.current_likelihood, review.current_impact) == ("draft", 3, 2)

    def test_another_officer_cannot_start_it(self, risk, people):
        with pytest.raises(PermissionDenied):
            services.start_review(risk=risk, period=risk.strategy.periods.get(), by=people["other_officer"])
        assert not RiskReview.objects.exists()

    def test_not_in_a_period_not_yet_open(self, risk, people):
        later = PeriodFactory(strategy=risk.strategy, number=2, state="not_open")
        with pytest.raises(services.RiskReviewError) as refused:
            services.start_review(risk=risk, period=later, by=people["officer"])
        assert "not open yet" in str(refused.value)


class TestSave:
    @pytest.mark.parametrize("state", ["draft", "returned"])
    def test_the_owner_saves_a_draft_or_returned_review(self, risk, people, state):
        review = review_in(risk, state)
        before = data_version()
        saved = services.save_review(review=review, by=people["officer"], data={**COMPLETE, "version": review.version})
        assert (saved.current_likelihood, saved.current_impact, saved.commentary) == (4, 3, "Rates rose again.")
        assert saved.version == review.version + 1
        assert data_version() > before

    def test_the_coordinating_team_saves_it_too(self, risk, people):
        review = review_in(risk, "draft")
        services.save_review(review=review, by=people["coordinator"], data={**COMPLETE, "version": review.version})

    @pytest.mark.parametrize("state", ["submitted", "approved", "published"])
    def test_refused_once_submitted(self, risk, people, state):
        review = review_in(risk, state)
        with pytest.raises(services.RiskReviewError) as refused:
            services.save_review(review=review, by=people["officer"], data={**COMPLETE, "commentary": "X",
                                                                             "version": review.version})
        assert f"is {dict(submitted='submitted', approved='approved', published='published')[state]}" in str(refused.value)
        assert unchanged(review)

    @pytest.mark.parametrize("who", ["other_officer", "reader", "approver"])
    def test_refused_to_anyone_else(self, risk, people, who):
        review = review_in(risk, "draft")
        with pytest.raises(PermissionDenied):
            services.save_review(review=review, by=people[who], data={**COMPLETE, "version": review.version})
        assert unchanged(review)

    def test_a_stale_version_is_refused_saying_who_changed_it(self, risk, people):
        review = review_in(risk, "draft")
        services.save_review(review=review, by=people["coordinator"], data={**COMPLETE, "version": review.version})
        current = RiskReview.objects.get(pk=review.pk)
        with pytest.raises(services.StaleReviewError) as refused:
            services.save_review(review=review, by=people["officer"],
                                 data={**COMPLETE, "commentary": "Mine", "version": review.version})
        assert "changed by Coordinator" in str(refused.value)
        assert unchanged(current)

    def test_a_score_off_the_matrix_is_refused(self, risk, people):
        review = review_in(risk, "draft")
        with pytest.raises(services.RiskReviewError) as refused:
            services.save_review(review=review, by=people["officer"],
                                 data={**COMPLETE, "current_likelihood": 9, "version": review.version})
        assert "1 to 5" in str(refused.value)
        assert unchanged(review)

    def test_each_action_status_and_the_next_review_date_are_kept_with_the_review(self, risk, people):
        import datetime

        action = RiskAction.objects.create(risk=risk, description="Bid for funding")
        review = review_in(risk, "draft")
        services.save_review(review=review, by=people["officer"],
                             data={**COMPLETE, "version": review.version, "action_statuses": {action.pk: "in_progress"},
                                   "next_review_date": datetime.date(2024, 1, 15)})
        action.refresh_from_db()
        risk.refresh_from_db()
        assert action.status == "not_started"  # until the review is approved (tests/reporting/risks/test_action_progress.py)
        assert RiskReview.objects.get(pk=review.pk).action_statuses == {str(action.pk): "in_progress"}
        assert risk.next_review_date is None  # also until the review is approved
        assert RiskReview.objects.get(pk=review.pk).next_review_date == datetime.date(2024, 1, 15)


class TestSubmit:
    @pytest.mark.parametrize("state", ["draft", "returned"])
    def test_a_complete_review_is_submitted_and_the_approvers_told(self, risk, people, state):
        review = review_in(risk, state, **COMPLETE)
        submitted = services.submit_review(review=review, by=people["officer"])
        assert submitted.state == "submitted"
        assert submitted.submitted_by == people["officer"]
        assert Notification.objects.filter(kind="risk_submitted", email=people["approver"].email).exists()

    @pytest.mark.parametrize("state", ["submitted", "approved", "published"])
    def test_refused_from_any_other_state(self, risk, people, state):
        review = review_in(risk, state)
        with pytest.raises(services.RiskReviewError):
            services.submit_review(review=review, by=people["officer"])
        assert unchanged(review)

    def test_an_incomplete_review_is_refused_naming_what_is_missing(self, risk, people):
        review = review_in(risk, "draft", current_likelihood=2)
        with pytest.raises(services.IncompleteReviewError) as refused:
            services.submit_review(review=review, by=people["officer"])
        assert set(refused.value.problems) == {"current_impact", "direction", "commentary"}
        assert "Choose the current impact." in str(refused.value)
        assert unchanged(review)

    def test_refused_once_the_period_is_closed_but_not_to_the_coordinating_team(self, risk, people):
        review = review_in(risk, "draft", **COMPLETE)
        ReportingPeriod.objects.filter(pk=review.period_id).update(state="closed")
        review = RiskReview.objects.get(pk=review.pk)
        with pytest.raises(services.RiskReviewError) as refused:
            services.submit_review(review=review, by=people["officer"])
        assert "closed" in str(refused.value)
        assert services.submit_review(review=review, by=people["coordinator"]).state == "submitted"


class TestApprove:
    def test_the_approver_approves_a_submitted_review(self, risk, people):
        review = review_in(risk, "submitted")
        approved = services.approve_review(review=review, by=people["approver"], version=review.version)
        assert (approved.state, approved.approved_by) == ("approved", people["approver"])
        assert Notification.objects.filter(kind="risk_approved", email=people["officer"].email).exists()

    @pytest.mark.parametrize("state", ["draft", "returned", "approved", "published"])
    def test_refused_from_any_other_state(self, risk, people, state):
        review = review_in(risk, state)
        with pytest.raises(services.RiskReviewError):
            services.approve_review(review=review, by=people["approver"])
        assert unchanged(review)

    @pytest.mark.parametrize("who", ["officer", "coordinator", "reader"])
    def test_only_the_approver_approves(self, risk, people, who):
        review = review_in(risk, "submitted")
        with pytest.raises(PermissionDenied):
            services.approve_review(review=review, by=people[who])
        assert unchanged(review)

    def test_a_stale_version_is_refused(self, risk, people):
        review = review_in(risk, "submitted")
        with pytest.raises(services.StaleReviewError):
            services.approve_review(review=review, by=people["approver"], version=review.version - 1)
        assert unchanged(review)

    def test_approved_after_issue_it_is_published_at_once(self, risk, people):
        review = review_in(risk, "submitted")
        ReportingPeriod.objects.filter(pk=review.period_id).update(state="published")
        review = RiskReview.objects.get(pk=review.pk)
        assert services.approve_review(review=review, by=people["approver"]).state == "published"


class TestSendBack:
    @pytest.mark.parametrize("who", ["approver", "coordinator"])
    def test_sent_back_with_a_reason_and_the_owner_told(self, risk, people, who):
        review = review_in(risk, "submitted")
        returned = services.send_back_review(review=review, by=people[who], reason="Say why the impact rose.")
        assert (returned.state, returned.returned_reason) == ("returned", "Say why the impact rose.")
        assert Notification.objects.filter(kind="risk_sent_back", email=people["officer"].email).exists()

    def test_a_reason_is_needed(self, risk, people):
        review = review_in(risk, "submitted")
        with pytest.raises(services.RiskReviewError) as refused:
            services.send_back_review(review=review, by=people["approver"], reason="  ")
        assert "reason" in str(refused.value)
        assert unchanged(review)

    @pytest.mark.parametrize("state", ["draft", "returned", "approved", "published"])
    def test_refused_from_any_other_state(self, risk, people, state):
        review = review_in(risk, state)
        with pytest.raises(services.RiskReviewError):
            services.send_back_review(review=review, by=people["approver"], reason="Why?")
        assert unchanged(review)

    def test_the_owner_cannot_send_it_back(self, risk, people):
        review = review_in(risk, "submitted")
        with pytest.raises(PermissionDenied):
            services.send_back_review(review=review, by=people["officer"], reason="Why?")


def test_every_review_step_says_its_refusal_where_the_button_would_be(risk, people):
    review = review_in(risk, "approved")
    offer = steps.SUBMIT_RISK_REVIEW.offer(people["officer"], review)
    assert not offer and "approved" in offer.reason
    assert steps.APPROVE_RISK_REVIEW.offer(people["officer"], review).hidden


def test_the_history_keeps_every_saved_score(risk, people):
    from auditlog.models import LogEntry

    review = review_in(risk, "draft")
    services.save_review(review=review, by=people["officer"], data={**COMPLETE, "version": review.version})
    services.save_review(review=review, by=people["officer"],
                         data={**COMPLETE, "current_impact": 5, "version": review.version + 1})
    entries = LogEntry.objects.get_for_object(review).order_by("timestamp")
    impacts = [e.changes_dict.get("current_impact") for e in entries if "current_impact" in e.changes_dict]
    assert [change[1] for change in impacts] == ["3", "5"]
    assert entries.last().actor == people["officer"]


def test_issuing_the_briefing_publishes_the_approved_reviews(risk, people):
    review = review_in(risk, "approved")
    services.publish_reviews(review.period)
    assert RiskReview.objects.get(pk=review.pk).state == "published"


class TestRaiseRisk:
    def test_the_coordinating_team_raises_a_risk_linked_to_a_kpi(self, people):
        from tests.factories import KPIFactory

        kpi = KPIFactory()
        risk = services.raise_risk(strategy=StrategyFactory(), by=people["coordinator"], reference="SR9",
                                   title="Skills gap", inherent_likelihood=3, inherent_impact=4, target_likelihood=2,
                                   target_impact=2, owner=people["officer"], kpis=[kpi])
        assert list(risk.kpis.all()) == [kpi]
        assert risk.updated_by == people["coordinator"]

    def test_an_officer_cannot_raise_one(self, people):
        with pytest.raises(PermissionDenied):
            services.raise_risk(strategy=StrategyFactory(), by=people["officer"], reference="SR9", title="Skills gap",
                                inherent_likelihood=3, inherent_impact=4, target_likelihood=2, target_impact=2)

    def test_a_score_off_the_matrix_is_refused_with_nothing_written(self, people):
        from django.core.exceptions import ValidationError

        from reporting.models import Risk

        with pytest.raises(ValidationError) as refused:
            services.raise_risk(strategy=StrategyFactory(), by=people["coordinator"], reference="SR9",
                                title="Skills gap", inherent_likelihood=6, inherent_impact=4, target_likelihood=2,
                                target_impact=2)
        assert "1 to 5" in str(refused.value)
        assert not Risk.objects.exists()


def test_a_draft_saved_leaves_the_readers_version_and_an_approval_raises_it(risk, people):
    review = review_in(risk, "draft")
    assert risk.matrix.pk  # the council's matrix made (the first time it is asked for) before measuring
    before = (data_version(), data_version(drafts=False))
    services.save_review(review=review, by=people["officer"], data={**COMPLETE, "version": review.version})
    after_draft = (data_version(), data_version(drafts=False))
    assert after_draft[0] > before[0] and after_draft[1] == before[1]
    services.submit_review(review=review, by=people["officer"])
    services.approve_review(review=review, by=people["approver"])
    assert data_version(drafts=False) > after_draft[1]


def test_the_history_says_each_change_in_words(risk, people):
    from reporting.risks.selectors import review_history

    review = review_in(risk, "draft")
    services.save_review(review=review, by=people["officer"], data={**COMPLETE, "version": review.version})
    services.save_review(review=review, by=people["officer"],
                         data={**COMPLETE, "current_impact": 5, "version": review.version + 1})
    texts = [change.text for entry in review_history(RiskReview.objects.get(pk=review.pk)) for change in entry.changes]
    assert "Officer changed the current impact of the review from 3 to 5" in texts
