"""The KPI page's chart (reporting/dashboard/charts.py): its data is the Variation table's own
kpis.spc result, passed once with json_script; the table comes before the chart; plotly.js is never
a script of the page itself (static/js/kpi-chart.js loads it when the chart nears the screen), and a
page without a chart loads no chart script at all."""
import datetime
import json
import re
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from kpis import spc
from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod
from tests.factories import approved_figures

# Mean 41.41, process limits 22.79 and 60.03: 70 is beyond the upper limit (HOU-02 is higher is
# better: an improvement), 10 beyond the lower (a concern); every other figure is common cause.
PLANTED = [40, 42, 41, 43, 40, 42, 41, 43, 40, 42, 41, 43, 70, 42, 41, 43, 10]


def plant(kpi, values):
    quarters = [(year, number) for year in range(2014, 2022) for number in range(1, 5)][:len(values)]
    figures = []
    for (year, number), value in zip(quarters, values):
        period = ReportingPeriod.objects.create(financial_year=year, number=number, state="closed")
        figures.append(Measurement.objects.create(
            kpi=kpi, period=period, value=Decimal(value), data_for=period.label,
            data_for_end=datetime.date(year + 1, 3, 31), rag_calculated="red",
        ))
    approved_figures(*figures)
    return [f.period.label for f in figures]


def chart_data(html):
    match = re.search(r'<script id="kpi-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart's data is passed with json_script"
    return json.loads(match.group(1))


def series(figure, name):
    """The y values of a named series, by x (its segments joined)."""
    found = {}
    for trace in figure["data"]:
        if trace["name"] == name:
            found.update(zip(trace["x"], trace["y"]))
    return found


@pytest.fixture
def planted(sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    return plant(hou02, PLANTED)


def test_the_charts_data_is_the_spc_result_the_variation_table_shows(client_for, planted):
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    figure = chart_data(html)
    labels = planted
    expected = spc.xmr(list(zip(labels, map(Decimal, PLANTED))), direction="higher")

    assert series(figure, "Figures") == dict(zip(labels, map(float, PLANTED)))
    for name, field in [("Average", "mean"), ("Upper process limit", "upper_limit"), ("Lower process limit", "lower_limit")]:
        assert series(figure, name) == {p.label: float(spc.rounded(getattr(p, field))) for p in expected.points}, name
    assert set(series(figure, "Average").values()) == {41.41}
    assert set(series(figure, "Upper process limit").values()) == {60.03}
    assert set(series(figure, "Lower process limit").values()) == {22.79}
    # the points beyond the limits, each kind of special cause its own marker shape, named in words
    improvement = next(t for t in figure["data"] if t["name"] == "Special cause: improvement")
    concern = next(t for t in figure["data"] if t["name"] == "Special cause: concern")
    assert (improvement["x"], improvement["y"]) == ([labels[12]], [70.0])
    assert (concern["x"], concern["y"]) == ([labels[16]], [10.0])
    assert improvement["marker"]["symbol"] != concern["marker"]["symbol"]
    assert not any(t["name"].startswith("Special cause: neither") for t in figure["data"])
    # and the table beside the chart says the same of the same rows, in words
    table = html[html.index('id="kpi-variation"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)[1:]
    causes = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1].strip() for row in rows]
    assert causes[12].startswith("Special cause: improvement")
    assert causes[16].startswith("Special cause: concern")
    assert [i for i, c in enumerate(causes) if c != "Common cause"] == [12, 16]
    assert "60.03" in rows[0] and "22.79" in rows[0] and "41.41" in rows[0]


def test_the_chart_is_a_valid_plotly_figure(client_for, planted):
    figure = chart_data(client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode())
    go.Figure(figure)  # plotly's own validators refuse a property plotly.js does not know
    assert [t["type"] for t in figure["data"]] == ["scatter"] * len(figure["data"])  # the only trace the bundle needs


def test_the_table_comes_before_the_chart_and_plotly_is_no_script_of_the_page(client_for, planted):
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    assert html.index('id="kpi-variation"') < html.index('id="kpi-chart"') < html.index('id="kpi-chart-data"')
    chart = re.search(r'<div id="kpi-chart"[^>]*>', html, re.S).group(0)
    assert 'role="img"' in chart and 'aria-label="Chart of ' in chart and "table before it" in chart
    assert 'data-plotly-src="/static/vendor/plotly/' in chart
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert not any("plotly" in src for src in scripts), scripts  # loaded by kpi-chart.js, after the page
    assert '<script src="/static/js/kpi-chart.js" defer></script>' in html


def test_fewer_than_13_figures_draw_a_run_chart_with_the_average_only(client_for, sefton):
    labels = plant(KPI.objects.get(code="HOU-02"), PLANTED[:9])
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    figure = chart_data(html)
    names = {t["name"] for t in figure["data"]}
    assert {"Figures", "Average"} <= names and not any("limit" in n or "Special cause" in n for n in names)
    assert series(figure, "Figures") == dict(zip(labels, map(float, PLANTED[:9])))
    assert "not enough figures yet (9 of 13)" in figure["layout"]["title"]["text"]
    chart = re.search(r'<div id="kpi-chart"[^>]*>', html, re.S).group(0)
    assert "not enough figures yet (9 of 13)" in chart


def test_a_page_without_a_chart_loads_no_chart_script(client_for, sefton):
    html = client_for("cabinet").get(reverse("kpi", args=["PLA-01"])).content.decode()  # a milestone KPI
    assert "kpi-chart" not in html and "plotly" not in html
    html = client_for("cabinet").get(reverse("dashboard")).content.decode()
    assert "kpi-chart" not in html and "plotly" not in html
