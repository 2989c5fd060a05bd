from reporting.management.commands.load_strategy import Command as LoadStrategy


class Command(LoadStrategy):
    help = ("The demo's shortcut: load the demo council's strategy files (fixtures/demo_files.txt), or the given "
            "ones. All or nothing; safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="strategy files (YAML) (default: those of fixtures/demo_files.txt)")

    def handle(self, *args, files=None, **options):
        from reporting.loaders import demo_files

        return super().handle(*args, files=files or [str(p) for p in demo_files()], **options)
