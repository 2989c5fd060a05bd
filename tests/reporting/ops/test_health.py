"""Liveness for the load balancer (no database), readiness for the service desk (each component, 503
when a required one fails), and /healthz as before."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from reporting.models import Notification, ScheduledRun
from reporting.ops.runs import recorded_run
from reporting.outbox import MAX_FAILURES

COMPONENTS = {"database", "uploads", "libreoffice", "outbox", "reminders"}


def ready(**headers):
    response = Client().get("/healthz/ready", **headers)
    return response.status_code, response.json()


def test_liveness_answers_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_still_answers_for_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_readiness_answers_each_component(db):
    status, answer = ready()
    assert status == 200
    assert set(answer["components"]) == COMPONENTS
    for name, check in answer["components"].items():
        assert check["status"] in {"ok", "warning", "failing"} and check["detail"], name
    assert answer["components"]["database"] == {**answer["components"]["database"], "status": "ok", "required": True}
    assert answer["components"]["uploads"]["status"] == "ok"
    assert answer["components"]["reminders"]["status"] == "warning"  # never run on a new database
    assert answer["status"] == "warning"


def test_readiness_is_503_when_the_uploads_folder_cannot_be_written(db, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the uploads folder should be")
    settings.MEDIA_ROOT = blocked
    status, answer = ready()
    assert status == 503 and answer["status"] == "failing"
    assert answer["components"]["uploads"]["status"] == "failing" and answer["components"]["uploads"]["required"]
    assert str(blocked) not in str(answer)  # no path is told to whoever asks


def test_libreoffice_missing_is_a_warning_not_a_failure(db, settings):
    settings.LIBREOFFICE = "no-such-office-program"
    status, answer = ready()
    assert status == 200 and answer["components"]["libreoffice"]["status"] == "warning"


def test_the_outbox_backlog_and_its_oldest_failure(db):
    old = timezone.now() - datetime.timedelta(hours=2)
    waiting = Notification.objects.create(key="k1", kind="x", email="a@example.org", subject="s", body="b")
    failed = Notification.objects.create(key="k2", kind="x", email="b@example.org", subject="s", body="b", failures=2)
    Notification.objects.create(key="k3", kind="x", email="c@example.org", subject="s", body="b", sent_at=timezone.now())
    Notification.objects.filter(pk=failed.pk).update(created_at=old)
    outbox = ready()[1]["components"]["outbox"]
    assert outbox["status"] == "warning" and outbox["figures"]["unsent"] == 2 and outbox["figures"]["given_up"] == 0
    assert outbox["figures"]["oldest_failure"] == old.isoformat() == outbox["figures"]["oldest_unsent"]
    Notification.objects.filter(pk=failed.pk).update(failures=MAX_FAILURES)
    outbox = ready()[1]["components"]["outbox"]
    assert outbox["figures"]["given_up"] == 1 and outbox["figures"]["unsent"] == 1 and "could not be sent" in outbox["detail"]
    assert "a@example.org" not in str(ready()[1]) and waiting.pk


def test_the_last_reminders_run_is_recorded_and_reported(db):
    call_command("send_reminders", "--dry-run", stdout=StringIO())
    assert not ScheduledRun.objects.exists()  # a dry run is not a run
    call_command("send_reminders", stdout=StringIO())
    run = ScheduledRun.objects.get(job="send_reminders")
    assert run.succeeded and run.finished_at >= run.started_at
    reminders = ready()[1]["components"]["reminders"]
    assert reminders["status"] == "ok" and reminders["figures"]["last_run"] == run.started_at.isoformat()
    ScheduledRun.objects.update(started_at=timezone.now() - datetime.timedelta(days=2))
    assert ready()[1]["components"]["reminders"]["status"] == "warning"


def test_a_reminders_run_that_fails_is_recorded_as_failed_and_warned_of(db):

    with pytest.raises(RuntimeError), recorded_run("send_reminders"):
        raise RuntimeError("the mail server said no")
    assert ScheduledRun.objects.get(job="send_reminders").succeeded is False
    reminders = ready()[1]["components"]["reminders"]
    assert reminders["status"] == "warning" and reminders["figures"]["succeeded"] is False
    assert "the mail server said no" not in str(reminders)
