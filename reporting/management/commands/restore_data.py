"""Put a backup made by `backup_data` back (reporting/backups.py).

    python manage.py restore_data /var/backups/ses/ses-backup-2026-12-07-020000

The database of these settings is replaced entirely by the backup's, and the backup's files are put
back in the uploads folder. Stop the app servers and workers first. Afterwards the rows of every
table and the files are counted again and compared with the counts kept in the backup.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reporting.backups import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Replace the database and put back the uploaded files from a backup folder made by backup_data."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder (ses-backup-…).")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Do not ask for confirmation.")

    def handle(self, *args, folder, interactive=True, **options):
        try:
            manifest = read_manifest(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"Everything in the database {name} will be replaced by the backup made at "
                           f"{manifest['made_at']}. Type yes to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            differences = restore_backup(source=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            raise CommandError("Restored, but what came back differs from what was kept:\n  " + "\n  ".join(differences))
        self.stdout.write(f"Restored the backup made at {manifest['made_at']}: "
                          f"{sum(manifest['rows'].values()):,} rows in {len(manifest['rows'])} tables and "
                          f"{manifest['files']:,} files, as kept.")
