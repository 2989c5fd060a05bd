"""The risk review page in a real Chromium at 1280 and 375 pixels wide: the owner chooses the current
likelihood and impact in the matrix's words, saves and submits; the approver's page with Approve
and Send back; axe-core finds no WCAG 2.x A or AA failure and nothing is wider than the screen."""
import pytest

from objectives.models import ReportingPeriod
from reporting.models import Risk, RiskAction, RiskReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def risk(demo_users):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    if period.state != "open":
        ReportingPeriod.objects.filter(state="open").update(state="closed")
        period.state = "open"
        period.save()
    found = Risk.objects.create(strategy=period.strategy, reference="SR1", title="Inward investment slows",
                                cause="Interest rates stay high", effect="regeneration schemes are delayed",
                                owner=demo_users["officer"], inherent_likelihood=4, inherent_impact=5,
                                target_likelihood=2, target_impact=3, controls="Quarterly investor forum.")
    RiskAction.objects.create(risk=found, description="Bid for the investment zone", owner="Head of Growth")
    return found


@pytest.mark.parametrize("width", [1280, 375])
def test_the_owner_reviews_and_the_approver_decides_on_pages_axe_passes(page, sign_in, axe_check, risk, width):
    url = f"/risks/{risk.strategy.slug}/SR1/reviews/2023-24-q2/"
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("officer")
    page.goto(url)
    axe_check(page, f"the owner's review form at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Likely (4)").check()
    page.get_by_label("Major (4)").check()
    page.get_by_label("Risk increasing").check()
    page.get_by_label("Commentary").fill("Rates rose again this quarter.")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for approval").click()
    assert "Likely (4) x Major (4) = 16, High" in page.locator("#current-score").inner_text()
    assert RiskReview.objects.get().state == "submitted"
    page.context.clear_cookies()
    sign_in("approver")
    page.goto(url)
    assert page.get_by_role("button", name="Approve", exact=True).is_visible()
    axe_check(page, f"the approver's review page at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    assert RiskReview.objects.get().state == "approved"
