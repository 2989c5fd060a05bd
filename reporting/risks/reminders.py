"""Chasing outstanding risk reviews, by the same reminders as returns (reporting.returns.reminders):
`send_reminders` (the daily command) sends them after an open period's dashboard update deadline,
the day after it and then every REMINDER_EVERY_DAYS_AFTER days, as a return's overdue reminders.

A review is outstanding when it has not been submitted (not started, a draft, or sent back) in an
open period (reporting.workflow.review_chase_refusal, asked through the REMIND_RISK_REVIEW step).
Each owner gets one email listing all their outstanding reviews of the period; the outbox's key
("overdue-0", "overdue-1"…) means the same reminder is never sent twice, however often it runs."""
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from objectives.models import ReportingPeriod
from reporting import notifications
from reporting.outbox import send_pending
from reporting.returns.reminders import overdue_step
from reporting.risks.selectors import outstanding_reviews
from reporting.steps import REMIND_RISK_REVIEW


class _DryRun(Exception):
    pass


def review_reminders(period, *, today, every):
    """Queue the overdue reminder due today for each owner of the period's outstanding reviews."""
    deadline = period.dashboard_deadline
    late = overdue_step(deadline, today, every) if deadline else None
    if late is None:
        return []
    rows = []
    for owner, reviews in outstanding_reviews(period).items():
        due = [review for review in reviews if REMIND_RISK_REVIEW.refusal(None, review) is None]
        if due and owner.email and owner.is_active:
            key = f"risk-reminder:{period.slug}:{owner.pk}:overdue-{late}"
            rows += notifications.risk_review_reminder(owner, due, key=key, today=today)
    return rows


def send_review_reminders(*, today=None, every=None, dry_run=False):
    """The overdue reminders about risk reviews due today, for every open period with a deadline:
    queued, then the outbox sent. Returns the rows written (with dry_run, what would be: nothing kept)."""
    today = today or timezone.localdate()
    every = every or settings.REMINDER_EVERY_DAYS_AFTER
    rows = []
    try:
        with transaction.atomic():
            for period in ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN,
                                                         dashboard_deadline__isnull=False):
                rows += review_reminders(period, today=today, every=every)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return rows
    send_pending()
    return rows
