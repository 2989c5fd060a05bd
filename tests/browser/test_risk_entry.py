"""The coordinating team raises a risk and changes it in a real Chromium at 1280 and 375 pixels wide:
the matrix's words as radios, the linked KPIs as checkboxes; axe-core finds no WCAG 2.x A or AA
failure on the raise and edit pages and nothing is wider than the screen."""
import os

import pytest

from objectives.models import ReportingPeriod
from reporting.models import Risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SES_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


@pytest.mark.parametrize("width", [1280, 375])
def test_the_coordinating_team_raises_a_risk_then_edits_it_on_pages_axe_passes(page, sign_in, axe_check,
                                                                               demo_users, width):
    strategy = ReportingPeriod.objects.get(slug="2023-24-q2").strategy
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("coordinator")
    page.goto(f"/risks/{strategy.slug}/raise/")
    axe_check(page, f"the raise a risk page at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Reference", exact=True).fill("SR9")
    page.get_by_label("Title", exact=True).fill("Inward investment slows")
    page.get_by_label("Cause", exact=True).fill("Interest rates stay high")
    page.get_by_label("Effect", exact=True).fill("regeneration schemes are delayed")
    for name, value in [("inherent_likelihood", 4), ("inherent_impact", 5), ("target_likelihood", 2),
                        ("target_impact", 3)]:
        page.check(f'input[name="{name}"][value="{value}"]')
    page.get_by_text("Linked KPIs (0 chosen)").click()  # the list, folded until it is opened
    page.locator('input[name="kpis"]').first.check()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"raise-{width}.png"), full_page=True)
        top = page.evaluate("document.getElementById('id_inherent_likelihood-group').getBoundingClientRect().top"
                            " + window.scrollY")
        page.screenshot(path=os.path.join(SHOTS, f"raise-{width}-scores.png"), full_page=True,
                        clip={"x": 0, "y": top - 80, "width": width, "height": 900})
    with page.expect_navigation():
        page.get_by_role("button", name="Raise the risk").click()
    risk = Risk.objects.get(reference="SR9")
    assert (risk.inherent_likelihood, risk.inherent_impact, risk.kpis.count()) == (4, 5, 1)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Edit SR9")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Bid for the investment zone")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the action").click()
    axe_check(page, f"the edit page with an action at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"edit-{width}.png"), full_page=True)
    assert risk.actions.get().description == "Bid for the investment zone"
