"""The KPI chart in a real Chromium: plotly.js is not loaded with the page but when the chart nears
the screen (after its table, which comes first), and then the vendored partial bundle draws the
figure made in Python, under the CSP (scripts only from 'self'), with no console error."""
from pathlib import Path

import pytest

from tests.reporting.dashboard import test_kpi_page

housing_history = test_kpi_page.housing_history  # the fixture, shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDORED = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly" / "VERSION"


def test_the_kpi_chart_is_drawn_after_its_table_when_it_nears_the_screen(page, sign_in, demo_users, housing_history, axe_check):
    page_errors, scripts = [], []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("response", lambda r: scripts.append(r.url) if r.request.resource_type == "script" else None)
    sign_in("cabinet")
    page.set_viewport_size({"width": 1280, "height": 400})  # the chart starts well below the screen
    page.goto("/kpis/HOU-02/", wait_until="load")
    page.wait_for_timeout(500)

    chart = page.locator("#kpi-chart")
    # the table of the chart's figures comes before the chart, for a screen reader as on the screen
    assert page.evaluate("""() => {
        const table = document.getElementById('kpi-variation'), chart = document.getElementById('kpi-chart')
        return Boolean(table.compareDocumentPosition(chart) & Node.DOCUMENT_POSITION_FOLLOWING)
    }""")
    assert chart.get_attribute("role") == "img" and "table before it" in chart.get_attribute("aria-label")
    # not yet near the screen: no plotly.js loaded, nothing drawn, its room already kept
    assert not any("/vendor/plotly/" in url for url in scripts), scripts
    assert page.evaluate("typeof window.Plotly") == "undefined"
    assert chart.locator("svg.main-svg").count() == 0
    assert chart.bounding_box()["height"] == 420

    chart.scroll_into_view_if_needed()
    chart.locator("svg.main-svg").first.wait_for(timeout=20000)
    page.wait_for_selector("#kpi-chart[data-drawn]")
    assert chart.is_visible()
    assert any(url.endswith("/static/vendor/plotly/plotly-scatter.min.js") for url in scripts), scripts
    assert not any("plotly.min.js" in url for url in scripts), scripts
    assert page.evaluate("window.Plotly.version") == VENDORED.read_text().strip()
    assert page.evaluate("Object.keys(window.Plotly.PlotSchema.get().traces)") == ["scatter"]  # the one trace drawn

    drawn = page.evaluate("""() => {
        const gd = document.getElementById('kpi-chart')
        return gd._fullData.map(t => ({name: t.name, type: t.type, mode: t.mode}))
    }""")
    assert drawn == [
        {"name": "Figures", "type": "scatter", "mode": "lines+markers"},
        {"name": "Target", "type": "scatter", "mode": "lines+markers"},
        {"name": "Average", "type": "scatter", "mode": "lines"},
        # the year the latest figure is for: its trajectory, and its forecast at the year's end
        {"name": "Trajectory for 2022/23", "type": "scatter", "mode": "lines+markers"},
        {"name": "Forecast at year end (computed projection)", "type": "scatter", "mode": "markers"},
    ]
    traces = chart.locator(".scatterlayer .trace.scatter")
    assert traces.count() == 5
    # 610 and 655 (2023/24 Q1 has no figure yet, so is not on the chart); the one target (640, for
    # 2022/23) marked though it has no line; lines for all three
    assert traces.nth(0).locator("path.point").count() == 2
    assert traces.nth(1).locator("path.point").count() == 1
    assert all(traces.nth(i).locator("path.js-line").count() >= 1 for i in range(3))
    assert chart.locator(".legend .traces .legendtext").all_text_contents() == [
        "Figures", "Target", "Average", "Trajectory for 2022/23", "Forecast at year end (computed projection)"]
    assert "not enough figures yet (2 of 13)" in chart.locator(".gtitle").text_content()
    assert chart.bounding_box()["height"] == 420  # drawn in the room kept for it: nothing moved

    axe_check(page, "KPI page with chart")
    assert page.console_errors == []
    assert page_errors == []
