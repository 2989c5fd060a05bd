"""The health checks, one a component, for the service desk (readiness) and the load balancer (liveness).

Each check answers a status ("ok", "warning" or "failing"), whether the app can serve without the
component (`required`), a sentence in plain words, and a few figures (never a path, an address or an
error's text: the answer is given without a login). Required: the database, and the uploads' storage
(MEDIA_ROOT writable: the council's Word template, attached papers, the kept papers). Not required,
a warning only: LibreOffice (without it the PDFs are not offered), the outbox (emails waiting, and
the oldest that failed) and when send_reminders last ran.
"""
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

OK, WARNING, FAILING = "ok", "warning", "failing"
# An email not sent this long after it was written is a backlog the service desk should look at
# (the worker sends within seconds, or a minute from cron; a failed send is tried 10 minutes later).
OUTBOX_LATE = timedelta(minutes=30)
# send_reminders runs once a day: more than this since its last run is a day missed.
REMINDERS_LATE = timedelta(hours=26)


@dataclass
class Check:
    status: str
    required: bool
    detail: str
    figures: dict = field(default_factory=dict)


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means it cannot serve
        return Check(FAILING, True, "The database does not answer.")
    return Check(OK, True, "The database answers.")


def uploads():
    folder = settings.MEDIA_ROOT
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".health-"):
            pass
    except OSError:
        return Check(FAILING, True, "The uploads folder (MEDIA_ROOT) cannot be written to: templates, attached papers "
                                    "and the papers' PDFs cannot be saved.")
    return Check(OK, True, "The uploads folder can be written to.")


def libreoffice():
    from reporting.documents.pdf import libreoffice as program

    if program() is None:
        return Check(WARNING, False, "LibreOffice is not installed: the PDF copies of the papers are not offered "
                                     "(the Word documents are).")
    return Check(OK, False, "LibreOffice is installed for the PDF copies of the papers.")


def outbox(now):
    from reporting.models import Notification
    from reporting.outbox import MAX_FAILURES

    unsent = Notification.objects.filter(sent_at__isnull=True)
    waiting = unsent.filter(failures__lt=MAX_FAILURES)
    oldest_waiting = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    oldest_failure = unsent.filter(failures__gt=0).order_by("created_at").values_list("created_at", flat=True).first()
    given_up = unsent.filter(failures__gte=MAX_FAILURES).count()
    figures = {"unsent": waiting.count(), "given_up": given_up,
               "oldest_unsent": oldest_waiting.isoformat() if oldest_waiting else None,
               "oldest_failure": oldest_failure.isoformat() if oldest_failure else None}
    if given_up:
        return Check(WARNING, False, f"{given_up} email(s) could not be sent after {MAX_FAILURES} tries "
                                     "(Admin → Notifications says why).", figures)
    if oldest_waiting and now - oldest_waiting > OUTBOX_LATE:
        return Check(WARNING, False, "Emails have been waiting more than 30 minutes: is the outbox worker "
                                     "(send_outbox) running, and does the mail server answer?", figures)
    return Check(OK, False, "The outbox is being sent.", figures)


def reminders(now):
    from reporting.ops.runs import last_run

    run = last_run("send_reminders")
    if run is None:
        return Check(WARNING, False, "send_reminders has never run: schedule it once a day (README, Scheduled jobs).",
                     {"last_run": None})
    figures = {"last_run": run.started_at.isoformat(), "finished": run.finished_at.isoformat() if run.finished_at else None,
               "succeeded": run.succeeded}
    if run.succeeded is False:
        return Check(WARNING, False, "The last run of send_reminders failed: its log says why.", figures)
    if now - run.started_at > REMINDERS_LATE:
        return Check(WARNING, False, "send_reminders has not run for more than a day: is it still scheduled?", figures)
    return Check(OK, False, "send_reminders ran within the last day.", figures)


def readiness():
    """{component: Check}, and whether the app can serve (every required component ok)."""
    now = timezone.now()
    checks = {"database": database(), "uploads": uploads(), "libreoffice": libreoffice()}
    if checks["database"].status == OK:
        checks["outbox"], checks["reminders"] = outbox(now), reminders(now)
    else:
        unknown = Check(FAILING, False, "Not known: the database does not answer.")
        checks["outbox"], checks["reminders"] = unknown, unknown
    ready = all(c.status == OK for c in checks.values() if c.required)
    return checks, ready


def readiness_answer():
    """The readiness check as JSON-ready data: the overall status and each component's."""
    checks, ready = readiness()
    overall = "failing" if not ready else ("ok" if all(c.status == OK for c in checks.values()) else "warning")
    return {"status": overall, "checked_at": timezone.now().isoformat(),
            "components": {name: asdict(check) for name, check in checks.items()}}, ready
