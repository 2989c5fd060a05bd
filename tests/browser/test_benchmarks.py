"""Benchmarks in a real Chromium: the coordinator imports an LG Inform-style CSV through the upload,
the preview and the confirmation, and the KPI page shows the comparison with similar councils, its
table first and then its chart (drawn by the vendored plotly under the CSP); every new page clean by
axe-core at 1280 and 375 pixels wide."""
import os

import pytest

from tests.reporting.benchmarks.support import lg_inform_csv, north_west_metropolitan_districts, the_council

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 375)


def shot(page, name):
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], name), full_page=True)


def each_width(page, axe_check, label):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        axe_check(page, f"{label} at {width} px")
        shot(page, f"benchmarks-{label.replace(' ', '-')}-{width}.png")


def test_a_benchmark_is_imported_and_compared_on_the_kpi_page(page, sign_in, demo_users, axe_check, tmp_path):
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    group = north_west_metropolitan_districts()
    council = the_council()
    members = list(group.members.order_by("code"))
    rows = [[la.gss_code, la.short_name, "2022/23", str(50 + i * 1.5)] for i, la in enumerate(members)]
    rows += [["E92000001", "England", "2022/23", "60.1"]]
    csv_file = tmp_path / "lginform-hw04.csv"
    csv_file.write_bytes(lg_inform_csv(rows))

    sign_in("coordinator")
    page.goto("/benchmarks/")
    each_width(page, axe_check, "list")
    page.get_by_role("link", name="Import benchmark data").first.click()
    page.get_by_role("heading", name="Import benchmark data").wait_for()
    each_width(page, axe_check, "import")
    page.get_by_label("KPI").select_option("HW-04")
    page.get_by_label("The CSV file").set_input_files(str(csv_file))
    page.get_by_label("Source").fill("LG Inform: a test metric")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Upload and check the figures").click()
    page.get_by_role("heading", name="Check the benchmark data before saving").wait_for()
    assert "1 row for areas that are not councils" in page.content()
    each_width(page, axe_check, "preview")
    page.get_by_role("button", name="Save the benchmark data").click()
    page.get_by_role("heading", name="Educational development").wait_for()

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        chart = page.locator("#benchmark-chart")
        assert page.evaluate("""() => {
            const table = document.getElementById('comparison-table'), chart = document.getElementById('benchmark-chart')
            return Boolean(table.compareDocumentPosition(chart) & Node.DOCUMENT_POSITION_FOLLOWING)
        }""")  # the chart's table first
        chart.scroll_into_view_if_needed()
        page.wait_for_selector("#benchmark-chart[data-drawn]", timeout=20000)
        drawn = page.evaluate("() => document.getElementById('benchmark-chart')._fullData.map(t => [t.name, t.y.length])")
        assert drawn[:2] == [["Other councils of the group", len(members) - 1], [f"{council.short_name} (the council)", 1]]
        assert [name for name, _ in drawn[2:]] == ["The group's median", "Lower and upper quartiles"]
        axe_check(page, f"KPI page with the comparison at {width} px")
        page.locator("#compared").scroll_into_view_if_needed()
        shot(page, f"benchmarks-kpi-page-{width}.png")
    assert page.console_errors == [] and page_errors == []
