"""Chasing outstanding returns: the reminders `send_reminders` sends each day, and the Economy
Cell's "Send a reminder" and "Remind everyone outstanding".

- Before the deadline: on each of REMINDER_DAYS_BEFORE days before an open period's dashboard
  update deadline (default 14, 7 and 1), to the lead and editors of each outstanding return.
- After it: the day after the deadline and then every REMINDER_EVERY_DAYS_AFTER days (default 3),
  the Economy Cell copied.
- A chase: whenever the Economy Cell asks, the Economy Cell copied; once a day for each return.

Who is told, and in what words, is reporting.notifications'; every email goes through the outbox
(reporting.outbox), whose key for each reminder ("before-7", "overdue-2", the day of a chase)
means that nobody gets the same reminder twice, however often the command runs. A reminder the
day's run missed (the server was off) is not sent late: the next run sends the one due then."""
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from objectives.selectors import sub_strands_reporting_in
from objectives.models import ReportingPeriod
from reporting import notifications
from reporting.models import QuarterlyReturn, WorkflowState
from reporting.outbox import send_pending
from reporting.returns.services import ReturnWorkflowError, recorded_as
from reporting.steps import REMIND_RETURN
from reporting.workflow import NOT_STARTED, is_outstanding


class _DryRun(Exception):
    pass


def reminder_step(deadline, today, steps):
    """The reminder due today before the deadline: the nearest step (days before it) not yet
    passed, or None. With steps 14, 7, 1 and a deadline 5 days away, the 7-day reminder is due;
    on the deadline day the 1-day one; after the deadline none."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    due = [step for step in steps if step >= days_left]
    return min(due) if due else None


def overdue_step(deadline, today, every):
    """Which overdue reminder is due today: 0 from the day after the deadline, 1 from `every` days
    later, and so on; None before then."""
    days_late = (today - deadline).days
    if days_late < 1:
        return None
    return (days_late - 1) // max(1, every)


def outstanding_returns(period, sub_strands=None):
    """Each outstanding return of the period (not started ones as unsaved returns), in the order of
    the strategy. Three queries."""
    subs = sub_strands or sub_strands_reporting_in(period).select_related("objective", "lead_officer").prefetch_related(
        "editors").order_by("objective__number", "order")
    existing = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period)}
    found = []
    for sub in subs:
        ret = existing.get(sub.id) or QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
        ret.sub_strand, ret.period = sub, period
        if is_outstanding(ret.state if ret.pk else NOT_STARTED):
            found.append(ret)
    return found


def send_reminders(*, today=None, steps=None, every=None, dry_run=False):
    """Send the reminders due today for every open period with a deadline: queued in the outbox,
    then the outbox sent (these and any other email due, as the outbox worker would: safe beside a
    running worker). Returns the Notification rows written (with dry_run, what would be written:
    nothing is kept or sent)."""
    today = today or timezone.localdate()
    steps = sorted(set(settings.REMINDER_DAYS_BEFORE if steps is None else steps))
    every = every or settings.REMINDER_EVERY_DAYS_AFTER
    rows = []
    try:
        with transaction.atomic():
            periods = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN, dashboard_deadline__isnull=False)
            for period in periods:
                deadline = period.dashboard_deadline
                before, late = reminder_step(deadline, today, steps), overdue_step(deadline, today, every)
                if before is None and late is None:
                    continue
                kind, step = ("before", f"before-{before}") if before is not None else ("overdue", f"overdue-{late}")
                for ret in outstanding_returns(period):
                    key = f"reminder:{period.slug}:{ret.sub_strand.slug}:{step}"
                    rows += notifications.reminder(ret, key=key, kind=kind, today=today)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return rows
    send_pending()
    return rows


@dataclass
class ChaseResult:
    reminded: list = field(default_factory=list)  # sub-strands whose people were sent a reminder
    already: list = field(default_factory=list)  # reminded today already
    nobody: list = field(default_factory=list)  # no lead or editor to send to
    emails: int = 0


def _chase_one(ret, by, today, result):
    if not notifications.people_to_remind(ret.sub_strand):
        result.nobody.append(ret.sub_strand)
        return
    rows = notifications.reminder(ret, key=f"chase:{ret.period.slug}:{ret.sub_strand.slug}:{today.isoformat()}",
                                  kind="chase", today=today, by=by)
    if rows:
        result.reminded.append(ret.sub_strand)
        result.emails += len(rows)
    else:
        result.already.append(ret.sub_strand)


def chase(*, quarterly_return, by, today=None):
    """'Send a reminder': one outstanding return's lead and editors, the Economy Cell copied."""
    today = today or timezone.localdate()
    ret = quarterly_return
    REMIND_RETURN.guard(by, ret, errors={None: ReturnWorkflowError})
    result = ChaseResult()
    with transaction.atomic(), recorded_as(by):
        _chase_one(ret, by, today, result)
    return result


def chase_everyone(*, period, by, today=None):
    """'Remind everyone outstanding': every outstanding return of the period at once."""
    today = today or timezone.localdate()
    # The same rule as one reminder (a return not started is outstanding): only the period can refuse it.
    REMIND_RETURN.guard(by, QuarterlyReturn(period=period, version=0), errors={None: ReturnWorkflowError})
    result = ChaseResult()
    with transaction.atomic(), recorded_as(by):
        for ret in outstanding_returns(period):
            _chase_one(ret, by, today, result)
    return result
