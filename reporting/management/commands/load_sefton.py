from django.core.management.base import BaseCommand, CommandError

from reporting.loaders import FixtureError, load_fixture_files


class Command(BaseCommand):
    help = "Load the Sefton data from fixtures/ (or the given YAML files). All or nothing; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="YAML fixture files (default: the Sefton data in fixtures/)")

    def handle(self, *args, files=None, **options):
        try:
            counts = load_fixture_files(files or None)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        summary = ", ".join(f"{n} {key}" for key, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Loaded: {summary}"))
