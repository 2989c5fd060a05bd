"""The first journey: sign in and read the overview, in a real Chromium, checked by axe-core."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cabinet_member_signs_in_and_reads_the_overview(page, sign_in, demo_users, axe_check):
    page.goto("/accounts/login/")
    axe_check(page, "sign-in page")
    sign_in("cabinet")
    assert page.get_by_role("heading", level=1).inner_text() == "Strategic objectives and their latest status"
    assert page.locator(".app-rag--amber").count() == 1
    assert page.locator(".app-rag--amber").first.inner_text() == "Amber"
    axe_check(page, "overview")
    assert page.console_errors == []


def test_sign_in_errors_are_announced_and_accessible(page, demo_users, axe_check):
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter your username" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page, "sign-in page with errors")


def test_sign_in_with_the_keyboard_alone(page, demo_users):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    # Tab until the username field has focus, then type and submit with Enter.
    for _ in range(20):  # round the page's links and back to the top
        if page.evaluate("document.activeElement && document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("scrutiny")
    page.keyboard.press("Tab")
    page.keyboard.type("scrutiny-demo-pass")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Strategic objectives and their latest status"
