"""The risk register, a risk's page and the heat map in Chromium, checked by axe-core (WCAG 2.x A and
AA) at 1280 and 375 px, as the Cabinet Member and as the coordinator (who sees a draft, marked)."""
import os

import pytest

from tests.reporting.risks.test_pages import world  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], name), full_page=True)


@pytest.mark.parametrize("who", ["cabinet", "coordinator"])
def test_the_register_a_risk_and_the_heat_map_pass_axe_at_1280_and_375(page, sign_in, world, axe_check, who):  # noqa: F811
    sign_in(who)
    pages = [("register", "/risks/", "Risk register"), ("risk", world["sr1"].get_absolute_url(), "Loss of external funding"),
             ("heat-map", "/risks/heat-map/?period=2023-24-q2", "Risk heat map")]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url, heading in pages:
            page.goto(url)
            page.get_by_role("heading", level=1, name=heading).first.wait_for()
            axe_check(page, f"{name} at {width} px as {who}")
            shot(page, f"risk-{name}-{who}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/dashboard/?period=2023-24-q2")
    page.get_by_role("link", name="SR1 Loss of external funding").first.click()
    page.get_by_role("heading", level=1, name="Loss of external funding").wait_for()
    assert page.console_errors == []
