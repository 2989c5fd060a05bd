"""The session's end as a signed-in page tells it (reporting.sessions), and "Stay signed in"."""
import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def dialog_of(page):
    return re.search(r'<dialog class="app-timeout" id="session-timeout"[^>]*data-ends-in="(\d+)" data-warn-before="(\d+)"', page)


def test_a_signed_in_page_says_when_the_session_ends_and_a_signed_out_page_does_not(client_for, client, settings):
    found = dialog_of(client_for("officer").get(reverse("my-returns")).content.decode())
    assert found and int(found.group(1)) == settings.SESSION_COOKIE_AGE
    assert int(found.group(2)) == settings.SESSION_WARNING_SECONDS
    assert "session-timeout" not in client.get(reverse("login")).content.decode()


def test_stay_signed_in_moves_the_end_on(client_for):
    officer = client_for("officer")
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=3))
    response = officer.post(reverse("stay-signed-in"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ends_in"] > 0
    assert Session.objects.get().expire_date > timezone.now() + datetime.timedelta(minutes=30)


def test_stay_signed_in_after_the_end_says_so_and_goes_only_to_this_site(client_for, client):
    officer = client_for("officer")
    assert officer.post(reverse("stay-signed-in"), {"next": "https://evil.example/"})["Location"] == "/"
    assert officer.post(reverse("stay-signed-in"), {"next": "/my-returns/"})["Location"] == "/my-returns/"
    assert client.post(reverse("stay-signed-in"), HTTP_ACCEPT="application/json").status_code == 401
    assert client.get(reverse("stay-signed-in")).status_code == 405


def test_asking_how_long_is_left_does_not_move_the_end_on(client_for, client, settings, monkeypatch):
    import time

    officer = client_for("officer")
    officer.get(reverse("my-returns"))  # the first page after signing in marks the session written
    first = Session.objects.get().expire_date
    later = time.time() + settings.SESSION_REFRESH_SECONDS + 60
    monkeypatch.setattr(time, "time", lambda: later)
    answer = officer.get(reverse("session-status"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS - 70 < answer.json()["ends_in"] < settings.SESSION_COOKIE_AGE
    assert Session.objects.get().expire_date == first  # asking is not using the service
    officer.get(reverse("my-returns"))
    assert Session.objects.get().expire_date > first  # a page is
    assert client.get(reverse("session-status")).status_code == 401
