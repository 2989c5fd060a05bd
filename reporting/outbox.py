"""The outbox every email goes through: notifications of workflow steps and reminders alike.

`queue(...)` writes one `Notification` row per person, in the caller's transaction, and asks for
them to be sent once that transaction commits (`transaction.on_commit`): an email never tells of a
change that was rolled back, and a change is never lost because an email could not go. The row's
key names the event, and (key, address) is unique, so nobody is sent the same email twice however
often the same event is queued. A send that fails is kept with its error and tried again by
`send_pending()` (run by `send_reminders`, daily), up to MAX_FAILURES times.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from reporting.models import Notification

log = logging.getLogger(__name__)
MAX_FAILURES = 5
RETRY_AFTER = timedelta(minutes=10)  # a row this old and unsent was not sent by its own commit
EVENT_HEADER = "X-SES-Event"  # each email names its event, so that a duplicate can be told from a like one


@dataclass(frozen=True)
class Email:
    """An email to one person: `user` (with an address), a subject and a plain-text body."""

    user: object
    subject: str
    body: str


def queue(*, key, kind, emails):
    """Queue `emails` (Email, one per person) for the event `key`; send them after the commit.
    A person already sent (or queued) this event's email is skipped. Returns the rows queued."""
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
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: deliver(ids))
    return rows


def already_queued(key):
    """The addresses already sent (or queued) the email of event `key`."""
    return set(Notification.objects.filter(key=key).values_list("email", flat=True))


def deliver(ids):
    """Send the unsent notifications among `ids` over one connection, marking each sent; a failure
    is recorded on its row (and logged), never raised: the change it tells of is already saved."""
    rows = list(Notification.objects.filter(pk__in=ids, sent_at__isnull=True).order_by("pk"))
    if not rows:
        return 0
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is down: every row waits for the retry
        log.warning("Could not connect to the mail server: %s", exc)
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(last_error=str(exc)[:1000])
        for row in rows:
            Notification.objects.filter(pk=row.pk).update(failures=row.failures + 1)
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


def send_pending(*, now=None):
    """Try again every notification that has not gone (queued over RETRY_AFTER ago, fewer than
    MAX_FAILURES failures). Returns how many were sent."""
    now = now or timezone.now()
    ids = list(Notification.objects.filter(sent_at__isnull=True, failures__lt=MAX_FAILURES,
                                           created_at__lte=now - RETRY_AFTER).values_list("pk", flat=True))
    return deliver(ids) if ids else 0
