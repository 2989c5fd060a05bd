"""The outbox every email goes through: notifications of workflow steps and reminders alike.

`queue(...)` writes one `Notification` row per person, in the caller's transaction, and that is
all a request does: no request waits on the mail server. The rows are sent by the outbox worker,
`manage.py send_outbox` (running continuously, or `--once` from cron every minute), outside any
request, through `send_pending()`. An email never tells of a change that was rolled back (its row
went with it), and a change is never lost because an email could not go.

The row's key names the event, and (key, address) is unique, so nobody is sent the same email twice
however often the same event is queued. Workers claim rows before sending them (`claimed_at`, set
by a conditional UPDATE that only one worker can win; on PostgreSQL the candidates are also picked
with SELECT ... FOR UPDATE SKIP LOCKED, so that workers share the work instead of queueing for it),
so two workers at once never send the same email. A send that fails is kept with its error and
tried again RETRY_AFTER later, up to MAX_FAILURES times; a row whose worker stopped mid-send is
taken again after RETRY_AFTER, which is far longer than a batch can take (BATCH sends of at most
EMAIL_TIMEOUT seconds each).
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from reporting.models import Notification

log = logging.getLogger(__name__)
MAX_FAILURES = 5
RETRY_AFTER = timedelta(minutes=10)  # a failed send is tried again this long after; a claim lasts this long
BATCH = 10  # rows claimed at once by one worker: 10 x EMAIL_TIMEOUT (20 s) is well inside RETRY_AFTER
EVENT_HEADER = "X-SES-Event"  # each email names its event, so that a duplicate can be told from a like one


@dataclass(frozen=True)
class Email:
    """An email to one person: `user` (with an address), a subject and a plain-text body."""

    user: object
    subject: str
    body: str


def queue(*, key, kind, emails):
    """Queue `emails` (Email, one per person) for the event `key`, in the caller's transaction; the
    outbox worker sends them once it has committed. A person already sent (or queued) this event's
    email is skipped. Returns the rows queued."""
    rows = []
    for email in emails:
        address = email.user.email
        if not address:
            continue
        try:
            with transaction.atomic():
                rows.append(Notification.objects.create(
                    key=key, kind=kind, email=address, user=email.user, subject=email.subject[:300], body=email.body,
                ))
        except IntegrityError:
            continue  # this person has had this event's email already
    return rows


def already_queued(key):
    """The addresses already sent (or queued) the email of event `key`."""
    return set(Notification.objects.filter(key=key).values_list("email", flat=True))


def _due(now):
    """Unsent rows a worker may take now: never tried, or last taken over RETRY_AFTER ago (a failed
    send, or a worker that stopped mid-send), with fewer than MAX_FAILURES failures."""
    return Q(sent_at__isnull=True, failures__lt=MAX_FAILURES) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - RETRY_AFTER))


def claim(*, now=None, limit=BATCH):
    """Take up to `limit` due rows for this worker, oldest first, and return them. Each is claimed by
    an UPDATE that only succeeds while the row is still due, so of two workers only one gets it."""
    now = now or timezone.now()
    with transaction.atomic():
        candidates = list(Notification.objects.filter(_due(now)).order_by("pk")
                          .select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        won = [pk for pk in candidates if Notification.objects.filter(_due(now), pk=pk).update(claimed_at=now)]
    return list(Notification.objects.filter(pk__in=won).order_by("pk"))


def deliver(rows):
    """Send the claimed `rows` over one connection, marking each sent; a failure is recorded on its
    row (and logged), never raised: the change it tells of is already saved. Returns how many went."""
    if not rows:
        return 0
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is down: every row waits for the retry
        log.warning("Could not connect to the mail server: %s", exc)
        for row in rows:
            Notification.objects.filter(pk=row.pk).update(failures=row.failures + 1, last_error=str(exc)[:1000])
        return 0
    try:
        for row in rows:
            message = EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.email], connection=connection,
                                   headers={EVENT_HEADER: row.key})
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001 - one address refused: the others still go
                log.warning("Could not send %r to %s: %s", row.subject, row.email, exc)
                Notification.objects.filter(pk=row.pk).update(failures=row.failures + 1, last_error=str(exc)[:1000])
                continue
            Notification.objects.filter(pk=row.pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            pass
    return sent


@dataclass(frozen=True)
class Batch:
    claimed: int  # rows this worker took
    sent: int  # of them, how many went


def send_batch(*, now=None, limit=BATCH):
    """Claim up to `limit` due rows and send them: one step of the worker."""
    rows = claim(now=now, limit=limit)
    return Batch(claimed=len(rows), sent=deliver(rows))


def send_pending(*, now=None):
    """Send every notification due now (never tried, or tried over RETRY_AFTER ago with fewer than
    MAX_FAILURES failures), batch by batch, until none is left: what `send_outbox --once` does.
    Returns how many were sent."""
    sent = 0
    while True:
        batch = send_batch(now=now)
        if not batch.claimed:
            return sent
        sent += batch.sent
