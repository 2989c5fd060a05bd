"""The public pages, the open data page and the accessibility statement, privacy notice and cookies
page in a real Chromium, without signing in, at 1280 and 375 pixels wide: axe-core finds no WCAG
2.x A or AA failure, nothing is wider than the screen, the KPI chart draws, and no script fails."""
import pytest

from tests.reporting.public.helpers import approve_q2, issue_q2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (label, as the accessibility statement lists it; address)
PUBLIC_PAGES = [
    ("public dashboard", "/public/"),
    ("public briefing", "/public/quarters/2023-24-q2/briefing/"),
    ("public sub-strand page", "/public/sub-strands/health-wellbeing/"),
    ("public KPI page", "/public/kpis/HW-02/"),
    ("open data", "/public/data/"),
    ("accessibility statement", "/accessibility/"),
    ("privacy notice", "/privacy/"),
    ("cookies page", "/cookies/"),
]
WIDTHS = [1280, 375]


@pytest.fixture
def published_q2(demo_users):
    """Q2's Health & Wellbeing return approved with figures, and the Q2 briefing issued."""
    approve_q2(demo_users, value=21500, commentary="Earnings rose over the quarter.")
    issue_q2(demo_users)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_pages_pass_axe_and_fit_the_screen(page, published_q2, axe_check, width):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": 900})
    for label, url in PUBLIC_PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.get_by_role("heading", level=1).is_visible()
        if url.startswith("/public/kpis/"):
            page.locator("#kpi-chart").scroll_into_view_if_needed()  # drawn when it nears the screen
            page.locator("#kpi-chart svg.main-svg").first.wait_for(timeout=20000)
            assert "21,500" in page.locator("#kpi-figures").inner_text() or "£21,500" in page.locator("#kpi-figures").inner_text()
        axe_check(page, f"{label} at {width} px")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{url} is {wide} px wide at {width} px"
        footer = page.locator("footer")
        for name in ("Accessibility statement", "Privacy notice", "Cookies"):
            assert footer.get_by_role("link", name=name).is_visible()
    assert errors == [] and page.console_errors == []


def test_a_visitor_goes_from_the_dashboard_to_a_kpi_and_the_open_data(page, published_q2):
    page.goto("/public/")
    assert "Health & Wellbeing" in page.locator("#status-table").inner_text()
    with page.expect_navigation():
        page.locator("#status-table").get_by_role("link", name="Health & Wellbeing").click()
    assert page.url.endswith("/public/sub-strands/health-wellbeing/")
    with page.expect_navigation():
        page.get_by_role("link", name="HW-02 Employee earnings").click()
    assert "/public/kpis/HW-02/" in page.url
    with page.expect_navigation():
        page.get_by_role("link", name="open data", exact=True).click()
    assert page.url.endswith("/public/data/")
    assert page.context.cookies() == []  # the public pages set no cookie at all
