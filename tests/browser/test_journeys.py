"""The quarter's journey in a real Chromium, every page checked by axe-core (WCAG 2.x A and AA):
the officer fills and submits a return, the approver approves it, and the Cabinet Member reads
the dashboard, a KPI chart and the briefing, and downloads the workbook."""
import pytest

from kpis.models import KPI
from reporting.models import QuarterlyReturn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RETURN_URL = "/periods/2023-24-q2/returns/housing/"


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def officer_fills_and_submits(page, sign_in, axe_check):
    sign_in("officer")
    click_and_wait(page, page.get_by_role("link", name="My returns"))
    axe_check(page, "my returns")
    click_and_wait(page, page.get_by_role("link", name="Housing return"))
    assert page.get_by_role("heading", level=1).is_visible()
    axe_check(page, "empty return form")

    # Submitting an empty return explains what is missing, at the top and beside the fields.
    click_and_wait(page, page.get_by_role("button", name="Submit for approval"))
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    axe_check(page, "return form with errors")

    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    page.locator("#id_overall_rag_2").check()  # Green
    page.get_by_label("Commentary", exact=True).fill("Completions are ahead of the Local Plan requirement.")
    for kpi, value in [(hou01, "212"), (hou02, "701")]:
        block = page.locator(f"#kpi-{kpi.id}")
        block.get_by_label("Value").fill(value)
        block.get_by_label("Period the data is for").fill("2022/23")
    click_and_wait(page, page.get_by_role("button", name="Save as draft"))
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    ret = QuarterlyReturn.objects.get(period__slug="2023-24-q2", sub_strand__slug="housing")
    assert ret.state == "draft" and ret.overall_rag == "green"

    # Come back later: what was typed is there.
    page.goto(RETURN_URL)
    assert page.locator(f"#kpi-{hou02.id}").get_by_label("Value").input_value() in {"701", "701.000", "701.0"}
    click_and_wait(page, page.get_by_role("button", name="Submit for approval"))
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    ret.refresh_from_db()
    assert ret.state == "submitted"
    axe_check(page, "submitted return")


def approver_approves(page, sign_in, axe_check):
    sign_in("approver")
    click_and_wait(page, page.get_by_role("link", name="Review queue"))
    axe_check(page, "review queue")
    page.goto(RETURN_URL)
    axe_check(page, "return under review")
    click_and_wait(page, page.get_by_role("button", name="Approve", exact=True))
    ret = QuarterlyReturn.objects.get(period__slug="2023-24-q2", sub_strand__slug="housing")
    assert ret.state == "approved"


def cabinet_member_reads(page, sign_in, axe_check):
    sign_in("cabinet")
    click_and_wait(page, page.get_by_role("link", name="Dashboard"))
    assert "Red" in page.content() or "Green" in page.content()
    axe_check(page, "dashboard")
    page.goto("/kpis/HOU-02/")
    page.locator("#kpi-figures").wait_for()
    page.locator("#kpi-chart").scroll_into_view_if_needed()  # drawn when it nears the screen
    page.locator(".js-plotly-plot").wait_for(timeout=20000)  # the chart drew from the static script
    assert "701" in page.locator("#kpi-figures").inner_text()
    assert "701" in page.locator("#kpi-variation").inner_text()  # the table before the chart has the same figure
    axe_check(page, "KPI page with chart")
    page.goto("/periods/2023-24-q1/briefing/")
    assert "Health & Wellbeing" in page.content() or "Health &amp; Wellbeing" in page.content()
    axe_check(page, "briefing")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the briefing workbook (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        assert fh.read(2) == b"PK"


def test_the_quarter_journey(browser, live_server, sign_in, page, demo_users, axe_check):
    officer_fills_and_submits(page, sign_in, axe_check)
    page.context.clear_cookies()
    approver_approves(page, sign_in, axe_check)
    page.context.clear_cookies()
    cabinet_member_reads(page, sign_in, axe_check)
    assert page.console_errors == []


def test_keyboard_only_the_cabinet_member_reaches_the_briefing(page, sign_in, demo_users):
    """Sign in, then move through the header and the dashboard with Tab and Enter alone."""
    sign_in("cabinet")
    page.goto("/dashboard/")
    target = "/periods/2023-24-q1/briefing/"
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
        if href == target:
            break
    else:
        pytest.fail("The briefing link could not be reached with the Tab key")
    visible_focus = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle !== 'none' || "
        "getComputedStyle(document.activeElement).boxShadow !== 'none' || "
        "getComputedStyle(document.activeElement).backgroundColor !== 'rgba(0, 0, 0, 0)'"
    )
    assert visible_focus, "the focused link shows no focus indicator"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(target)
