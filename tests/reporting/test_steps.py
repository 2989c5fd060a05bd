"""Each step of every machine, one guarded operation (reporting.steps): one class per step, over every
start state it is allowed from and every one it is refused from, with which check refuses and why.
The objects are built in memory from the Sefton data: `refusal` asks who, state, period and version
without writing anything (completeness, which reads the saved return, is tested through the service)."""
import datetime

import pytest

from objectives.models import Action, ReportingPeriod, SubStrand
from reporting import steps
from reporting.models import ActionUpdate, Briefing, QuarterlyReturn

RETURN_STATES = ["draft", "returned", "submitted", "approved", "published"]
PERIOD_STATES = ["not_open", "open", "closed", "published"]


def a_return(state="draft", period_state="open", *, revision=1, version=3, sub="housing"):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    period.state = period_state
    return QuarterlyReturn(pk=10_000, sub_strand=SubStrand.objects.get(slug=sub), period=period, state=state,
                           version=version, revision=revision)


def check_of(step, user, obj, **kwargs):
    refused = step.refusal(user, obj, complete=False, **kwargs)
    return None if refused is None else refused.check


def allowed_and_refused(step, user, states, allowed, make):
    """{state: the check that refuses it (None: allowed)} agrees with `allowed`."""
    found = {state: check_of(step, user, make(state)) for state in states}
    assert {s for s, check in found.items() if check is None} == set(allowed), found
    assert all(check == steps.STATE for s, check in found.items() if s not in allowed), found


@pytest.mark.usefixtures("demo_users")
class TestSaveReturn:
    def test_from_a_draft_or_returned_return_only(self, demo_users):
        allowed_and_refused(steps.SAVE_RETURN, demo_users["officer"], RETURN_STATES, {"draft", "returned"}, a_return)

    def test_in_an_open_period_by_its_officer_and_in_a_closed_one_by_the_coordinating_team_only(self, demo_users):
        officer, coordinator = demo_users["officer"], demo_users["coordinator"]
        assert {p: check_of(steps.SAVE_RETURN, officer, a_return("draft", p)) for p in PERIOD_STATES} == {
            "not_open": steps.PERIOD, "open": None, "closed": steps.PERIOD, "published": None}
        assert {p: check_of(steps.SAVE_RETURN, coordinator, a_return("draft", p)) for p in PERIOD_STATES} == {
            "not_open": steps.PERIOD, "open": None, "closed": None, "published": None}

    def test_a_correction_reopened_after_approval_is_entered_in_a_closed_period(self, demo_users):
        assert check_of(steps.SAVE_RETURN, demo_users["officer"], a_return("draft", "closed", revision=2)) is None

    def test_who_is_asked_first(self, demo_users):
        for username in ("cabinet", "scrutiny", "officer2"):  # officer2 does not lead Housing
            assert check_of(steps.SAVE_RETURN, demo_users[username], a_return("approved", "not_open")) == steps.WHO

    def test_the_version_the_page_was_read_from(self, demo_users):
        ret = a_return("draft")
        assert check_of(steps.SAVE_RETURN, demo_users["officer"], ret, version=3) is None
        refused = steps.SAVE_RETURN.refusal(demo_users["officer"], ret, version=2)
        assert refused.check == steps.VERSION and "changed" in refused.reason

    def test_the_state_is_asked_before_the_period_and_the_version(self, demo_users):
        assert check_of(steps.SAVE_RETURN, demo_users["officer"], a_return("submitted", "not_open"), version=1) == steps.STATE


@pytest.mark.usefixtures("demo_users")
class TestSubmitReturn:
    def test_from_a_draft_or_returned_return_only(self, demo_users):
        allowed_and_refused(steps.SUBMIT_RETURN, demo_users["officer"], RETURN_STATES, {"draft", "returned"}, a_return)

    def test_not_before_the_period_opens(self, demo_users):
        refused = steps.SUBMIT_RETURN.refusal(demo_users["coordinator"], a_return("draft", "not_open"), complete=False)
        assert refused.check == steps.PERIOD and refused.reason == "2023/24 Q2 is not open for returns yet."

    def test_an_incomplete_saved_return_is_refused_with_each_problem(self, demo_users):
        from reporting.returns import services

        ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"),
                                    period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["officer"])
        refused = steps.SUBMIT_RETURN.refusal(demo_users["officer"], ret)
        assert refused.check == steps.COMPLETE
        assert refused.problems["overall_rag"] == "Choose the overall status: Red, Amber or Green"
        with pytest.raises(services.IncompleteReturnError) as raised:
            services.submit_return(quarterly_return=ret, by=demo_users["officer"])
        assert raised.value.problems == refused.problems


@pytest.mark.usefixtures("demo_users")
class TestApproveReturn:
    def test_from_a_submitted_return_only(self, demo_users):
        allowed_and_refused(steps.APPROVE_RETURN, demo_users["approver"], RETURN_STATES, {"submitted"}, a_return)

    def test_only_by_an_approver(self, demo_users):
        for username in ("officer", "coordinator", "cabinet"):
            assert check_of(steps.APPROVE_RETURN, demo_users[username], a_return("submitted")) == steps.WHO

    def test_a_second_approval_says_it_was_approved_already(self, demo_users):
        refused = steps.APPROVE_RETURN.refusal(demo_users["approver"], a_return("approved"))
        assert refused.reason == "Housing (2023/24 Q2) has already been approved."

    def test_in_any_period_state_a_submitted_return_is_decided(self, demo_users):
        for period_state in PERIOD_STATES:
            assert check_of(steps.APPROVE_RETURN, demo_users["approver"], a_return("submitted", period_state)) is None


@pytest.mark.usefixtures("demo_users")
class TestSendBackReturn:
    def test_from_a_submitted_return_only(self, demo_users):
        allowed_and_refused(steps.SEND_BACK_RETURN, demo_users["approver"], RETURN_STATES, {"submitted"}, a_return)

    def test_by_the_approver_or_the_coordinating_team(self, demo_users):
        assert check_of(steps.SEND_BACK_RETURN, demo_users["coordinator"], a_return("submitted")) is None
        assert check_of(steps.SEND_BACK_RETURN, demo_users["officer"], a_return("submitted")) == steps.WHO


@pytest.mark.usefixtures("demo_users")
class TestReopenReturn:
    def test_from_an_approved_or_published_return_only(self, demo_users):
        allowed_and_refused(steps.REOPEN_RETURN, demo_users["approver"], RETURN_STATES, {"approved", "published"}, a_return)

    def test_not_by_an_officer(self, demo_users):
        assert check_of(steps.REOPEN_RETURN, demo_users["officer"], a_return("approved")) == steps.WHO


@pytest.mark.usefixtures("demo_users")
class TestRemindReturn:
    """A reminder goes about an outstanding return of an open period, and nothing else: the same rule
    as "Overdue" (reporting.workflow.chase_refusal)."""

    def test_about_an_outstanding_return_only(self, demo_users):
        found = {s: check_of(steps.REMIND_RETURN, demo_users["coordinator"], a_return(s)) for s in RETURN_STATES}
        assert found == {"draft": None, "returned": None, "submitted": steps.PERIOD, "approved": steps.PERIOD,
                         "published": steps.PERIOD}

    def test_in_an_open_period_only(self, demo_users):
        found = {p: steps.REMIND_RETURN.refusal(demo_users["coordinator"], a_return("draft", p)) for p in PERIOD_STATES}
        assert found["open"] is None
        assert "not open for returns yet" in found["not_open"].reason
        assert "is closed: officers cannot change its returns" in found["closed"].reason
        assert "no longer chased" in found["published"].reason

    def test_overdue_is_exactly_what_can_be_chased_after_the_deadline(self, demo_users):
        from reporting.workflow import is_overdue

        after = datetime.date(2030, 1, 1)
        for period_state in PERIOD_STATES:
            for state in RETURN_STATES:
                ret = a_return(state, period_state)
                ret.period.dashboard_deadline = datetime.date(2023, 9, 1)
                chaseable = steps.REMIND_RETURN.allows(demo_users["coordinator"], ret)
                assert is_overdue(state, ret.period, after) == chaseable, (state, period_state)

    def test_only_by_the_coordinating_team(self, demo_users):
        assert check_of(steps.REMIND_RETURN, demo_users["approver"], a_return("draft")) == steps.WHO


def an_update(state, *, version=2):
    action = Action.objects.filter(plan__isnull=False).order_by("plan_id", "number").first()
    return ActionUpdate(pk=10_000, action=action, state=state, version=version, narrative="Progress")


@pytest.mark.usefixtures("demo_users")
class TestPlanUpdateSteps:
    @pytest.mark.parametrize("step, username, allowed", [
        ("SAVE_PLAN_UPDATE", "coordinator", {"draft", "returned"}),
        ("SUBMIT_PLAN_UPDATE", "coordinator", {"draft", "returned"}),
        ("APPROVE_PLAN_UPDATE", "approver", {"submitted"}),
        ("SEND_BACK_PLAN_UPDATE", "approver", {"submitted"}),
    ])
    def test_each_step_from_its_start_states_only(self, demo_users, step, username, allowed):
        allowed_and_refused(getattr(steps, step), demo_users[username], RETURN_STATES, allowed, an_update)

    def test_submit_needs_a_narrative(self, demo_users):
        update = an_update("draft")
        update.narrative = "  "
        refused = steps.SUBMIT_PLAN_UPDATE.refusal(demo_users["coordinator"], update)
        assert refused.check == steps.COMPLETE and "narrative" in refused.problems

    def test_readers_take_no_step(self, demo_users):
        assert check_of(steps.SAVE_PLAN_UPDATE, demo_users["cabinet"], an_update("draft")) == steps.WHO


def a_briefing(state, *, saved=True, version=4):
    return Briefing(pk=10_000 if saved else None, period=ReportingPeriod.objects.get(slug="2023-24-q2"), state=state,
                    version=version)


@pytest.mark.usefixtures("demo_users")
class TestBriefingSteps:
    def test_its_text_is_saved_while_it_is_a_draft(self, demo_users):
        allowed_and_refused(steps.SAVE_BRIEFING, demo_users["coordinator"], ["draft", "issued"], {"draft"}, a_briefing)

    def test_it_is_issued_once_from_a_draft(self, demo_users):
        allowed_and_refused(steps.ISSUE_BRIEFING, demo_users["approver"], ["draft", "issued"], {"draft"}, a_briefing)

    def test_it_is_issued_once_its_text_has_been_saved(self, demo_users):
        refused = steps.ISSUE_BRIEFING.refusal(demo_users["approver"], a_briefing("draft", saved=False), complete=False)
        assert refused.check == steps.PERIOD
        assert refused.reason == "The briefing can be issued once the Economy Cell has saved its text."

    def test_it_is_re_issued_once_issued(self, demo_users):
        allowed_and_refused(steps.REISSUE_BRIEFING, demo_users["approver"], ["draft", "issued"], {"issued"}, a_briefing)

    def test_the_coordinating_team_does_not_issue_and_the_approver_does_not_write(self, demo_users):
        assert check_of(steps.ISSUE_BRIEFING, demo_users["coordinator"], a_briefing("draft")) == steps.WHO
        assert check_of(steps.SAVE_BRIEFING, demo_users["approver"], a_briefing("draft")) == steps.WHO

    def test_issue_waits_for_every_submitted_return(self, demo_users):
        period = ReportingPeriod.objects.get(slug="2023-24-q2")
        QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="planning"), period=period, state="submitted")
        refused = steps.ISSUE_BRIEFING.refusal(demo_users["approver"], a_briefing("draft"))
        assert refused.check == steps.COMPLETE and "1 return is waiting for approval (Planning)" in refused.reason


def a_period(state):
    period = ReportingPeriod.objects.get(slug="2023-24-q3")
    period.state = state
    return period


@pytest.mark.usefixtures("demo_users")
class TestPeriodSteps:
    def test_open_from_not_open_or_closed_while_no_other_period_is_open(self, demo_users):
        ReportingPeriod.objects.filter(slug="2023-24-q2").update(state="closed")
        allowed_and_refused(steps.OPEN_PERIOD, demo_users["coordinator"], PERIOD_STATES, {"not_open", "closed"}, a_period)

    def test_open_refused_while_another_period_of_the_strategy_is_open(self, demo_users):
        assert ReportingPeriod.objects.get(slug="2023-24-q2").state == "open"
        refused = steps.OPEN_PERIOD.refusal(demo_users["coordinator"], a_period("not_open"))
        assert refused.check == steps.PERIOD
        assert refused.reason == "Close 2023/24 Q2 before opening 2023/24 Q3: one period of a strategy is open at a time."

    def test_close_from_open_only(self, demo_users):
        allowed_and_refused(steps.CLOSE_PERIOD, demo_users["coordinator"], PERIOD_STATES, {"open"}, a_period)

    def test_only_the_coordinating_team_manages_periods_and_years(self, demo_users):
        for username in ("officer", "approver", "cabinet"):
            assert check_of(steps.CLOSE_PERIOD, demo_users[username], a_period("open")) == steps.WHO
            assert check_of(steps.SET_UP_YEAR, demo_users[username], None) == steps.WHO
        assert check_of(steps.SET_UP_YEAR, demo_users["coordinator"], None) is None


def test_every_step_of_every_machine_is_an_operation():
    from reporting import workflow

    taken = {(op.machine, op.step) for op in steps.OPERATIONS.values() if op.machine is not None}
    for machine in (workflow.RETURN, workflow.PLAN_UPDATE, workflow.BRIEFING, workflow.PERIOD, workflow.RISK_REVIEW):
        for name in machine.steps:
            # publish is the briefing's issue (one operation for the period, its returns and updates);
            # a plan update's reopen follows its return's.
            if name in ("publish",) or (machine is workflow.PLAN_UPDATE and name == "reopen"):
                continue
            assert (machine, name) in taken, f"{machine.noun}: {name} has no guarded operation"
