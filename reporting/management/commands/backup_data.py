"""Back up the database and the uploads folder into one new folder (reporting/backups.py).

    python manage.py backup_data --into /var/backups/ses

PostgreSQL: pg_dump's custom format (PostgreSQL's client tools must be installed); SQLite: its online
backup, safe while people work. Keep the folders somewhere else than the server (README "Backups").
"""
from django.core.management.base import BaseCommand, CommandError

from reporting.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder under --into."

    def add_arguments(self, parser):
        parser.add_argument("--into", required=True, help="The folder to make the backup in (made if missing).")

    def handle(self, *args, into, **options):
        try:
            folder = make_backup(into=into)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {folder}")
