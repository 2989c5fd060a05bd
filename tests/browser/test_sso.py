"""Signing in with Microsoft in Chromium, through a real OpenID provider on loopback (tests/sso/openid_provider/):
the person lands on the tracker with the role their group claim maps to."""
import os

import pytest
from django.contrib.auth import get_user_model

from objectives.roles import Role, roles_of
from tests.sso.fixtures import PASSWORD, oidc_provider, sso_on  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_with_microsoft_lands_with_the_mapped_role(page, live_server, sso_on, sefton, axe_check):  # noqa: F811
    page.goto("/accounts/login/")
    axe_check(page, "sign-in page with Sign in with Microsoft")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "sign-in-sso-1280.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with Microsoft").click()
    assert page.url.startswith(sso_on.url)  # the provider's own sign-in page
    page.get_by_label("Email or username").fill("alex.morgan@council.example")
    page.get_by_label("Provider password").fill(PASSWORD)
    page.console_errors.clear()  # the test provider's page has no favicon: its 404 is not the tracker's
    with page.expect_navigation(url=f"{live_server.url}/"):
        page.get_by_role("button", name="Next").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Strategic objectives and their latest status"
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link", name="Review queue").count() == 1  # an approver's menu
    assert menu.get_by_role("link", name="My returns").count() == 0
    assert "Signed in as Alex Morgan" in page.locator("footer").inner_text()
    user = get_user_model().objects.get(username="alex.morgan@council.example")
    assert roles_of(user) == {Role.APPROVER}
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "signed-in-by-sso-1280.png"))
    assert page.console_errors == []
