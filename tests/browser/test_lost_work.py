"""No lost work on the way people actually lose it (issue 22, point 9), in a real Chromium: an officer
types a return, the session ends (a real expiry, which the warning dialog notices and says; or a
browser that lost its cookies), they press "Save as draft" and sign in again: everything typed is back,
once, and only for them."""
import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from kpis.models import KPI
from tests.conftest import DEMO_PASSWORDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSING = "/periods/2023-24-q2/returns/housing/"
TYPED = "Completions ahead of plan; typed while the session ran out."
KPI_NOTE = "The spring figure is provisional."
FIGURE = "123"


def type_a_return(page):
    """What an officer types: the commentary, a figure and a KPI's commentary (the fields' locators)."""
    hou01 = KPI.objects.get(code="HOU-01").id
    fields = {
        "commentary": page.get_by_label("Commentary", exact=True),
        "figure": page.locator(f"#id_kpi-{hou01}-value"),
        "kpi note": page.locator(f"#id_kpi-{hou01}-commentary"),
    }
    fields["commentary"].fill("")
    fields["commentary"].press_sequentially(TYPED)
    fields["figure"].fill(FIGURE)
    fields["kpi note"].fill(KPI_NOTE)
    return fields


def typed(fields):
    return {name: field.input_value() for name, field in fields.items()}


AS_TYPED = {"commentary": TYPED, "figure": FIGURE, "kpi note": KPI_NOTE}


def save_and_sign_in(page, username):
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    assert "/accounts/login/" in page.url
    assert "what you typed has been kept" in page.content()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORDS[username])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(HOUSING)


def session_cookie(page):
    return [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]


def test_a_session_that_expires_while_the_warning_dialog_watches_gives_everything_typed_back_once(
        page, sign_in, demo_users):
    from django.contrib.sessions.models import Session

    page.clock.install()  # the page's timers run when the test moves the clock on
    sign_in("officer")
    page.goto(HOUSING)
    fields = type_a_return(page)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))  # it expires
    # The dialog's timer asks the server; so does the live status of the figure typed (its timer was
    # held by the page's clock): neither may take away the cookie that traces the form to its owner.
    with page.expect_response(lambda response: response.url.endswith("/rating/")):
        page.clock.fast_forward(settings.SESSION_COOKIE_AGE * 1000)
    dialog = page.get_by_role("dialog", name="You have been signed out")
    dialog.wait_for(state="visible")
    assert "press “Save as draft”" in dialog.inner_text()
    assert session_cookie(page), "the dialog's check removed the cookie that traces the form to its owner"
    dialog.get_by_role("button", name="Close").click()
    save_and_sign_in(page, "officer")
    assert typed(fields) == AS_TYPED
    assert "What you typed before your session ended has been put back" in page.content()
    page.goto(HOUSING)
    assert typed(fields)["commentary"] != TYPED, "put back once only"
    assert [e for e in page.console_errors if "401 (Unauthorized)" not in e] == []  # the check's answer: ended


@pytest.mark.parametrize("who, gets_it_back", [("officer", True), ("coordinator", False)])
def test_a_browser_that_lost_its_cookies_gives_what_was_typed_back_to_its_owner_only(
        page, sign_in, demo_users, who, gets_it_back):
    sign_in("officer")
    page.goto(HOUSING)
    fields = type_a_return(page)
    page.context.clear_cookies()  # the session cookie and the CSRF cookie with it
    save_and_sign_in(page, who)
    if gets_it_back:
        assert typed(fields) == AS_TYPED
        assert "What you typed before your session ended has been put back" in page.content()
        page.goto(HOUSING)
    assert typed(fields)["commentary"] != TYPED
    assert TYPED not in page.content() and "has been put back" not in page.content()
