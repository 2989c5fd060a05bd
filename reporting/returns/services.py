"""Writes of quarterly returns: start, save, submit, approve (one or several), send back.

Every function runs in one transaction, locks what it changes (`select_for_update`), records who did
it in the history (django-auditlog, through `save()`, never `.update()`), and takes each step of the
workflow through `reporting.workflow.RETURN`, which refuses a step that the current state does not
allow with a `ReturnWorkflowError` whose message a page can show as it is. Who may call them is
decided by `reporting.access` in the views; these functions guard the workflow itself, so that no
caller (a view, the spreadsheet import, a command) can break it.

    start_return(*, sub_strand, period, by)                 -> QuarterlyReturn (get or create the draft)
    save_return(*, quarterly_return, by, form, submit=False) -> QuarterlyReturn (raises StaleEditError)
    save_return_data(*, quarterly_return, by, data, submit=False)  the same from a ReturnForm's cleaned_data
    submit_return(*, quarterly_return, by)                  -> QuarterlyReturn (raises IncompleteReturnError)
    approve_return(*, quarterly_return, by)                 -> QuarterlyReturn (freezes each measurement)
    approve_returns(*, returns, by)                         -> list (all or none)
    send_back_return(*, quarterly_return, by, comment)      -> QuarterlyReturn

A correction (reopen an approved return) is in reporting.returns.corrections. Reporting periods are opened and closed by reporting.returns.periods; reminders are sent by
reporting.returns.reminders."""
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from django.db import IntegrityError, transaction
from django.utils import timezone

from kpis.figures import rating_contexts
from kpis.models import KPI, Measurement
from kpis.services import freeze_measurement, rate_measurement
from objectives.models import Action, ReportingPeriod
from objectives.roles import person_name
from objectives.text import clean_text
from reporting import notifications
from reporting.models import ActionUpdate, QuarterlyReturn, WorkflowState
from reporting.returns.completeness import action_field, kpi_field, saved_return_problems
from reporting.workflow import PERIOD_TAKES_NEW_RETURNS, RETURN, WorkflowError

COMMENT_MAX_LENGTH = 5_000


class ReturnWorkflowError(WorkflowError):
    """A step that the return's (or period's) current state does not allow; the message says why."""


class StaleEditError(ReturnWorkflowError):
    """Someone saved the return after the form was opened: saving would overwrite their change."""

    def __init__(self, current, by=None):
        self.current = current
        who = "someone else"
        if current is not None and current.updated_by_id:
            who = person_name(current.updated_by)
        when = ""
        if current is not None and current.updated_at:
            local = timezone.localtime(current.updated_at)
            when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
        if by is not None and current is not None and current.updated_by_id == getattr(by, "pk", None):
            # Their own earlier save: a second click on Save, or the return open in another tab.
            super().__init__(
                f"You saved this return{when}, after this page was opened (perhaps by pressing Save twice, or in "
                "another tab or window), so your changes on this page have not been saved. What you typed is still "
                "on this page: check the return as it is now, then save again to keep what is on this page."
            )
            return
        super().__init__(
            f"This return has been changed by {who}{when} since you opened it, so your changes have not been saved. "
            "What you typed is still on this page: check their changes, then save again to replace them with yours."
        )


class IncompleteReturnError(ReturnWorkflowError):
    """Submit refused: `problems` maps a ReturnForm field name to what is missing."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("The return is not complete: " + "; ".join(problems.values()))


def _problems(ret):
    """What stops this saved return being submitted (2 queries)."""
    kpis = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id, is_active=True).order_by("order", "code"))
    measurements = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period_id=ret.period_id)}
    return saved_return_problems(ret, kpis, measurements)


# -- helpers ------------------------------------------------------------------------------------

@contextmanager
def recorded_as(user):
    """Record `user` as the actor of every history entry written inside, inside a request or not."""
    outer = auditlog_value.get(None)
    try:
        with set_actor(user, remote_addr=(outer or {}).get("remote_addr")):
            yield
    finally:
        if outer is not None:  # give the request's own context (AuditlogMiddleware) back
            auditlog_value.set(outer)


def _lock(ret):
    """The return, locked for this transaction. No joins: on PostgreSQL a row re-read after waiting for
    the lock would come with the joined rows of the old snapshot (its related objects are read after)."""
    return QuarterlyReturn.objects.select_for_update().get(pk=ret.pk)


def _guard_period_takes_new_returns(period):
    if period.state in PERIOD_TAKES_NEW_RETURNS:
        return
    raise ReturnWorkflowError(f"{period.label} is not open for returns yet.")


def _sync_action_updates(ret):
    """Action updates of a return follow its workflow state."""
    for update in ActionUpdate.objects.filter(quarterly_return=ret).exclude(state=ret.state):
        update.state = ret.state
        if ret.state in (WorkflowState.APPROVED, WorkflowState.PUBLISHED):
            update.approved_at, update.approved_by = ret.approved_at, ret.approved_by
        if ret.state == WorkflowState.SUBMITTED:
            update.submitted_at = ret.submitted_at
        update.save()


def _previous_return(sub_strand, period):
    previous = period.previous()
    if previous is None:
        return None
    return QuarterlyReturn.objects.filter(sub_strand=sub_strand, period=previous).first()


def prefill(sub_strand, period):
    """What a new return starts from: last quarter's commentary and each action's narrative and status."""
    previous = _previous_return(sub_strand, period)
    actions = {}
    if previous is not None:
        for update in ActionUpdate.objects.filter(quarterly_return=previous):
            actions[update.action_id] = {"narrative": update.narrative, "status": update.status}
    return {"commentary": previous.commentary if previous else "", "actions": actions}


def _create_return(sub_strand, period, by, *, with_prefill=True):
    """Create the draft and its action updates; None if another request created it first."""
    values = prefill(sub_strand, period) if with_prefill else {"commentary": "", "actions": {}}
    try:
        with transaction.atomic():
            ret = QuarterlyReturn.objects.create(
                sub_strand=sub_strand, period=period, state=WorkflowState.DRAFT, commentary=values["commentary"],
                updated_by=by,
            )
    except IntegrityError:
        return None
    for action in Action.objects.filter(sub_strand=sub_strand).order_by("plan_id", "number"):
        start = values["actions"].get(action.id, {})
        ActionUpdate.objects.create(
            action=action, quarterly_return=ret, narrative=start.get("narrative", ""), status=start.get("status", ""),
            state=WorkflowState.DRAFT, updated_by=by,
        )
    return ret


# -- the return's life ----------------------------------------------------------------------------

def start_return(*, sub_strand, period, by):
    """The draft of this sub-strand for this period, created (pre-filled from last quarter) if there is none."""
    with transaction.atomic(), recorded_as(by):
        existing = QuarterlyReturn.objects.filter(sub_strand=sub_strand, period=period).first()
        if existing is not None:
            return existing
        _guard_period_takes_new_returns(period)
        if not period.reports(sub_strand):
            raise ReturnWorkflowError(f"{sub_strand} does not report in {period.label}: it is a period of another strategy.")
        ret = _create_return(sub_strand, period, by)
        return ret or QuarterlyReturn.objects.get(sub_strand=sub_strand, period=period)


def save_return(*, quarterly_return, by, form, submit=False):
    """Save a valid ReturnForm (all or nothing); with submit=True, submit it in the same transaction."""
    if not form.is_valid():
        raise ValueError("save_return needs a valid ReturnForm: check form.is_valid() first.")
    return save_return_data(quarterly_return=quarterly_return, by=by, data=form.cleaned_data, submit=submit)


def save_return_data(*, quarterly_return, by, data, submit=False):
    """Save a ReturnForm's cleaned_data to the return, its measurements and its action updates.

    `quarterly_return` may be unsaved (not started, version 0): it is created here. Raises
    StaleEditError when the return's version is no longer data["version"], and ReturnWorkflowError
    when it is not a draft or returned.
    """
    with transaction.atomic(), recorded_as(by):
        if quarterly_return.pk is None:
            existing = (
                QuarterlyReturn.objects.select_for_update()
                .filter(sub_strand=quarterly_return.sub_strand, period=quarterly_return.period).first()
            )
            if existing is not None:
                raise StaleEditError(existing, by)
            _guard_period_takes_new_returns(quarterly_return.period)
            ret = _create_return(quarterly_return.sub_strand, quarterly_return.period, by, with_prefill=False)
            if ret is None:  # created by someone else a moment ago
                raise StaleEditError(
                    QuarterlyReturn.objects.get(sub_strand=quarterly_return.sub_strand, period=quarterly_return.period), by
                )
            ret = _lock(ret)
        else:
            ret = _lock(quarterly_return)
            if ret.version != data.get("version"):
                raise StaleEditError(ret, by)
        RETURN.check("edit", ret, error=ReturnWorkflowError)
        if ret.period.state == ReportingPeriod.State.NOT_OPEN:
            raise ReturnWorkflowError(f"{ret.period.label} is not open for returns yet.")

        ret.overall_rag = data.get("overall_rag") or ""
        ret.commentary = data.get("commentary") or ""
        ret.rag_explanation = data.get("rag_explanation") or ""
        _save_measurements(ret, by, data)
        _save_action_updates(ret, by, data)
        ret.version += 1
        ret.updated_by = by
        ret.save()
        if submit:
            _submit(ret, by)
        return ret


MEASUREMENT_PARTS = [
    "value", "milestone_status", "not_available", "expected_date", "data_for", "rag_override", "override_reason", "commentary",
]
_EMPTY = {"value": None, "milestone_status": "", "not_available": False, "expected_date": None, "data_for": "",
          "rag_override": "", "override_reason": "", "commentary": ""}


def _measurement_state(m):
    return tuple(getattr(m, f) for f in [*MEASUREMENT_PARTS, "rag_calculated", "rag_basis"])


def _save_measurements(ret, by, data):
    kpis = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id, is_active=True))
    existing = {
        m.kpi_id: m for m in Measurement.objects.select_for_update().filter(kpi__in=kpis, period_id=ret.period_id)
    }
    changed = []
    for kpi in kpis:
        values = {part: data.get(kpi_field(kpi.id, part), _EMPTY[part]) for part in MEASUREMENT_PARTS}
        if kpi.is_milestone:
            values["value"] = None
        else:
            values["milestone_status"] = ""
        if values["not_available"]:
            values["value"] = None
        else:
            values["expected_date"] = None
        for text in ("data_for", "override_reason", "commentary", "milestone_status", "rag_override"):
            values[text] = values[text] or ""
        m = existing.get(kpi.id)
        if m is None:
            if all(values[part] == _EMPTY[part] for part in MEASUREMENT_PARTS):
                continue  # nothing entered: leave it missing rather than store an empty figure
            m = Measurement(kpi=kpi, period=ret.period)
        m.kpi, m.period = kpi, ret.period
        before = _measurement_state(m) if m.pk else None
        for part, value in values.items():
            setattr(m, part, value)
        changed.append((m, before))
    contexts = rating_contexts([m.kpi for m, _ in changed], ret.period, {m.kpi_id: m for m, _ in changed})
    for m, before in changed:
        rate_measurement(m, context=contexts[m.kpi_id])
        if m.pk is None or _measurement_state(m) != before:
            if m.pk:
                m.version += 1
            m.updated_by = by
            m.save()


def _save_action_updates(ret, by, data):
    updates = {u.action_id: u for u in ActionUpdate.objects.select_for_update().filter(quarterly_return=ret)}
    for action in Action.objects.filter(sub_strand_id=ret.sub_strand_id):
        narrative = data.get(action_field(action.id, "narrative")) or ""
        status = data.get(action_field(action.id, "status")) or ""
        update = updates.get(action.id)
        if update is None:
            if not narrative and not status:
                continue
            update = ActionUpdate(action=action, quarterly_return=ret, state=ret.state)
        elif update.narrative == narrative and update.status == status:
            continue
        else:
            update.version += 1
        update.narrative, update.status, update.updated_by = narrative, status, by
        update.save()


def _submit(ret, by):
    RETURN.check("submit", ret, subject="this one", error=ReturnWorkflowError)
    problems = _problems(ret)
    if problems:
        raise IncompleteReturnError(problems)
    RETURN.move("submit", ret)
    ret.submitted_at, ret.submitted_by = timezone.now(), by
    ret.version += 1
    ret.updated_by = by
    ret.save()
    _sync_action_updates(ret)
    notifications.return_submitted(ret, by=by)


def submit_return(*, quarterly_return, by):
    """Draft or returned → submitted, if it is complete (else IncompleteReturnError with each problem)."""
    with transaction.atomic(), recorded_as(by):
        ret = _lock(quarterly_return)
        _submit(ret, by)
        return ret


def _approve(ret, by, now):
    RETURN.check("approve", ret, subject=f"{ret.sub_strand.name} ({ret.period.label})", error=ReturnWorkflowError)
    kpis = {k.id: k for k in KPI.objects.filter(sub_strand_id=ret.sub_strand_id)}
    period = ret.period
    measurements = [m for m in Measurement.objects.select_for_update().filter(kpi_id__in=list(kpis), period_id=ret.period_id)
                    if not m.is_frozen]
    for m in measurements:
        m.kpi, m.period = kpis[m.kpi_id], period
    contexts = rating_contexts([m.kpi for m in measurements], period, {m.kpi_id: m for m in measurements})
    for m in measurements:
        freeze_measurement(m, at=now, context=contexts[m.kpi_id])
        m.version += 1
        m.updated_by = by
        m.save()
    RETURN.move("approve", ret)
    late = ret.period.state == ReportingPeriod.State.PUBLISHED  # approved after its briefing was issued
    if late:
        RETURN.move("publish", ret)
    ret.approved_at, ret.approved_by = now, by
    ret.version += 1
    # A decision, not a save of what is in it: "last saved" stays with whoever wrote it.
    ret.save(update_fields=["state", "approved_at", "approved_by", "version"])
    _sync_action_updates(ret)
    notifications.return_approved(ret, by=by, late=late)
    return ret


def approve_return(*, quarterly_return, by):
    """Submitted → approved: each measurement's RAG, target and tolerance are frozen as they are now."""
    with transaction.atomic(), recorded_as(by):
        return _approve(_lock(quarterly_return), by, timezone.now())


def approve_returns(*, returns, by):
    """Approve several submitted returns at once: all of them, or (if one cannot be) none."""
    returns = list(returns)
    if not returns:
        raise ReturnWorkflowError("Select at least one return to approve.")
    with transaction.atomic(), recorded_as(by):
        now = timezone.now()
        locked = QuarterlyReturn.objects.select_for_update().filter(pk__in=[r.pk for r in returns]).order_by("pk")
        return [_approve(ret, by, now) for ret in locked]


def send_back_return(*, quarterly_return, by, comment):
    """Submitted → returned to the officer, with the approver's comment saying what to change."""
    comment = clean_text(comment)
    if not comment:
        raise ReturnWorkflowError("Write a comment saying what needs to change.")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ReturnWorkflowError(f"The comment must be {COMMENT_MAX_LENGTH:,} characters or fewer.")
    with transaction.atomic(), recorded_as(by):
        ret = _lock(quarterly_return)
        RETURN.move("send_back", ret, error=ReturnWorkflowError)
        ret.return_comment = comment
        ret.version += 1
        # A decision, not a save of what is in it: "last saved" stays with whoever wrote it.
        ret.save(update_fields=["state", "return_comment", "version"])
        _sync_action_updates(ret)
        notifications.return_sent_back(ret, by=by)
        return ret
