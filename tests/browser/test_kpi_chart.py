"""The KPI chart in a real Chromium: the vendored plotly.js partial bundle draws the figure that
Python plotly wrote, under the CSP (scripts only from 'self'), with no console error."""
from pathlib import Path

import pytest

from tests.reporting.dashboard import test_kpi_page

housing_history = test_kpi_page.housing_history  # the fixture, shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDORED = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly" / "VERSION"


def test_the_kpi_chart_draws_two_scatter_traces_from_the_partial_bundle(page, sign_in, demo_users, housing_history, axe_check):
    page_errors, scripts = [], []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("response", lambda r: scripts.append(r.url) if r.request.resource_type == "script" else None)
    sign_in("cabinet")
    page.goto("/kpis/HOU-02/")

    chart = page.locator("#kpi-chart")
    chart.locator("svg.main-svg").first.wait_for(timeout=20000)
    assert chart.is_visible()
    assert any(url.endswith("/static/vendor/plotly/plotly-basic.min.js") for url in scripts), scripts
    assert not any("plotly.min.js" in url for url in scripts), scripts
    assert page.evaluate("window.Plotly.version") == VENDORED.read_text().strip()

    drawn = page.evaluate("""() => {
        const gd = document.getElementById('kpi-chart')
        return gd._fullData.map(t => ({name: t.name, type: t.type, mode: t.mode}))
    }""")
    assert drawn == [
        {"name": "Actual", "type": "scatter", "mode": "lines+markers"},
        {"name": "Target", "type": "scatter", "mode": "lines+markers"},
    ]
    traces = chart.locator(".scatterlayer .trace.scatter")
    assert traces.count() == 2
    # 610 and 655 (2023/24 Q1 has no figure yet); the 640 target for 2023/24 Q1 and Q2.
    assert [traces.nth(i).locator("path.point").count() for i in range(2)] == [2, 2]
    assert all(traces.nth(i).locator("path.js-line").count() >= 1 for i in range(2))  # and lines
    assert chart.locator(".legend .traces .legendtext").all_text_contents() == ["Actual", "Target"]
    assert "HOU-02" in chart.locator(".gtitle").text_content()

    axe_check(page, "KPI page with chart")
    assert page.console_errors == []
    assert page_errors == []
