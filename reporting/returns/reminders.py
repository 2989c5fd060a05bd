"""Reminders emailed before a period's dashboard update deadline, never the same one twice."""
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from objectives.models import ReportingPeriod, SubStrand
from objectives.roles import person_name
from reporting.models import QuarterlyReturn, ReminderSent, WorkflowState
from reporting.workflow import NOT_STARTED, OUTSTANDING


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
            if (state or NOT_STARTED) not in OUTSTANDING:
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
    name = person_name(user)
    subject = f"Reminder: the {sub.name} return for {period.label} is due by {when}"
    body = (
        f"Dear {name},\n\n"
        f"The {sub.full_name} return for {period.label} is due by {when} ({days}). It is {state}.\n\n"
        f"Fill it in and submit it here: {link}\n\n"
        "Economy Cell, Sefton Council\n"
    )
    return subject, body
