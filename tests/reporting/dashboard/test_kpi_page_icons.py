"""The KPI page: Making Data Count's icons beside the Variation verdicts (always with their words); the
chart's trajectory for the year and its forecast at the year's end, and a marker where each change
of process was recorded; a contextual KPI's variation with no assurance."""
import re
from decimal import Decimal

from django.urls import reverse

from kpis.models import KPI, ChangeOfProcess, Measurement
from tests.reporting.dashboard.test_kpi_chart_data import PLANTED, chart_data, plant


def verdicts(html):
    start = html.index('id="variation-verdict"')
    return html[start:html.index("</dl>", start)]


def test_the_variation_verdicts_have_their_icons_beside_their_words(client_for, sefton):
    plant(KPI.objects.get(code="HOU-02"), PLANTED)
    part = verdicts(client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode())
    # the latest figure (10) is below the lower limit of a higher-is-better KPI: a concern, arrow down
    assert re.search(r'<svg[^>]*aria-hidden="true"[^>]*>.*?</svg><span class="app-mdc__words">Special cause variation: concerning</span>',
                     part, re.S)
    assert part.count("<svg") == 1  # no target for the latest figure: the assurance is words, no icon
    assert "No verdict: there is no target for the latest figure" in part


def test_a_contextual_kpis_page_shows_its_variation_and_no_rag_or_assurance(client_for, sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    hou02.kind = KPI.Kind.CONTEXTUAL
    hou02.save()
    plant(hou02, PLANTED)
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    part = verdicts(html)
    assert "Special cause variation: concerning" in part
    assert "Contextual: not judged against a target" in part and part.count("<svg") == 1
    figures = html[html.index('id="kpi-figures"'):html.index("</table>", html.index('id="kpi-figures"'))]
    assert not re.search(r">(Red|Amber|Green)<", figures)


def test_the_chart_marks_each_change_of_process(client_for, sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    labels = plant(hou02, PLANTED)
    figure = Measurement.objects.filter(kpi=hou02, value__isnull=False).order_by("period_key")[5]
    ChangeOfProcess.objects.create(kpi=hou02, period=figure.period, reason="A new survey method")
    chart = chart_data(client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode())
    shapes, notes = chart["layout"]["shapes"], chart["layout"]["annotations"]
    assert [(s["x0"], s["x1"], s["yref"]) for s in shapes] == [(labels[5], labels[5], "paper")]
    assert [(n["x"], n["text"]) for n in notes] == [(labels[5], "Change of process")]


def test_the_chart_draws_the_years_trajectory_and_its_forecast(client_for, sefton):
    """HOU-02 with figures for 2023/24 Q1 and Q2, its 2023/24 target 640 profiled linearly from a
    baseline of 600: the chart's trajectory is the page's trajectory table, to the year's end."""
    import datetime

    from kpis.models import Target
    from objectives.models import ReportingPeriod
    from tests.factories import approved_figures

    hou02 = KPI.objects.get(code="HOU-02")
    Target.objects.filter(kpi=hou02, financial_year=2023).delete()
    Target.objects.create(kpi=hou02, financial_year=2023, kind=Target.Kind.CORPORATE, value=Decimal(640), is_primary=True,
                          profile="linear", baseline=Decimal(600))
    Measurement.objects.filter(kpi=hou02).delete()
    approved_figures(*[
        Measurement.objects.create(kpi=hou02, period=ReportingPeriod.objects.get(slug=slug), value=Decimal(value),
                                   data_for_end=datetime.date(2023, 3 + 3 * n, 30), rag_calculated="green")
        for n, (slug, value) in enumerate([("2023-24-q1", 612), ("2023-24-q2", 618)], start=1)])
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    chart = chart_data(html)
    trajectory = next(t for t in chart["data"] if t["name"].startswith("Trajectory for"))
    assert trajectory["name"] == "Trajectory for 2023/24"
    assert trajectory["x"] == ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4"]
    assert trajectory["y"] == [610.0, 620.0, 630.0, 640.0]
    forecast = next(t for t in chart["data"] if t["name"].startswith("Forecast at year end"))
    assert forecast["x"] == ["2023/24 Q4"] and "(" in forecast["name"]
    axis = chart["layout"]["xaxis"]["categoryarray"]
    assert axis == sorted(axis)  # quarters in time order, the trajectory's after the figures'
    table = html[html.index('id="kpi-trajectory"'):html.index("</table>", html.index('id="kpi-trajectory"'))]
    for value in ("610", "620", "630", "640"):
        assert value in table
