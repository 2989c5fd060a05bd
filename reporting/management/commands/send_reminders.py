"""Email the leads of outstanding returns a set number of days before the dashboard deadline.

    python manage.py send_reminders [--today 2023-08-25] [--days 14,7,1] [--dry-run]

Run it once a day (cron). Reminders go REMINDER_DAYS_BEFORE days before the deadline of each open
period (default 14, 7 and 1) to the lead officer of each return not yet submitted (not started, a
draft, or returned for changes); the same reminder is never sent twice (reporting.ReminderSent).
"""
import datetime

from django.core.management.base import BaseCommand, CommandError

from reporting.returns.reminders import send_reminders


class Command(BaseCommand):
    help = "Email the leads of outstanding returns a set number of days before the dashboard update deadline."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--days", help="Days before the deadline to remind, e.g. 14,7,1 (default: REMINDER_DAYS_BEFORE).")
        parser.add_argument("--dry-run", action="store_true", help="List the reminders that would go, send nothing.")

    def handle(self, *args, today=None, days=None, dry_run=False, **options):
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
        reminders = send_reminders(today=today, steps=steps, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for r in reminders:
            self.stdout.write(f"{verb}: {r.sub_strand.name} {r.period.label} to {r.recipient} "
                              f"({r.days_left} days before the deadline)")
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(reminders)} reminder{'s' if len(reminders) != 1 else ''}."))
