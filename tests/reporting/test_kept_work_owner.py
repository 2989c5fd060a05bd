"""No lost work on the ways people actually lose it (issue 22, point 9): the warning dialog's check
and every page leave the cookie of an ended session in the browser, and a form carries a signed note
of whose it is, so what was typed is kept even when the browser lost every cookie (its CSRF cookie
too); for that person only, on that page, once."""
import datetime
import html

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting.kept_work import FORM_NOTE, FORM_NOTE_SALT, KEPT
from reporting.models import ActionUpdate, QuarterlyReturn
from tests.conftest import DEMO_PASSWORDS
from tests.reporting.test_kept_work_forms import draft_update  # noqa: F401 (a fixture: the officer's draft update)
from tests.reporting._returns_support import fast_password_hashing, form_fields, housing_return, return_url  # noqa: F401

pytestmark = pytest.mark.django_db

TYPED = "Typed at length while the session ran out"
COOKIE = settings.SESSION_COOKIE_NAME


def end_sessions():
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))


def browser_for(user):
    """A signed-in client that checks CSRF as Django does for a browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def sign_in(client, username, next_url):
    """Signing in through the form, as a browser would (its CSRF cookie from the sign-in page)."""
    login = f"{reverse('login')}?next={next_url}"
    token = form_fields(client.get(login).content, css_class=None)["csrfmiddlewaretoken"]
    response = client.post(login, {"username": username, "password": DEMO_PASSWORDS[username], "next": next_url,
                                   "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == next_url, response.status_code
    return response


def page_of(client, url):
    return html.unescape(client.get(url).content.decode())


def deletes_the_session_cookie(response):
    cookie = response.cookies.get(COOKIE)
    return cookie is not None and cookie.value == ""


def post_with_no_cookies(client, url, changes, css_class="app-return-form"):
    """The form as it was on the page, changed, posted by a browser that has lost every cookie."""
    data = form_fields(client.get(url).content, css_class=css_class)
    data.update(changes)
    client.cookies.clear()
    return client.post(url, data)


# -- the warning dialog's check, and every page, leave an ended session's cookie ----------------------

def test_asking_how_long_is_left_after_the_session_ended_leaves_its_cookie(client_for):
    officer = client_for("officer")
    officer.get(reverse("my-returns"))
    end_sessions()
    answer = officer.get(reverse("session-status"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 401 and answer.json() == {"ended": True}
    assert COOKIE not in answer.cookies, "the dialog's check must not delete or replace the session cookie"
    stay = officer.post(reverse("stay-signed-in"), HTTP_ACCEPT="application/json")
    assert stay.status_code == 401 and COOKIE not in stay.cookies


def test_a_page_after_the_session_ended_leaves_its_cookie_and_signing_out_still_removes_it(client_for):
    officer = client_for("officer")
    page = officer.get(reverse("my-returns"))
    assert page.status_code == 200
    end_sessions()
    ended = officer.get(reverse("my-returns"))
    assert ended.status_code == 302 and not deletes_the_session_cookie(ended)
    signed_in = client_for("officer")
    assert deletes_the_session_cookie(signed_in.post(reverse("logout")))


# -- a browser that lost every cookie ----------------------------------------------------------------

def test_a_return_posted_by_a_browser_with_no_cookies_is_kept_and_put_back_once_for_its_owner(demo_users):
    ret = housing_return(demo_users, "draft")
    officer = browser_for(demo_users["officer"])
    response = post_with_no_cookies(officer, return_url(), {"commentary": TYPED, "intent": "save"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "what you typed has been kept" in page_of(officer, response["Location"])
    assert QuarterlyReturn.objects.get(pk=ret.pk).commentary != TYPED  # nothing saved
    sign_in(officer, "officer", return_url())
    page = page_of(officer, return_url())
    assert form_fields(page)["commentary"] == TYPED and "has been put back" in page
    assert FORM_NOTE not in officer.session.get(KEPT, {}).get("data", {})
    assert form_fields(page_of(officer, return_url()))["commentary"] != TYPED, "once only"


def test_work_kept_from_a_browser_with_no_cookies_goes_to_nobody_else(demo_users):
    housing_return(demo_users, "draft")
    shared = browser_for(demo_users["officer"])  # one browser, two people
    post_with_no_cookies(shared, return_url(), {"commentary": TYPED, "intent": "save"})
    assert KEPT in shared.session
    sign_in(shared, "coordinator", return_url())
    assert KEPT not in shared.session
    page = page_of(shared, return_url())
    assert TYPED not in page and "has been put back" not in page


def forged(note):
    return note[:-2] + ("AA" if not note.endswith("AA") else "BB")


@pytest.mark.parametrize("note", [
    pytest.param(lambda users, url: forged(signing.dumps({"owner": str(users["officer"].pk), "path": url},
                                                         salt=FORM_NOTE_SALT)), id="forged"),
    pytest.param(lambda users, url: signing.dumps({"owner": str(users["officer"].pk), "path": return_url(
        sub_slug="planning")}, salt=FORM_NOTE_SALT), id="another page's"),
    pytest.param(lambda users, url: signing.dumps({"owner": str(users["officer"].pk), "path": url}), id="other salt"),
    pytest.param(lambda users, url: "", id="none"),
])
def test_a_form_whose_note_does_not_name_its_owner_on_this_page_is_not_kept(demo_users, note):
    housing_return(demo_users, "draft")
    officer = browser_for(demo_users["officer"])
    response = post_with_no_cookies(officer, return_url(), {
        "commentary": TYPED, "intent": "save", FORM_NOTE: note(demo_users, return_url())})
    assert KEPT not in officer.session
    assert response.status_code == 403 or "enter your changes again" in page_of(officer, response["Location"])


def test_a_note_naming_one_person_and_an_ended_session_naming_another_keeps_nothing(demo_users, client_for):
    housing_return(demo_users, "draft")
    shared = client_for("coordinator")  # the coordinator's session, ended, on the officer's form
    data = form_fields(client_for("officer").get(return_url()).content)
    end_sessions()
    response = shared.post(return_url(), {**data, "commentary": TYPED, "intent": "save"})
    assert response.status_code == 302 and KEPT not in shared.session


def test_a_form_posted_after_signing_in_again_in_another_tab_is_put_back(demo_users):
    """Signing in again gives the browser a new CSRF cookie: the form still open in the first tab is
    refused by the CSRF check, and was lost; now it comes back on the page."""
    housing_return(demo_users, "draft")
    officer = browser_for(demo_users["officer"])
    data = form_fields(officer.get(return_url()).content)
    end_sessions()
    sign_in(officer, "officer", return_url())  # another tab
    response = officer.post(return_url(), {**data, "commentary": TYPED, "intent": "save"})
    assert response.status_code == 302 and response["Location"] == return_url()
    page = page_of(officer, response["Location"])
    assert form_fields(page)["commentary"] == TYPED and "has been put back" in page


# -- the same for the action-plan update and the briefing's text --------------------------------------

def test_an_action_plan_update_posted_with_no_cookies_is_put_back_for_its_owner(demo_users, draft_update):  # noqa: F811
    url = reverse("action-update-edit", args=["employment", "2018-06", 14])
    officer = browser_for(demo_users["officer"])
    response = post_with_no_cookies(officer, url, {"narrative": TYPED}, css_class="app-update-form")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ActionUpdate.objects.get(pk=draft_update.pk).narrative == "Draft narrative"
    sign_in(officer, "officer", url)
    page = page_of(officer, url)
    assert TYPED in page and "has been put back" in page and 'data-warn-unsaved="restored"' in page


def test_the_briefings_text_posted_with_no_cookies_is_put_back_for_its_owner(demo_users, sefton):
    url = reverse("briefing-edit", args=["2023-24-q2"])
    coordinator = browser_for(demo_users["coordinator"])
    response = post_with_no_cookies(coordinator, url, {"purpose": TYPED}, css_class=None)
    assert response.status_code == 302 and KEPT in coordinator.session
    sign_in(coordinator, "coordinator", url)
    page = page_of(coordinator, url)
    assert TYPED in page and "has been put back" in page
