"""Nothing waits on the mail server in a request: a request only writes the outbox's rows, and the
outbox worker (`manage.py send_outbox`, continuously or `--once`) sends them, each once, however
many workers run at the same time."""
import datetime
import io
import re
import signal
import subprocess
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reporting.models import Notification, QuarterlyReturn
from reporting.outbox import RETRY_AFTER, claim
from tests.reliability.live import PY, ROOT, live_database, manage, server_env
from tests.reporting._outbox_support import silent_mail_server, smtp_server, use_smtp
from tests.reporting._returns_support import (  # noqa: F401
    complete_changes, fast_password_hashing, form_fields, housing_return, return_url,
)

APPROVER = "approver@sefton.example"


def test_with_a_mail_server_that_never_answers_submit_answers_at_once_and_the_worker_sends_it_later(
        demo_users, client_for, settings, django_capture_on_commit_callbacks):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    data = form_fields(officer.get(return_url()).content)
    data.update(complete_changes(), intent="submit")
    with silent_mail_server() as (port, connections):
        use_smtp(settings, port)  # with the SMTP timeout of the settings (EMAIL_TIMEOUT, 20 s)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):  # what the commit would run, run
            response = officer.post(return_url(), data)
        took = time.monotonic() - started
        assert connections == [], "the request went to the mail server"
    assert response.status_code == 302
    assert took < 1, f"Submit took {took:.1f} s"
    assert QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2").state == "submitted"
    row = Notification.objects.get(kind="submitted")
    assert (row.email, row.sent_at, row.failures) == (APPROVER, None, 0)  # queued, waiting for the worker

    with smtp_server() as (port, mailbox):
        use_smtp(settings, port)
        out = io.StringIO()
        call_command("send_outbox", "--once", stdout=out)
        assert "Sent 1 email." in out.getvalue()
        call_command("send_outbox", "--once", stdout=out)  # and again: nothing more to send
    assert [(rcpts, m["Subject"]) for rcpts, m in mailbox.received] == [
        ([APPROVER], "Housing return for 2023/24 Q2 is waiting for approval")]
    row.refresh_from_db()
    assert row.sent_at is not None


def queued(n):
    return [Notification.objects.create(key=f"test:{i}", kind="test", email=f"person{i}@council.example",
                                        subject=f"Email {i}", body="Hello.") for i in range(n)]


def test_a_row_claimed_by_one_worker_is_not_taken_by_another(db):
    rows = queued(3)
    first = claim(limit=2)
    assert [r.pk for r in first] == [rows[0].pk, rows[1].pk]
    assert [r.pk for r in claim()] == [rows[2].pk]  # the other worker gets what is left
    assert claim() == []


def test_a_claim_whose_worker_stopped_is_taken_again_after_the_retry_wait(db):
    [row] = queued(1)
    assert claim() == [row]  # ... and that worker was stopped before it sent it
    assert claim(now=timezone.now() + RETRY_AFTER / 2) == []
    assert claim(now=timezone.now() + RETRY_AFTER + datetime.timedelta(seconds=1)) == [row]


@pytest.mark.parametrize("every", ["0", "soon", "nan", "99999"])
def test_the_worker_refuses_a_bad_interval_clearly(db, every):
    with pytest.raises(CommandError, match="--every must be a number of seconds"):
        call_command("send_outbox", "--every", every)


def _wait_for_line(proc, text, timeout=60):
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"the worker did not say {text!r}:\n{''.join(lines)}{proc.stderr.read() if proc.poll() is not None else ''}")


def test_two_workers_at_once_send_each_email_once_and_stop_cleanly_on_sigterm():
    """Two real worker processes, running continuously over one new database of the suite's kind, a
    slow SMTP server: every email arrives exactly once, both workers do some of the work, and SIGTERM
    stops each cleanly."""
    count = 40
    with live_database(data=False) as url, smtp_server(delay=0.05) as (port, mailbox):
        env = server_env(url, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                         EMAIL_PORT=str(port), EMAIL_USE_TLS="", EMAIL_USE_SSL="", PYTHONUNBUFFERED="1")
        workers = [subprocess.Popen([PY, "manage.py", "send_outbox", "--every", "0.2"], cwd=ROOT, env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        try:
            said = [_wait_for_line(w, "Sending the outbox") for w in workers]  # both running, waiting
            manage(url, "shell", "-c", "from reporting.models import Notification as N; N.objects.bulk_create("
                   f"[N(key=f'test:{{i}}', kind='test', email=f'person{{i}}@council.example', subject=f'Email {{i}}', "
                   f"body='Hello.') for i in range({count})])")
            deadline = time.monotonic() + 60
            while len(mailbox.received) < count and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)  # time for any second copy to arrive
            for w in workers:
                w.send_signal(signal.SIGTERM)
            outputs = [w.communicate(timeout=20) for w in workers]
        finally:
            for w in workers:
                if w.poll() is None:
                    w.kill()
        assert [w.returncode for w in workers] == [0, 0], outputs
        per_email = mailbox.per_email()
        assert len(per_email) == count and set(per_email.values()) == {1}, "an email was sent twice, or not at all"
        sent_by = [sum(int(n) for n in re.findall(r"Sent (\d+) email", "".join(lines) + out))
                   for lines, (out, _) in zip(said, outputs)]
        assert sum(sent_by) == count and min(sent_by) > 0, sent_by  # the two shared the work
        assert all(out.rstrip().endswith("Stopped.") and not err for out, err in outputs), outputs
        left = manage(url, "shell", "-c", "from reporting.models import Notification as N; "
                                          "print(N.objects.filter(sent_at__isnull=True).count())").stdout
        assert left.split()[-1] == "0"
