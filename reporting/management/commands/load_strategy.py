from django.core.management.base import BaseCommand, CommandError

from reporting.loaders import FixtureError, load_fixture_files


class Command(BaseCommand):
    help = ("Load a council's strategy files (YAML, the format of fixtures/README.md): the council and its words, "
            "the strategy, its objectives, KPIs, periods, returns and briefings. All or nothing; safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="strategy files (YAML), loaded in this order")

    def handle(self, *args, files, **options):
        try:
            counts = load_fixture_files(files)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        summary = ", ".join(f"{n} {key}" for key, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Loaded: {summary}"))
