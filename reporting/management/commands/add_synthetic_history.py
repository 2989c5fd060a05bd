from django.core.management.base import BaseCommand, CommandError

from reporting.synthetic import SyntheticHistoryError, add_synthetic_history, remove_synthetic_history


class Command(BaseCommand):
    help = (
        "FOR DEMONSTRATION ONLY: add earlier quarters of clearly synthetic returns and KPI figures (flagged "
        "is_synthetic, bannered on every page that shows them) so that trends and movements can be seen. "
        "--remove takes them away again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarters", type=int, default=4, help="How many quarters before the first period (default 4).")
        parser.add_argument("--seed", type=int, default=2022, help="Seed for the made-up figures (default 2022).")
        parser.add_argument("--remove", action="store_true", help="Remove all synthetic history instead.")

    def handle(self, *args, quarters=4, seed=2022, remove=False, **options):
        if remove:
            counts = remove_synthetic_history()
            self.stdout.write(self.style.SUCCESS(
                f"Removed synthetic history: {counts['returns']} returns, {counts['measurements']} figures, "
                f"{counts['periods']} periods."))
            return
        try:
            counts = add_synthetic_history(quarters=quarters, seed=seed)
        except SyntheticHistoryError as exc:
            raise CommandError(f"Nothing was added. {exc}") from exc
        self.stdout.write(self.style.WARNING(
            f"Added SYNTHETIC demonstration history (not the council's data): {counts['periods']} periods, "
            f"{counts['returns']} returns, {counts['measurements']} figures. Pages showing it carry a banner."))
