"""No lost work (issue 14, item 5): a return posted after the session ended is kept and put back for
the same person once they sign in again; never for anyone else; and a refused save keeps what was
typed on the page."""
import datetime
import html

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from reporting.kept_work import FORM_NOTE, KEEP_SECONDS, KEPT
from reporting.models import QuarterlyReturn
from tests.conftest import DEMO_PASSWORDS
from tests.reporting._returns_support import (  # noqa: F401
    database_state, fast_password_hashing, form_fields, housing_return, return_url,
)

pytestmark = pytest.mark.django_db

TYPED = "Typed at length while the session ran out"


def end_sessions():
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))


def post_after_the_session_ended(client, changes, **kw):
    data = form_fields(client.get(return_url(**kw)).content)
    data.update(changes)
    data["intent"] = "save"
    end_sessions()
    return client.post(return_url(**kw), data)


def sign_in(client, username, next_url):
    response = client.post(f"{reverse('login')}?next={next_url}", {
        "username": username, "password": DEMO_PASSWORDS[username], "next": next_url})
    assert response.status_code == 302, response.status_code
    return response


def test_what_was_typed_is_kept_and_put_back_after_signing_in_again(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    officer = client_for("officer")
    before = database_state()
    response = post_after_the_session_ended(officer, {"commentary": TYPED})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert database_state()["returns"] == before["returns"]  # nothing saved
    login_page = html.unescape(officer.get(response["Location"]).content.decode())
    assert "what you typed has been kept" in login_page
    landed = sign_in(officer, "officer", return_url())
    assert landed["Location"] == return_url()
    page = html.unescape(officer.get(return_url()).content.decode())
    assert form_fields(page)["commentary"] == TYPED
    assert "What you typed before your session ended has been put back" in page
    assert QuarterlyReturn.objects.get(pk=ret.pk).commentary != TYPED  # not saved until they save it
    # Once only: the next visit shows the saved return.
    assert form_fields(officer.get(return_url()).content)["commentary"] != TYPED


def test_the_kept_work_is_never_given_to_someone_else(demo_users, client_for):
    housing_return(demo_users, "draft")
    shared = client_for("officer")  # one browser, used by two people
    post_after_the_session_ended(shared, {"commentary": TYPED})
    sign_in(shared, "coordinator", return_url())
    assert KEPT not in shared.session
    page = html.unescape(shared.get(return_url()).content.decode())
    assert TYPED not in page and "has been put back" not in page


def test_a_post_without_a_traceable_session_is_not_kept(demo_users, client_for):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    data = form_fields(officer.get(return_url()).content)
    del data[FORM_NOTE]  # a form without its note (traced by it: tests/reporting/test_kept_work_owner.py)
    Session.objects.all().delete()  # signed out elsewhere, or the ended row already cleared
    response = officer.post(return_url(), {**data, "commentary": TYPED, "intent": "save"})
    assert response.status_code == 302 and KEPT not in officer.session
    assert "enter your changes again" in html.unescape(officer.get(response["Location"]).content.decode())


def test_kept_work_is_given_back_only_on_its_page_and_not_after_an_hour(demo_users, client_for):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    post_after_the_session_ended(officer, {"commentary": TYPED})
    sign_in(officer, "officer", return_url())
    session = officer.session
    session[KEPT]["at"] -= KEEP_SECONDS + 1
    session.save()
    assert TYPED not in html.unescape(officer.get(return_url(sub_slug="planning")).content.decode())
    assert TYPED not in html.unescape(officer.get(return_url()).content.decode())
    assert KEPT not in officer.session


def test_a_refused_save_keeps_what_was_typed(demo_users, client_for):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    data = form_fields(officer.get(return_url()).content)
    data.update({"commentary": TYPED, "rag_explanation": "x" * 20_000, "intent": "save"})
    response = officer.post(return_url(), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in page
    assert form_fields(page)["commentary"] == TYPED
