"""The KPI page: a Plotly chart of the figures against target (and their variation: test_kpi_chart_data.py), the same
numbers as a table, the data lag in words."""
import datetime
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.dashboard.charts import kpi_chart
from reporting.models import QuarterlyReturn
from reporting.dashboard.pages import kpi_page
from tests.factories import approved_figures

MARKER = "ZZDRAFTONLY"


@pytest.fixture
def housing_history(sefton):
    """HOU-02 over three quarters: 2022/23 Q4 published (610), 2023/24 Q1 (the seed: not yet available),
    2023/24 Q2 approved (655); and a draft Q3 figure that readers must never see."""
    hou02 = KPI.objects.get(code="HOU-02")
    housing = SubStrand.objects.get(slug="housing")
    q4 = ReportingPeriod.objects.create(financial_year=2022, number=4, state="published")
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    q3 = ReportingPeriod.objects.get(slug="2023-24-q3")
    QuarterlyReturn.objects.create(sub_strand=housing, period=q4, state="published", overall_rag="amber")
    QuarterlyReturn.objects.create(sub_strand=housing, period=q2, state="approved", overall_rag="green")
    QuarterlyReturn.objects.create(sub_strand=housing, period=q3, state="draft", overall_rag="red", commentary=MARKER)
    approved_figures(Measurement.objects.create(kpi=hou02, period=q4, value=Decimal("610"), data_for="2021/22",
                                        data_for_end=datetime.date(2022, 3, 31), rag_calculated="red"),
             Measurement.objects.create(kpi=hou02, period=q2, value=Decimal("655"), data_for="2022/23",
                                        data_for_end=datetime.date(2023, 3, 31), rag_calculated="green"))
    Measurement.objects.create(kpi=hou02, period=q3, value=Decimal("424242"), data_for=MARKER, rag_calculated="red")
    return hou02


def test_kpi_page_draws_actual_against_target_from_json_script_with_a_table_beside_it(client_for, housing_history):
    response = client_for("cabinet").get(reverse("kpi", args=["HOU-02"]))
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<script id="kpi-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart's data is passed with json_script"
    figure = json.loads(match.group(1))
    figures, target, average, trajectory, _forecast = figure["data"]  # two figures: a run chart, its average and no limits
    assert trajectory["name"] == "Trajectory for 2022/23"  # the year the latest figure is for, to its end
    assert figure["layout"]["xaxis"]["categoryarray"] == ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q2"]
    assert [figures["name"], target["name"], average["name"]] == ["Figures", "Target", "Average"]
    assert figures["x"] == ["2022/23 Q4", "2023/24 Q2"]  # the chart is of the figures; 2023/24 Q1 has none yet
    assert figures["y"] == [610.0, 655.0]
    assert target["y"] == [None, 640.0]  # no target for 2021/22; Local Plan 640 for 2022/23
    assert target["marker"]["size"] == [0, 14]  # a target alone, no line to draw, is marked by a bar
    assert average["y"] == [632.5, 632.5]
    table = html[html.index('id="kpi-figures"'):]
    table = table[:table.index("</table>")]
    assert "<caption" in table
    for number in ["610", "655", "640 (Local Plan requirement)"]:
        assert number in table
    assert "Not yet available" in table
    assert "Calendar year" not in table
    assert "2022/23 figure, reported in 2023/24 Q2" in table
    assert "2021/22 figure, reported in 2022/23 Q4" in table


def test_plotly_is_served_from_our_static_files_and_no_script_is_inline(client_for, housing_history):
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, body in scripts:
        if 'type="application/json"' in attrs:
            continue
        assert 'src="' in attrs and not body.strip(), f"inline script: {attrs} {body[:80]}"
        assert "//" not in attrs.split('src="')[1].split('"')[0], "no script from another origin (no CDN)"
    assert 'data-plotly-src="/static/vendor/plotly/plotly-scatter.min.js"' in html  # loaded by kpi-chart.js
    assert "plotly.min.js" not in html  # the partial bundle, not all of plotly.js
    assert '<script src="/static/js/kpi-chart.js" defer></script>' in html
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html)  # no inline event handlers
    plotly = finders.find("vendor/plotly/plotly-scatter.min.js")
    assert plotly and open(plotly, encoding="utf-8").read(200).lstrip().startswith("/**")
    assert finders.find("vendor/plotly/plotly.min.js") is None  # the full bundle is not vendored
    script = open(finders.find("js/kpi-chart.js"), encoding="utf-8").read()
    assert "Plotly.newPlot" in script and "kpi-chart-data" in script
    assert "'self'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]


def test_the_vendored_plotly_js_draws_the_figures_that_python_plotly_writes():
    """The figures are checked by the Python plotly package's validators, written for the plotly.js
    it bundles; the partial bundle we serve (tools/frontend/build.sh: the scatter trace only, the
    only one the chart draws; tests/browser/test_kpi_chart.py) must be the same major version."""
    from plotly.offline import get_plotlyjs_version

    vendored = open(finders.find("vendor/plotly/VERSION"), encoding="utf-8").read().strip()
    header = open(finders.find("vendor/plotly/plotly-scatter.min.js"), encoding="utf-8").read(200)
    assert f"plotly.js (scatter - minified) v{vendored}\n" in header
    assert vendored.split(".")[0] == get_plotlyjs_version().split(".")[0], (
        f"static/vendor/plotly is plotly.js {vendored} but Python plotly writes figures for "
        f"plotly.js {get_plotlyjs_version()}: re-pin plotly.js in tools/frontend/package.json"
    )
    assert finders.find("vendor/plotly/LICENSE")


def test_the_data_lag_is_spelled_out(client_for, sefton):
    html = client_for("cabinet").get(reverse("kpi", args=["TOU-01"])).content.decode()
    assert "Calendar year 2022 figure, reported in 2023/24 Q1" in html
    assert "Not yet available" in html


def test_a_reader_never_sees_a_draft_figure(client_for, housing_history):
    for reader in ("cabinet", "scrutiny"):
        html = client_for(reader).get(reverse("kpi", args=["HOU-02"])).content.decode()
        assert MARKER not in html and "424242" not in html and "424,242" not in html
        assert "2023/24 Q3" not in html


def test_the_economy_cell_sees_a_draft_figure_labelled(client_for, housing_history):
    html = client_for("coordinator").get(reverse("kpi", args=["HOU-02"])).content.decode()
    assert "424,242" in html and "Not yet approved" in html


def test_a_milestone_kpi_has_a_table_and_no_chart(client_for, sefton):
    response = client_for("cabinet").get(reverse("kpi", args=["PLA-01"]))
    html = response.content.decode()
    assert response.context["chart_figure"] is None
    assert "kpi-chart" not in html and "vendor/plotly/" not in html
    assert "milestone KPI, so it has no chart" in html
    assert "Achieved" in html


def test_chart_builder_is_plain_python(housing_history, demo_users):
    page = kpi_page(user=demo_users["approver"], code="HOU-02")
    figure = kpi_chart(page)
    assert [t["name"] for t in figure["data"]][:3] == ["Figures", "Target", "Average"]
    assert any(t["name"].startswith("Trajectory for ") for t in figure["data"])  # the year of the draft the approver sees
    assert len(figure["data"][0]["x"]) == 3  # the approver also sees the draft quarter's figure
    assert figure["layout"]["title"]["text"] == "HOU-02 Net additional dwellings per annum: not enough figures yet (3 of 13)"
    assert json.loads(json.dumps(figure)) == figure  # plain data, as json_script writes it


def test_unknown_kpi_is_a_404_and_needs_a_login(client_for, sefton):
    from django.test import Client

    assert client_for("cabinet").get("/kpis/NOPE-99/").status_code == 404
    assert Client().get(reverse("kpi", args=["HOU-02"])).status_code == 302
