"""Chase outstanding returns by email, before and after the dashboard update deadline.

    python manage.py send_reminders [--today 2023-08-25] [--days 14,7,1] [--every 3] [--dry-run]

Run it once a day (cron: see the README). For each open period: REMINDER_DAYS_BEFORE days before
the deadline (default 14, 7 and 1), and after it the next day and every REMINDER_EVERY_DAYS_AFTER
days (default 3, the Economy Cell copied), to the lead and editors of each return not yet
submitted (not started, a draft, or returned for changes); after the deadline, each risk owner one email
listing their risk reviews not yet submitted (reporting/risks/reminders.py). The same reminder is never sent twice
(reporting.outbox). The reminders are queued in the outbox and then the outbox is sent, as
`send_outbox --once` would (so they go even where no worker runs; safe beside one that does).
"""
import datetime

from django.core.management.base import BaseCommand, CommandError

from reporting.ops.runs import recorded_run
from reporting.returns.reminders import send_reminders
from reporting.risks.reminders import send_review_reminders


class Command(BaseCommand):
    help = "Email the leads and editors of outstanding returns before and after the dashboard update deadline."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--days", help="Days before the deadline to remind, e.g. 14,7,1 (default: REMINDER_DAYS_BEFORE).")
        parser.add_argument("--every", help="After the deadline, remind every this many days (default: REMINDER_EVERY_DAYS_AFTER).")
        parser.add_argument("--dry-run", action="store_true", help="List the reminders that would go, send nothing.")

    def handle(self, *args, today=None, days=None, every=None, dry_run=False, **options):
        try:
            today = datetime.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be a date like 2023-08-25, not {today!r}.") from exc
        steps = None
        if days:
            try:
                steps = [int(d) for d in days.split(",") if d.strip()]
            except ValueError as exc:
                raise CommandError(f"--days must be whole numbers separated by commas, like 14,7,1, not {days!r}.") from exc
            if any(d < 0 for d in steps):
                raise CommandError("--days cannot be negative.")
        if every is not None:
            if not every.isdigit() or int(every) < 1:
                raise CommandError(f"--every must be a whole number of days, 1 or more, not {every!r}.")
            every = int(every)
        if dry_run:
            rows = send_reminders(today=today, steps=steps, every=every, dry_run=True)
            rows += send_review_reminders(today=today, every=every, dry_run=True)
        else:
            with recorded_run("send_reminders"):  # when it last ran, for the readiness check (reporting/ops/health.py)
                rows = send_reminders(today=today, steps=steps, every=every)
                rows += send_review_reminders(today=today, every=every)  # risk reviews past the deadline
        verb = "Would send" if dry_run else "Sent"
        for row in rows:
            self.stdout.write(f"{verb}: {row.subject} to {row.email}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(rows)} email{'s' if len(rows) != 1 else ''}."))
