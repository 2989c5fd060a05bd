from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from reporting.access import can
from reporting.management.lookups import active_user_or_error, period_or_error
from reporting.workbooks.export import export_briefing_workbook


class Command(BaseCommand):
    help = (
        "Write the briefing workbook (.xlsx) of a reporting period, e.g. "
        "`export_briefing 2023-24-q1 briefing.xlsx`. Without --user it holds published returns only, "
        "as the public sees them; with --user, what that user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="the period, e.g. 2023-24-q1")
        parser.add_argument("file", help="where to write the .xlsx file")
        parser.add_argument("--user", help="export as this user would see it (e.g. coordinator: drafts included)")

    def handle(self, *args, period, file, user=None, **options):
        found = period_or_error(period)
        who = AnonymousUser()
        if user:
            who = active_user_or_error(user)
            if not can(who, "export_workbook", found):
                raise CommandError(f"{user} may not export the workbook.")
        content = export_briefing_workbook(period=found, user=who)
        path = Path(file)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from exc
        scope = "what that user may see" if user else "published returns only"
        self.stdout.write(self.style.SUCCESS(f"Wrote the {found.label} briefing workbook to {path} ({scope})."))
