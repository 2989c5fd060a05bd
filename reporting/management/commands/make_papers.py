"""Make the kept papers' PDFs, off the request path (reporting/documents/worker.py).

    python manage.py make_papers            # runs until stopped, looking for new papers every 2 seconds
    python manage.py make_papers --once     # converts what is waiting, then stops (for cron)

Each worker converts one paper at a time with LibreOffice; run one or two (see the README: cron,
systemd, compose). Safe to run twice, on one server or several: each paper is converted once.
"""
import signal

from django.core.management.base import BaseCommand, CommandError

from reporting.briefings.papers import readers_docx
from reporting.documents import worker


class Command(BaseCommand):
    help = "Make the PDFs of the issued papers and of the drafts asked for, one at a time, off the request path."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Convert what is waiting, then stop (for cron).")
        parser.add_argument("--poll", type=float, default=2.0,
                            help="Seconds between looks at the queue when it is empty (default 2).")

    def handle(self, *args, once=False, poll=2.0, **options):
        if poll <= 0:
            raise CommandError("--poll must be a number of seconds above 0.")
        stopping = []
        if not once:  # stop between papers, never in the middle of one
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stopping.append(True))
        say = (lambda text: self.stdout.write(text)) if options.get("verbosity", 1) > 0 else (lambda text: None)
        made = worker.run(once=once, poll=poll, builders={"briefing": readers_docx}, stop=lambda: bool(stopping), say=say)
        if once and options.get("verbosity", 1) > 0:
            self.stdout.write(f"{made} PDF{'s' if made != 1 else ''} made.")
