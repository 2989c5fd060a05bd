"""Helpers for tests that read what was emailed: the outbox worker's one pass, a real SMTP server on
loopback (aiosmtpd), and a mail server that accepts connections and never answers."""
import contextlib
import email
import email.policy
import socket
import threading
from collections import Counter

from aiosmtpd.controller import Controller

from reporting.outbox import send_pending


def send_outbox():
    """What the outbox worker does on each pass (`manage.py send_outbox --once`): send every email
    requests have queued. A request only queues them; a test reads mail.outbox after this."""
    return send_pending()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given: (envelope recipients, message);
    `delay` seconds per message makes a slow server."""

    def __init__(self, delay=0):
        self.received = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def per_email(self):
        """How many times each (recipient, event) arrived."""
        return Counter((rcpt, m["X-SES-Event"]) for rcpts, m in self.received for rcpt in rcpts)


@contextlib.contextmanager
def smtp_server(*, delay=0):
    """A real SMTP server on a free loopback port; yields (port, mailbox)."""
    port = free_port()
    mailbox = Mailbox(delay)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_mail_server():
    """A TCP server on loopback that accepts every connection and never answers (not even the SMTP
    greeting): a mail server that hangs. Yields (port, connections accepted)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)  # held open, never written to

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def use_smtp(settings, port):
    """Point Django's SMTP backend at 127.0.0.1:`port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
