"""The outbox worker: send the emails requests have queued (reporting.outbox), outside any request.

    python manage.py send_outbox            # runs until stopped (SIGTERM or Ctrl-C), looking every 5 s
    python manage.py send_outbox --once     # sends what is due and ends: for cron, every minute

Safe to run more than once at the same time (several servers, or cron beside a running worker):
each email is claimed by one worker before it is sent, so none goes twice. A send that fails is
kept and tried again 10 minutes later, up to 5 times. SIGTERM stops the worker cleanly: the batch
it is sending is finished first (at most 10 emails), nothing is left half-sent. The README shows
the cron line, a systemd unit and a compose service.
"""
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from reporting.outbox import send_batch, send_pending
from reporting.worker_db import reconnect_if_needed


class Command(BaseCommand):
    help = "Send the queued emails (the outbox): continuously, or once with --once (for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then stop (for cron, every minute).")
        parser.add_argument("--every", default="5",
                            help="Running continuously: seconds to wait when there is nothing to send (default 5).")

    def handle(self, *args, once=False, every="5", **options):
        try:
            seconds = float(every)
        except ValueError:
            seconds = 0
        if not 0.1 <= seconds <= 3600:
            raise CommandError(f"--every must be a number of seconds from 0.1 to 3600, like 5, not {every!r}.")
        every = seconds
        if once:
            sent = send_pending()
            if sent or options["verbosity"] > 1:  # from cron every minute: a line only when something went
                self.stdout.write(f"Sent {sent} email{'s' if sent != 1 else ''}.")
            return
        stop = threading.Event()

        def stop_after_this_batch(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, stop_after_this_batch)
        signal.signal(signal.SIGINT, stop_after_this_batch)
        self.stdout.write(f"Sending the outbox every {every:g} s; stop with SIGTERM or Ctrl-C.")
        self.stdout.flush()
        while not stop.is_set():
            reconnect_if_needed()  # a database restarted while the worker waited: connect again
            try:
                batch = send_batch()
            except Exception as exc:  # noqa: BLE001 - the database is away: keep going, try again shortly
                self.stderr.write(f"Could not read the outbox: {exc}")
                reconnect_if_needed()
                stop.wait(every)
                continue
            if batch.claimed:
                failed = batch.claimed - batch.sent
                self.stdout.write(f"Sent {batch.sent} email{'s' if batch.sent != 1 else ''}"
                                  + (f" ({failed} failed: tried again later)." if failed else "."))
                self.stdout.flush()
            else:
                stop.wait(every)
        self.stdout.write("Stopped.")
