"""The sign-in help pages in a real Chromium (issue 14, item 9): the pause after too many tries,
password reset, and a refusal, each clean by axe and no wider than a phone."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_pause_the_reset_and_a_refusal_are_clear_at_375_px(page, sign_in, demo_users, settings, axe_check):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("scrutiny")
        page.get_by_label("Password").fill("not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Too many sign-in attempts").is_visible()
    assert "You can try again after" in page.content() and fits(page)
    axe_check(page, "sign-in paused page")
    with page.expect_navigation():
        page.get_by_role("link", name="Reset your password").click()
    assert page.get_by_role("heading", name="Reset your password").is_visible() and fits(page)
    axe_check(page, "password reset page")

    sign_in("cabinet")
    response = page.goto("/review/")
    assert response.status == 403
    assert page.get_by_role("heading", name="You cannot do that with your account").is_visible() and fits(page)
    assert page.get_by_role("link", name="the overview").is_visible()
    axe_check(page, "refusal page")
