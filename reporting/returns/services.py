"""Writes of quarterly returns and reporting periods: start, save, submit, approve (one or several),
send back, reopen for correction; open and close a period; email reminders.

Every function runs in one transaction, locks what it changes (`select_for_update`), records who did
it in the history (django-auditlog, through `save()`, never `.update()`), and refuses a step that the
current state does not allow with a `ReturnWorkflowError` whose message a page can show as it is.
Who may call them is decided by `objectives.permissions` in the views; these functions guard the
workflow itself, so that no caller (a view, the spreadsheet import, a command) can break it.

    start_return(*, sub_strand, period, by)                 -> QuarterlyReturn (get or create the draft)
    save_return(*, quarterly_return, by, form, submit=False) -> QuarterlyReturn (raises StaleEditError)
    save_return_data(*, quarterly_return, by, data, submit=False)  the same from a ReturnForm's cleaned_data
    submit_return(*, quarterly_return, by)                  -> QuarterlyReturn (raises IncompleteReturnError)
    approve_return(*, quarterly_return, by)                 -> QuarterlyReturn (freezes each measurement)
    approve_returns(*, returns, by)                         -> list (all or none)
    send_back_return(*, quarterly_return, by, comment)      -> QuarterlyReturn
    reopen_return(*, quarterly_return, by, reason)          -> QuarterlyReturn (snapshot in ReturnRevision)
    open_period(*, period, by, dashboard_deadline=None)     -> ReportingPeriod
    close_period(*, period, by)                             -> ReportingPeriod
    send_reminders(*, today=None, steps=None, dry_run=False) -> list of Reminder
"""
from contextlib import contextmanager
from dataclasses import dataclass

from auditlog.context import auditlog_value, set_actor
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, Measurement
from kpis.rag import RAG, rag_label, suggested_overall
from kpis.services import freeze_measurement, rate_measurement, unfreeze_measurement
from objectives.models import Action, ReportingPeriod
from reporting.models import EDITABLE_STATES, ActionUpdate, QuarterlyReturn, ReminderSent, ReturnRevision, WorkflowState

COMMENT_MAX_LENGTH = 5_000
OUTSTANDING_STATES = {None, WorkflowState.DRAFT, WorkflowState.RETURNED}


class ReturnWorkflowError(Exception):
    """A step that the return's (or period's) current state does not allow; the message says why."""


class StaleEditError(ReturnWorkflowError):
    """Someone saved the return after the form was opened: saving would overwrite their change."""

    def __init__(self, current):
        self.current = current
        who = "someone else"
        if current is not None and current.updated_by_id:
            user = current.updated_by
            who = user.get_full_name() or user.get_username()
        when = ""
        if current is not None and current.updated_at:
            local = timezone.localtime(current.updated_at)
            when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
        super().__init__(
            f"This return has been changed by {who}{when} since you opened it, so your changes have not been saved. "
            "What you typed is still on this page: check their changes, then save again to replace them with yours."
        )


class IncompleteReturnError(ReturnWorkflowError):
    """Submit refused: `problems` maps a ReturnForm field name to what is missing."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("The return is not complete: " + "; ".join(problems.values()))


# -- field names shared with reporting.returns.forms --------------------------------------------

def kpi_field(kpi_id, part):
    """The POST name of one part of a KPI's measurement: kpi_field(12, "value") == "kpi-12-value"."""
    return f"kpi-{kpi_id}-{part}"


def action_field(action_id, part):
    """The POST name of one part of an action's progress: action_field(3, "narrative") == "action-3-narrative"."""
    return f"action-{action_id}-{part}"


# -- the rules of a complete return ---------------------------------------------------------------

def completeness_problems(*, overall_rag, commentary, rag_explanation, entries):
    """What stops a return being submitted, as {form field name: message}; empty when it is complete.

    `entries` is a list of dicts, one per active KPI: kpi, value, milestone_status, not_available,
    rag_calculated (the rules' RAG), rag (the RAG shown: override or rules) and commentary.

    * an overall status and a commentary;
    * every KPI has a value, a milestone status, or is marked "not yet available";
    * a KPI the rules rate Red has a commentary saying why;
    * an overall status that differs from what the KPIs' statuses suggest has an explanation.
    """
    problems = {}
    if not overall_rag:
        problems["overall_rag"] = "Choose the overall status: Red, Amber or Green"
    if not (commentary or "").strip():
        problems["commentary"] = "Write a commentary on the quarter"
    for entry in entries:
        kpi = entry["kpi"]
        has_figure = entry.get("value") is not None or bool(entry.get("milestone_status")) or entry.get("not_available")
        if not has_figure:
            part = "milestone_status" if kpi.is_milestone else "value"
            what = "a milestone status" if kpi.is_milestone else "a value"
            problems[kpi_field(kpi.id, part)] = f"{kpi.code}: enter {what}, or tick “not yet available”"
        elif entry.get("rag_calculated") == RAG.RED and not (entry.get("commentary") or "").strip():
            problems[kpi_field(kpi.id, "commentary")] = f"{kpi.code} is rated Red by the rules: explain why in its commentary"
    suggested = suggested_overall([entry.get("rag") for entry in entries])
    if overall_rag and suggested and overall_rag != suggested and not (rag_explanation or "").strip():
        problems["rag_explanation"] = (
            f"The KPIs suggest {rag_label(suggested)} but the overall status is {rag_label(overall_rag)}: "
            "explain the difference"
        )
    return problems


def _saved_entries(ret):
    """The completeness entries of a saved return, from its measurements (2 queries)."""
    kpis = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id, is_active=True).order_by("order", "code"))
    measurements = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period_id=ret.period_id)}
    entries = []
    for kpi in kpis:
        m = measurements.get(kpi.id)
        entries.append({
            "kpi": kpi,
            "value": m.value if m else None,
            "milestone_status": m.milestone_status if m else "",
            "not_available": m.not_available if m else False,
            "rag_calculated": m.rag_calculated if m else "",
            "rag": m.rag if m else None,
            "commentary": m.commentary if m else "",
        })
    return entries


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


def _state_label(state):
    return WorkflowState(state).label.lower()


def _guard_period_takes_new_returns(period):
    if period.state == ReportingPeriod.State.NOT_OPEN:
        raise ReturnWorkflowError(f"{period.label} is not open for returns yet.")
    if period.state == ReportingPeriod.State.PUBLISHED:
        raise ReturnWorkflowError(f"The briefing for {period.label} has been issued: no new returns can start.")


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
                raise StaleEditError(existing)
            _guard_period_takes_new_returns(quarterly_return.period)
            ret = _create_return(quarterly_return.sub_strand, quarterly_return.period, by, with_prefill=False)
            if ret is None:  # created by someone else a moment ago
                raise StaleEditError(
                    QuarterlyReturn.objects.get(sub_strand=quarterly_return.sub_strand, period=quarterly_return.period)
                )
            ret = _lock(ret)
        else:
            ret = _lock(quarterly_return)
            if ret.version != data.get("version"):
                raise StaleEditError(ret)
        if not ret.is_editable:
            raise ReturnWorkflowError(f"This return is {_state_label(ret.state)}, so it cannot be changed.")
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
        rate_measurement(m)
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
    if ret.state not in EDITABLE_STATES:
        raise ReturnWorkflowError(f"Only a draft or a returned return can be submitted; this one is {_state_label(ret.state)}.")
    problems = completeness_problems(
        overall_rag=ret.overall_rag, commentary=ret.commentary, rag_explanation=ret.rag_explanation,
        entries=_saved_entries(ret),
    )
    if problems:
        raise IncompleteReturnError(problems)
    ret.state = WorkflowState.SUBMITTED
    ret.submitted_at, ret.submitted_by = timezone.now(), by
    ret.version += 1
    ret.updated_by = by
    ret.save()
    _sync_action_updates(ret)


def submit_return(*, quarterly_return, by):
    """Draft or returned → submitted, if it is complete (else IncompleteReturnError with each problem)."""
    with transaction.atomic(), recorded_as(by):
        ret = _lock(quarterly_return)
        _submit(ret, by)
        return ret


def _approve(ret, by, now):
    if ret.state != WorkflowState.SUBMITTED:
        raise ReturnWorkflowError(
            f"{ret.sub_strand.name} ({ret.period.label}) is {_state_label(ret.state)}: only a submitted return can be approved."
        )
    kpis = {k.id: k for k in KPI.objects.filter(sub_strand_id=ret.sub_strand_id)}
    period = ret.period
    measurements = Measurement.objects.select_for_update().filter(kpi_id__in=list(kpis), period_id=ret.period_id)
    for m in measurements:
        if m.is_frozen:
            continue
        m.kpi, m.period = kpis[m.kpi_id], period
        freeze_measurement(m, at=now)
        m.version += 1
        m.updated_by = by
        m.save()
    published = ret.period.state == ReportingPeriod.State.PUBLISHED
    ret.state = WorkflowState.PUBLISHED if published else WorkflowState.APPROVED
    ret.approved_at, ret.approved_by = now, by
    ret.version += 1
    ret.updated_by = by
    ret.save()
    _sync_action_updates(ret)
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
    comment = (comment or "").strip()
    if not comment:
        raise ReturnWorkflowError("Write a comment saying what needs to change.")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ReturnWorkflowError(f"The comment must be {COMMENT_MAX_LENGTH:,} characters or fewer.")
    with transaction.atomic(), recorded_as(by):
        ret = _lock(quarterly_return)
        if ret.state != WorkflowState.SUBMITTED:
            raise ReturnWorkflowError(f"This return is {_state_label(ret.state)}: only a submitted return can be sent back.")
        ret.state = WorkflowState.RETURNED
        ret.return_comment = comment
        ret.version += 1
        ret.updated_by = by
        ret.save()
        _sync_action_updates(ret)
        return ret


def snapshot_of(ret):
    """An approved return as plain data, kept in ReturnRevision when a correction reopens it."""
    measurements = Measurement.objects.filter(kpi__sub_strand_id=ret.sub_strand_id, period_id=ret.period_id).select_related("kpi")
    updates = ActionUpdate.objects.filter(quarterly_return=ret).select_related("action")

    def text(value):
        if value is None:
            return None
        if hasattr(value, "normalize"):
            return format(value.normalize(), "f")
        return str(value)

    return {
        "revision": ret.revision,
        "state": ret.state,
        "overall_rag": ret.overall_rag,
        "commentary": ret.commentary,
        "rag_explanation": ret.rag_explanation,
        "approved_at": ret.approved_at.isoformat() if ret.approved_at else None,
        "measurements": [
            {
                "kpi": m.kpi.code, "title": m.kpi.title, "value": text(m.value), "milestone_status": m.milestone_status,
                "not_available": m.not_available, "expected_date": text(m.expected_date), "data_for": m.data_for,
                "rag": m.rag or "", "rag_override": m.rag_override, "override_reason": m.override_reason,
                "commentary": m.commentary, "target": text(m.frozen_target), "target_kind": m.frozen_target_kind,
                "tolerance": text(m.frozen_tolerance),
            }
            for m in measurements.order_by("kpi__order", "kpi__code")
        ],
        "action_updates": [
            {"action": str(u.action), "status": u.status, "narrative": u.narrative}
            for u in updates.order_by("action__plan_id", "action__number")
        ],
    }


def reopen_return(*, quarterly_return, by, reason):
    """Approved (or published) → a new draft revision for a correction; the approved one is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ReturnWorkflowError("Say why the return needs correcting.")
    if len(reason) > COMMENT_MAX_LENGTH:
        raise ReturnWorkflowError(f"The reason must be {COMMENT_MAX_LENGTH:,} characters or fewer.")
    with transaction.atomic(), recorded_as(by):
        ret = _lock(quarterly_return)
        if ret.state not in (WorkflowState.APPROVED, WorkflowState.PUBLISHED):
            raise ReturnWorkflowError(
                f"This return is {_state_label(ret.state)}: only an approved return can be reopened for correction."
            )
        ReturnRevision.objects.create(
            quarterly_return=ret, number=ret.revision, snapshot=snapshot_of(ret), approved_at=ret.approved_at,
            approved_by_id=ret.approved_by_id, reopened_by=by, reason=reason,
        )
        kpi_ids = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id).values_list("id", flat=True))
        for m in Measurement.objects.select_for_update().filter(kpi_id__in=kpi_ids, period_id=ret.period_id):
            unfreeze_measurement(m)
            m.version += 1
            m.updated_by = by
            m.save()
        ret.revision += 1
        ret.state = WorkflowState.DRAFT
        ret.return_comment = ""
        ret.version += 1
        ret.updated_by = by
        ret.save()
        _sync_action_updates(ret)
        return ret


# -- reporting periods ----------------------------------------------------------------------------

def _lock_period(period):
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


def open_period(*, period, by, dashboard_deadline=None):
    """Open a period for entry (one at a time), optionally setting its dashboard update deadline."""
    with transaction.atomic(), recorded_as(by):
        period = _lock_period(period)
        if period.state == ReportingPeriod.State.OPEN:
            raise ReturnWorkflowError(f"{period.label} is already open.")
        if period.state == ReportingPeriod.State.PUBLISHED:
            raise ReturnWorkflowError(f"{period.label} is published: its briefing has been issued, so it cannot reopen.")
        other = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN).exclude(pk=period.pk).first()
        if other is not None:
            raise ReturnWorkflowError(f"Close {other.label} before opening {period.label}: one period is open at a time.")
        if dashboard_deadline is not None:
            if dashboard_deadline < period.start_date:
                raise ReturnWorkflowError(
                    f"The deadline must be on or after the start of the quarter ({period.start_date.day} "
                    f"{period.start_date:%B %Y})."
                )
            period.dashboard_deadline = dashboard_deadline
        period.state = ReportingPeriod.State.OPEN
        period.version += 1
        period.save()
        return period


def close_period(*, period, by):
    """Close a period: officers can no longer change its returns (the Economy Cell still can)."""
    with transaction.atomic(), recorded_as(by):
        period = _lock_period(period)
        if period.state != ReportingPeriod.State.OPEN:
            raise ReturnWorkflowError(f"{period.label} is not open, so it cannot be closed.")
        period.state = ReportingPeriod.State.CLOSED
        period.version += 1
        period.save()
        return period


# -- reminders ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reminder:
    sub_strand: object
    period: object
    days_before: int
    recipient: str
    state: str | None
    days_left: int


def _recipients(sub_strand):
    """The lead officer, or (if none has an email address) the sub-strand's editors."""
    lead = sub_strand.lead_officer
    if lead is not None and lead.is_active and lead.email:
        return [lead]
    return sorted({u.email: u for u in sub_strand.editors.all() if u.is_active and u.email}.values(), key=lambda u: u.email)


def reminder_step(deadline, today, steps):
    """The reminder due today: the nearest step (days before the deadline) not yet passed, or None.

    With steps 14, 7, 1 and a deadline 5 days away, the 7-day reminder is due; on the deadline day
    the 1-day one; after the deadline none.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    due = [step for step in steps if step >= days_left]
    return min(due) if due else None


def send_reminders(*, today=None, steps=None, dry_run=False):
    """Email the lead of each outstanding return of each open period a set number of days before its
    dashboard deadline, never the same reminder twice (ReminderSent). Returns the reminders sent."""
    from objectives.models import SubStrand

    today = today or timezone.localdate()
    steps = sorted(set(steps or settings.REMINDER_DAYS_BEFORE))
    sent = []
    periods = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN, dashboard_deadline__isnull=False)
    for period in periods:
        step = reminder_step(period.dashboard_deadline, today, steps)
        if step is None:
            continue
        states = dict(QuarterlyReturn.objects.filter(period=period).values_list("sub_strand_id", "state"))
        subs = SubStrand.objects.select_related("lead_officer", "objective").prefetch_related("editors")
        for sub in subs:
            state = states.get(sub.id)
            if state not in OUTSTANDING_STATES:
                continue
            for user in _recipients(sub):
                reminder = Reminder(sub, period, step, user.email, state, (period.dashboard_deadline - today).days)
                if dry_run:
                    if not ReminderSent.objects.filter(sub_strand=sub, period=period, days_before=step,
                                                       recipient=user.email).exists():
                        sent.append(reminder)
                    continue
                if _send_one(reminder, user):
                    sent.append(reminder)
    return sent


def _send_one(reminder, user):
    """Record then send, in one transaction: a failed send records nothing; a second run sends nothing."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                sub_strand=reminder.sub_strand, period=reminder.period, days_before=reminder.days_before,
                recipient=reminder.recipient,
            )
            subject, body = reminder_email(reminder, user)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.recipient])
    except IntegrityError:
        return False
    return True


def reminder_email(reminder, user):
    period, sub = reminder.period, reminder.sub_strand
    deadline = period.dashboard_deadline
    when = f"{deadline.day} {deadline:%B %Y}"
    days = {0: "today", 1: "tomorrow"}.get(reminder.days_left, f"in {reminder.days_left} days")
    state = {None: "not started", WorkflowState.DRAFT: "a draft, not yet submitted",
             WorkflowState.RETURNED: "returned to you for changes"}[reminder.state]
    site = getattr(settings, "SITE_URL", "") or ""
    link = site.rstrip("/") + reverse("return", args=[period.slug, sub.slug])
    name = user.get_full_name() or user.get_username()
    subject = f"Reminder: the {sub.name} return for {period.label} is due by {when}"
    body = (
        f"Dear {name},\n\n"
        f"The {sub.full_name} return for {period.label} is due by {when} ({days}). It is {state}.\n\n"
        f"Fill it in and submit it here: {link}\n\n"
        "Economy Cell, Sefton Council\n"
    )
    return subject, body
