from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.local_authorities import CouncilsFileError, refresh


class Command(BaseCommand):
    help = ("Refresh the UK councils from a newer copy of mySociety's UK local authorities file (the CSV of "
            "objectives/data/): adds the new ones, changes only what changed, retires those no longer in it, and "
            "says which. All or nothing; safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="uk_local_authorities_current.csv (a newer copy)")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Nothing was changed: {file} could not be read ({exc.__class__.__name__}).") from exc
        try:
            changes = refresh(text)
        except CouncilsFileError as exc:
            raise CommandError(f"Nothing was changed: {file}: {exc}.") from exc
        self.stdout.write(self.style.SUCCESS(str(changes)))
