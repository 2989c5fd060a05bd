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
from objectives.text import clean_text
from reporting import notifications
from reporting.models import ActionUpdate, QuarterlyReturn, WorkflowState
from reporting.returns.completeness import action_field, kpi_field
from reporting.returns.selectors import prefill
from reporting.steps import (
    APPROVE_RETURN, COMPLETE, REOPEN_RETURN, SAVE_RETURN, SEND_BACK_RETURN, SUBMIT_RETURN, VERSION, Refusal, StepRefused,
    stale_return,
)
from reporting.workflow import PLAN_UPDATE, RETURN

COMMENT_MAX_LENGTH = 5_000


class ReturnWorkflowError(StepRefused):
    """A step on a return that is refused (reporting.steps says which check refused, and why)."""


class StaleEditError(ReturnWorkflowError):
    """Someone saved the return after the form was opened: saving would overwrite their change.
    `current` is the return as it is now."""

    @classmethod
    def of(cls, current, by):
        return cls(Refusal(VERSION, stale_return(current, by), obj=current))

    @property
    def current(self):
        return self.refusal.obj


class IncompleteReturnError(ReturnWorkflowError):
    """Submit refused: `problems` maps a ReturnForm field name to what is missing."""


# What each refusal is raised as, for the pages and the import that catch them.
RETURN_ERRORS = {None: ReturnWorkflowError, VERSION: StaleEditError, COMPLETE: IncompleteReturnError}


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


def lock_return(ret):
    """The return, locked for this transaction. No joins: on PostgreSQL a row re-read after waiting for
    the lock would come with the joined rows of the old snapshot (its related objects are read after)."""
    return QuarterlyReturn.objects.select_for_update().get(pk=ret.pk)


def sync_action_updates(ret, *steps):
    """The action updates inside a return follow it: each takes the same steps through the plan-update
    machine (reporting.workflow.PLAN_UPDATE), which refuses a step its state does not allow."""
    for update in ActionUpdate.objects.filter(quarterly_return=ret).exclude(state=ret.state):
        for step in steps:
            PLAN_UPDATE.move(step, update, error=ReturnWorkflowError)
        if update.state in (WorkflowState.APPROVED, WorkflowState.PUBLISHED):
            update.approved_at, update.approved_by = ret.approved_at, ret.approved_by
        if update.state == WorkflowState.SUBMITTED:
            update.submitted_at = ret.submitted_at
        update.save()


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
        if not period.reports(sub_strand):
            raise ReturnWorkflowError(f"{sub_strand} does not report in {period.label}: it is a period of another strategy.")
        SAVE_RETURN.guard(by, QuarterlyReturn(sub_strand=sub_strand, period=period, version=0), errors=RETURN_ERRORS)
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
    step = SUBMIT_RETURN if submit else SAVE_RETURN
    with transaction.atomic(), recorded_as(by):
        if quarterly_return.pk is None:
            existing = (
                QuarterlyReturn.objects.select_for_update()
                .filter(sub_strand=quarterly_return.sub_strand, period=quarterly_return.period).first()
            )
            if existing is not None:
                raise StaleEditError.of(existing, by)
            step.guard(by, quarterly_return, version=data.get("version"), complete=False, errors=RETURN_ERRORS)
            ret = _create_return(quarterly_return.sub_strand, quarterly_return.period, by, with_prefill=False)
            if ret is None:  # created by someone else a moment ago
                raise StaleEditError.of(
                    QuarterlyReturn.objects.get(sub_strand=quarterly_return.sub_strand, period=quarterly_return.period), by
                )
            ret = lock_return(ret)
        else:
            ret = lock_return(quarterly_return)
            step.guard(by, ret, version=data.get("version"), complete=False, errors=RETURN_ERRORS)

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
    "forecast_value", "forecast_reason",
]
_EMPTY = {"value": None, "milestone_status": "", "not_available": False, "expected_date": None, "data_for": "",
          "rag_override": "", "override_reason": "", "commentary": "", "forecast_value": None, "forecast_reason": ""}


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
        if kpi.is_contextual:  # never rated: no override (kpis.rag.rate)
            values["rag_override"], values["override_reason"] = "", ""
        if values["not_available"]:
            values["value"] = None
        else:
            values["expected_date"] = None
        if not data.get(kpi_field(kpi.id, "forecast")):  # no forecast given (a milestone has none)
            values["forecast_value"], values["forecast_reason"] = None, ""
        for text in ("data_for", "override_reason", "commentary", "milestone_status", "rag_override", "forecast_reason"):
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
    """The submit step on a saved return: who, state, period, then completeness, asked once."""
    SUBMIT_RETURN.guard(by, ret, errors=RETURN_ERRORS)
    RETURN.move("submit", ret)
    ret.submitted_at, ret.submitted_by = timezone.now(), by
    ret.version += 1
    ret.updated_by = by
    ret.save()
    sync_action_updates(ret, "submit")
    notifications.return_submitted(ret, by=by)


def submit_return(*, quarterly_return, by, version=None):
    """Draft or returned → submitted, if it is complete (else IncompleteReturnError with each problem)."""
    with transaction.atomic(), recorded_as(by):
        ret = lock_return(quarterly_return)
        SUBMIT_RETURN.guard(by, ret, version=version, complete=False, errors=RETURN_ERRORS)
        _submit(ret, by)
        return ret


def _approve(ret, by, now, version=None):
    APPROVE_RETURN.guard(by, ret, version=version, errors=RETURN_ERRORS)
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
    steps = ["approve"]
    late = ret.period.state == ReportingPeriod.State.PUBLISHED  # approved after its briefing was issued
    if late:
        RETURN.move("publish", ret)
        steps.append("publish")
    ret.approved_at, ret.approved_by = now, by
    ret.version += 1
    # A decision, not a save of what is in it: "last saved" stays with whoever wrote it.
    ret.save(update_fields=["state", "approved_at", "approved_by", "version"])
    sync_action_updates(ret, *steps)
    notifications.return_approved(ret, by=by, late=late)
    return ret


def approve_return(*, quarterly_return, by, version=None):
    """Submitted → approved: each measurement's RAG, target and tolerance are frozen as they are now.
    `version`: the version the approver's page showed (None: not checked)."""
    with transaction.atomic(), recorded_as(by):
        return _approve(lock_return(quarterly_return), by, timezone.now(), version)


def approve_returns(*, returns, by, versions=None):
    """Approve several submitted returns at once: all of them, or (if one cannot be) none. `versions`:
    {return id: the version the queue showed}."""
    returns = list(returns)
    if not returns:
        raise ReturnWorkflowError("Select at least one return to approve.")
    versions = versions or {}
    with transaction.atomic(), recorded_as(by):
        now = timezone.now()
        locked = QuarterlyReturn.objects.select_for_update().filter(pk__in=[r.pk for r in returns]).order_by("pk")
        return [_approve(ret, by, now, versions.get(ret.pk)) for ret in locked]


def send_back_return(*, quarterly_return, by, comment, version=None):
    """Submitted → returned to the officer, with the approver's comment saying what to change."""
    comment = clean_text(comment)
    with transaction.atomic(), recorded_as(by):
        ret = lock_return(quarterly_return)
        SEND_BACK_RETURN.guard(by, ret, version=version, errors=RETURN_ERRORS)
        if not comment:
            raise ReturnWorkflowError("Write a comment saying what needs to change.")
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ReturnWorkflowError(f"The comment must be {COMMENT_MAX_LENGTH:,} characters or fewer.")
        RETURN.move("send_back", ret)
        ret.return_comment = comment
        ret.version += 1
        # A decision, not a save of what is in it: "last saved" stays with whoever wrote it.
        ret.save(update_fields=["state", "return_comment", "version"])
        sync_action_updates(ret, "send_back")
        notifications.return_sent_back(ret, by=by)
        return ret


def guard_reopen(*, ret, by, version=None):
    """The reopen step's guard, for reporting.returns.corrections (which writes the correction)."""
    REOPEN_RETURN.guard(by, ret, version=version, errors=RETURN_ERRORS)
