"""A user's API tokens page and a rotated token shown once, in Chromium, checked by axe-core."""
import os

import pytest

from reporting.api import tokens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], name), full_page=True)


def test_a_reader_rotates_their_token_and_copies_the_new_one(page, sign_in, demo_users, axe_check):
    old = tokens.issue_token(user=demo_users["cabinet"], name="Cabinet Member's Power BI report")
    sign_in("cabinet")
    page.get_by_role("link", name="Your API tokens").click()
    page.get_by_role("heading", name="Your API tokens").wait_for()
    assert f"ses_{old.token.prefix}_" in page.locator(".govuk-summary-card").inner_text()
    axe_check(page, "API tokens page")
    shot(page, "api-tokens-1280.png")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "api-tokens-375.png")
    axe_check(page, "API tokens page at 375 px")
    with page.expect_navigation():
        page.get_by_role("button", name="Rotate Cabinet Member's Power BI report").click()
    new_secret = page.get_by_label("Token").input_value()
    assert tokens.authenticate(new_secret).name == "Cabinet Member's Power BI report"
    assert tokens.authenticate(old.secret) is None
    axe_check(page, "new token page")
    shot(page, "api-token-shown-375.png")
    page.get_by_role("link", name="Back to your API tokens").click()
    assert new_secret not in page.content()
    assert page.console_errors == []
