"""Each step of every workflow, one guarded operation: written once, asked by every caller.

A step (submit a return, issue a briefing, open a period...) is refused for the first of these
reasons, always asked in this order:

    1. who       may this person take the step at all?         (reporting.access's rule table)
    2. state     does the object's state allow it?              (reporting.workflow's machines)
    3. period    does the period (or the strategy) allow it?    (the `period` rule of the step)
    4. version   is the object still as the person saw it?      (the version the page was read from)
    5. complete  is everything there that the step needs?       (the `complete` rule of the step)

`OPERATION.refusal(user, obj, version=..., complete=...)` answers the first refusal — a `Refusal`,
which says which check refused and why in words a page can show as they are — or None when the
step may be taken. Pages ask it to decide between the button and the reason where the button
would be (`offer`); services ask it again as the first thing they do on the row they have locked
(`guard`, which raises the refusal), so that a page, an import, the API and a command can never
disagree about a step. Nothing else decides whether a step may be taken.

The rules the checks ask live where they belong: who in reporting.access, state in
reporting.workflow, completeness of a return in reporting.returns.completeness. What is here is
their order, and the two rules about periods that several steps share (`entry_refusal`,
`chase_refusal`, both in reporting.workflow).
"""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from objectives.council import terms
from objectives.text import is_blank
from reporting import access, workflow
from reporting.briefings import readiness
from reporting.returns.completeness import return_problems

WHO, STATE, PERIOD, VERSION, COMPLETE = "who", "state", "period", "version", "complete"
CHECKS = (WHO, STATE, PERIOD, VERSION, COMPLETE)


@dataclass(frozen=True)
class Refusal:
    """Why a step may not be taken now: which check refused (`check`), and the reason in words.
    `problems` ({form field: message}) for an incomplete return; `obj` the object as it was checked."""

    check: str
    reason: str
    problems: dict = field(default_factory=dict)
    obj: object = None

    def __str__(self):
        return self.reason


class StepRefused(workflow.WorkflowError):
    """A refused step, raised by `Operation.guard`; `.refusal` says which check refused and why."""

    def __init__(self, refusal):
        if isinstance(refusal, str):  # a refusal of the caller's own (a comment left empty)
            refusal = Refusal(STATE, refusal)
        self.refusal = refusal
        super().__init__(refusal.reason)

    @property
    def check(self):
        return self.refusal.check

    @property
    def problems(self):
        return self.refusal.problems


@dataclass(frozen=True)
class Operation:
    """One step of one machine, with everything that may refuse it.

    rule: the access rule of who may take it; machine, step: the workflow step (its states);
    subject: obj -> how the machine's refusals name the object ("Housing (2023/24 Q1)");
    period: (obj, user) -> the period's refusal in words, or None;
    stale: (obj, user) -> what to say when the version has moved on;
    complete: (obj) -> {field: problem} (or a message), empty when complete.
    """

    name: str
    rule: str
    machine: workflow.Machine | None = None
    step: str | None = None
    subject: object = None
    period: object = None
    stale: object = None
    complete: object = None

    def refusal(self, user, obj, *, version=None, complete=True):
        """The first check that refuses this step for `user` on `obj` now, or None. `version`: the
        version the person's page was read from (None: not asked); `complete=False` leaves the
        completeness check to the write, which asks it on what it is about to save."""
        if user is not None and not access.can(user, self.rule, obj):
            return Refusal(WHO, access.refusal(user, self.rule), obj=obj)
        if self.machine is not None:
            subject = self.subject(obj) if self.subject else None
            message = self.machine.refusal(self.step, obj, subject=subject)
            if message:
                return Refusal(STATE, message, obj=obj)
        if self.period is not None:
            message = self.period(obj, user)
            if message:
                return Refusal(PERIOD, message, obj=obj)
        if version is not None and str(version) != str(getattr(obj, "version", 0) or 0):
            message = self.stale(obj, user) if self.stale else "This has been changed since you opened it. Check it again."
            return Refusal(VERSION, message, obj=obj)
        if complete and self.complete is not None:
            problems = self.complete(obj)
            if problems:
                if isinstance(problems, str):
                    return Refusal(COMPLETE, problems, obj=obj)
                return Refusal(COMPLETE, self.incomplete(problems), problems=dict(problems), obj=obj)
        return None

    def incomplete(self, problems):
        if self.machine is workflow.RETURN:
            return "The return is not complete: " + "; ".join(problems.values())
        if self.machine is workflow.RISK_REVIEW:
            return "The review is not complete: " + " ".join(problems.values())
        return " ".join(problems.values())

    def allows(self, user, obj, **kwargs):
        return self.refusal(user, obj, **kwargs) is None

    def offer(self, user, obj, *, complete=False):
        """For a page: the step as a button (`Offer.shown`), or the reason where the button would be
        (`Offer.reason`), or nothing at all for someone who could never take it (`Offer.hidden`).
        `complete`: ask the completeness check too (where the page holds everything the step needs)."""
        refused = self.refusal(user, obj, complete=complete)
        if refused is None:
            return Offer(shown=True)
        if refused.check == WHO:
            return Offer(hidden=True, check=WHO)
        return Offer(reason=refused.reason, check=refused.check)

    def guard(self, user, obj, *, version=None, complete=True, errors=None):
        """Raise the first refusal: who may never take the step as PermissionDenied (a 403 from any
        view), any other as `errors[check]`, else `errors[None]`, else StepRefused. Services call it
        on the row they have locked, before they write."""
        refused = self.refusal(user, obj, version=version, complete=complete)
        if refused is None:
            return
        if refused.check == WHO:
            raise PermissionDenied(refused.reason)
        errors = errors or {}
        raise (errors.get(refused.check) or errors.get(None) or StepRefused)(refused)


@dataclass(frozen=True)
class Offer:
    """What a page shows for a step: its button, the reason it cannot be taken now, or nothing."""

    shown: bool = False
    reason: str = ""
    hidden: bool = False
    check: str = ""  # which check refused it (reporting.steps.CHECKS), for a page that says only some

    def __bool__(self):
        return self.shown


# -- the subjects and period rules the steps share ------------------------------------------------


def _return_subject(ret):
    return f"{ret.sub_strand.name} ({ret.period.label})"


def _the_return(ret):
    return f"The {ret.sub_strand.name} return for {ret.period.label}"


def _entry(ret, user):
    return workflow.entry_refusal(ret, coordinator=user is None or access.is_coordinator(user))


def _chase(ret, user):
    name = ret.sub_strand.name if ret.sub_strand_id else None
    return workflow.chase_refusal(ret.state if ret.pk else None, ret.period, name=name)


def stale_return(ret, user):
    """A return saved by someone since the page was opened: who and when, in words."""
    return workflow.stale_message(ret, user, noun="return")


def _stale_decision(ret, user):
    return "This return has been changed since you opened it. Check it again before you decide."


def _not_saved_yet(briefing, user):
    if briefing.pk is None:
        return f"The briefing can be issued once the {terms().coordinator.one} has saved its text."
    return None


def _stale_briefing(briefing, user):
    return "The briefing was changed after you opened this page. Check it again before issuing."


def _stale_briefing_text(briefing, user):
    return ("Someone else saved this briefing after you opened it. Your changes have not been saved: "
            "they are shown below, beside the form, so that you can copy them into the current version.")


def _the_update(update):
    return f"The update on recommendation ({update.action.number})"


def _stale_update(update, user):
    return ("Someone else changed this update while you had it open. Your changes have not been saved: "
            "reload the page to see the latest version, then make your changes again.")


def _narrative_written(update):
    if is_blank(update.narrative):
        return {"narrative": "Write the progress narrative before you submit the update."}
    return {}


def _the_review(review):
    return f"The review of {review.risk.reference} for {review.period.label}"


def _review_entry(review, user):
    return workflow.review_entry_refusal(review, coordinator=user is None or access.is_coordinator(user))


def _review_chase(review, user):
    return workflow.review_chase_refusal(review.state if review.pk else None, review.period)


def stale_review(review, user):
    """A risk's review saved by someone since the page was opened: who and when, in words."""
    return workflow.stale_message(review, user, noun="review")


def stale_risk(risk, user):
    """A risk's register entry changed by someone since the page was opened: who and when, in words."""
    return workflow.stale_message(risk, user, noun="risk")


def _stale_review_decision(review, user):
    return "This review has been changed since you opened it. Check it again before you decide."


def review_problems(review):
    """What a risk's review needs before it is submitted: {form field: what is missing}."""
    problems = {}
    if review.current_likelihood is None:
        problems["current_likelihood"] = "Choose the current likelihood."
    if review.current_impact is None:
        problems["current_impact"] = "Choose the current impact."
    if not review.direction:
        problems["direction"] = "Say the direction of travel."
    if is_blank(review.commentary):
        problems["commentary"] = "Write the commentary."
    return problems


def _period_label(period):
    return period.label


def _stale_target(slot, user):
    """A KPI's target for the year saved by someone since the targets page was opened: who and when."""
    return workflow.stale_message(slot, user, noun=f"{slot.kpi.code} target")


# -- every step of every machine ------------------------------------------------------------------
# Returns. Submit's completeness is asked on the saved return, inside the transaction that saves it.
SAVE_RETURN = Operation("save_return", "edit_return", workflow.RETURN, "edit", subject=_the_return, period=_entry,
                        stale=stale_return)
SUBMIT_RETURN = Operation("submit_return", "submit_return", workflow.RETURN, "submit", subject=_the_return, period=_entry,
                          stale=stale_return, complete=return_problems)
APPROVE_RETURN = Operation("approve_return", "approve_return", workflow.RETURN, "approve", subject=_return_subject,
                           stale=_stale_decision)
SEND_BACK_RETURN = Operation("send_back_return", "send_back_return", workflow.RETURN, "send_back", stale=_stale_decision)
REOPEN_RETURN = Operation("reopen_return", "reopen_return", workflow.RETURN, "reopen", stale=_stale_decision)
REMIND_RETURN = Operation("remind_return", "chase_returns", period=_chase)

# Action-plan updates (submitting one needs its narrative).
SAVE_PLAN_UPDATE = Operation("save_plan_update", "edit_action_update", workflow.PLAN_UPDATE, "edit", subject=_the_update,
                             stale=_stale_update)
SUBMIT_PLAN_UPDATE = Operation("submit_plan_update", "submit_action_update", workflow.PLAN_UPDATE, "submit",
                               subject=_the_update, stale=_stale_update, complete=_narrative_written)
APPROVE_PLAN_UPDATE = Operation("approve_plan_update", "approve_action_update", workflow.PLAN_UPDATE, "approve",
                                subject=_the_update, stale=_stale_update)
SEND_BACK_PLAN_UPDATE = Operation("send_back_plan_update", "send_back_action_update", workflow.PLAN_UPDATE, "send_back",
                                  subject=_the_update, stale=_stale_update)

# Briefings (what the period's returns must be before issue or re-issue: reporting.briefings.readiness).
SAVE_BRIEFING = Operation("save_briefing", "edit_briefing", workflow.BRIEFING, "edit", stale=_stale_briefing_text)
ISSUE_BRIEFING = Operation("issue_briefing", "issue_briefing", workflow.BRIEFING, "issue", period=_not_saved_yet,
                           stale=_stale_briefing, complete=readiness.issue_problem)
REISSUE_BRIEFING = Operation("reissue_briefing", "reissue_briefing", workflow.BRIEFING, "reissue", stale=_stale_briefing,
                             complete=readiness.reissue_problem)

# Periods.
OPEN_PERIOD = Operation("open_period", "manage_periods", workflow.PERIOD, "open", subject=_period_label,
                        period=workflow.another_open_period)
CLOSE_PERIOD = Operation("close_period", "manage_periods", workflow.PERIOD, "close", subject=_period_label)
SET_UP_YEAR = Operation("set_up_year", "set_up_year")
# A KPI's target for a year (reporting.years.selectors.TargetSlot: its version is the target's as it is now).
SET_TARGET = Operation("set_target", "set_targets", stale=_stale_target)
# Which of a KPI's targets for a year its RAG is measured against (the others stay, as other targets),
# on the targets page; asked on the KPI's primary target as the page showed it (a TargetSlot).
CHOOSE_PRIMARY_TARGET = Operation("choose_primary_target", "choose_primary_target", stale=_stale_target)
# A KPI's change of process (kpis.models.ChangeOfProcess): its variation limits recalculated from a
# period, with a reason; recorded and removed by the coordinating team (reporting/variation/).
RECORD_CHANGE_OF_PROCESS = Operation("record_change_of_process", "record_change_of_process")
REMOVE_CHANGE_OF_PROCESS = Operation("remove_change_of_process", "record_change_of_process")

# A risk's review in a period (reporting/risks/): the owner saves and submits, the approver decides.
SAVE_RISK_REVIEW = Operation("save_risk_review", "edit_risk_review", workflow.RISK_REVIEW, "edit", subject=_the_review,
                             period=_review_entry, stale=stale_review)
SUBMIT_RISK_REVIEW = Operation("submit_risk_review", "submit_risk_review", workflow.RISK_REVIEW, "submit",
                               subject=_the_review, period=_review_entry, stale=stale_review, complete=review_problems)
APPROVE_RISK_REVIEW = Operation("approve_risk_review", "approve_risk_review", workflow.RISK_REVIEW, "approve",
                                subject=_the_review, stale=_stale_review_decision)
SEND_BACK_RISK_REVIEW = Operation("send_back_risk_review", "send_back_risk_review", workflow.RISK_REVIEW, "send_back",
                                  subject=_the_review, stale=_stale_review_decision)
# A reminder about an outstanding review (reporting.returns.reminders, with the returns').
REMIND_RISK_REVIEW = Operation("remind_risk_review", "chase_returns", period=_review_chase)
# A risk's entry in the register (raise it, change it): the coordinating team.
MANAGE_RISK = Operation("manage_risk", "manage_risks", stale=stale_risk)

OPERATIONS = {op.name: op for op in (
    SAVE_RETURN, SUBMIT_RETURN, APPROVE_RETURN, SEND_BACK_RETURN, REOPEN_RETURN, REMIND_RETURN,
    SAVE_PLAN_UPDATE, SUBMIT_PLAN_UPDATE, APPROVE_PLAN_UPDATE, SEND_BACK_PLAN_UPDATE,
    SAVE_BRIEFING, ISSUE_BRIEFING, REISSUE_BRIEFING, OPEN_PERIOD, CLOSE_PERIOD, SET_UP_YEAR, SET_TARGET,
    CHOOSE_PRIMARY_TARGET,
    RECORD_CHANGE_OF_PROCESS, REMOVE_CHANGE_OF_PROCESS,
    SAVE_RISK_REVIEW, SUBMIT_RISK_REVIEW, APPROVE_RISK_REVIEW, SEND_BACK_RISK_REVIEW, REMIND_RISK_REVIEW, MANAGE_RISK,
)}
