from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from objectives.council import terms
from reporting.access import can
from reporting.management.lookups import active_user_or_error, period_or_error
from reporting.workbooks.imports import apply_import, preview_import
from reporting.workbooks.safety import ImportRefused


class Command(BaseCommand):
    help = (
        "Import returns from a filled-in return template (or briefing workbook), as the web import does: "
        "`import_returns 2023-24-q2 returns.xlsx --user coordinator`. Every change is listed; with --dry-run "
        "nothing is saved. All changes are saved in one transaction, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="the period, e.g. 2023-24-q2")
        parser.add_argument("file", help="the filled-in .xlsx workbook")
        parser.add_argument("--user", required=True,
                            help="who is importing (a coordinator or administrator): the history records them")
        parser.add_argument("--dry-run", action="store_true", help="list what would change, and save nothing")

    def handle(self, *args, period, file, user, dry_run=False, **options):
        found = period_or_error(period)
        who = active_user_or_error(user)
        if not can(who, "import_returns", found):
            raise CommandError(f"{user} may not import returns (only the {terms().coordinator.one} and administrators may).")
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > settings.MAX_UPLOAD_BYTES:
                raise CommandError(f"Nothing was imported. {path} is {size / 1024 / 1024:.1f} MB: it must be smaller "
                                   f"than {settings.MAX_UPLOAD_BYTES / 1024 / 1024:.0f} MB.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            preview = preview_import(period=found, user=who, content=content, filename=path.name)
        except ImportRefused as exc:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(exc.messages)) from exc
        if not preview.has_changes:
            self.stdout.write(f"The workbook changes nothing: its {preview.rows} rows hold what is saved now.")
            return
        for item in preview.returns:
            self.stdout.write(f"{item.sub_strand.name}{' (new draft)' if item.is_new else ''}:")
            for c in item.changes:
                self.stdout.write(f"  {c.sheet}, {c.cell} – {c.subject}: {c.label}: {c.before[:60]!r} → {c.after[:60]!r}")
        if dry_run:
            self.stdout.write(self.style.WARNING(
                f"Dry run: {preview.change_count} cells in {len(preview.returns)} returns would change. Nothing was saved."
            ))
            return
        try:
            result = apply_import(period=found, user=who, plan=preview.plan())
        except ImportRefused as exc:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Saved {result.cells} changed cells to {len(result.returns)} returns. They are still drafts."
        ))
