"""What each KPI's figures say (reporting.kpi_summaries), in every output that carries it: the read
API's KPI, the open data's KPIs file and the briefing workbook's KPI sheet say the same variation,
assurance, freshness and two statuses as the KPI page's own functions (kpis.spc, kpis.freshness,
kpis.outlook), from the figures their audience may see."""
import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from django.utils import timezone

from kpis import spc
from kpis.freshness import add_months
from kpis.models import KPI, ChangeOfProcess, Measurement, Target
from kpis.services import freeze_measurement
from objectives import cadence as cadences
from objectives.models import ReportingPeriod, SubStrand
from reporting.workbooks.export import build_briefing_workbook, sheet_name, workbook_bytes
from tests.reporting.api import conftest as api_fixtures

api_for, token_for = api_fixtures.api_for, api_fixtures.token_for  # a client with a demo user's API token

pytestmark = pytest.mark.django_db

# 14 figures, the last far below the lower process limit: a special cause, concerning for a KPI where higher is better.
BELOW_LIMIT = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 102, 98, 100, 60]
STEADY = [100, 102, 98] * 4 + [100]  # 13 figures, common cause: limits 92.91 to 107.09
TARGET = Decimal(90)
FORECAST = Decimal(95)


def quarters_to_now(count):
    """`count` published quarters of Sefton's strategy, ending with the one today is in, oldest first."""
    today = timezone.localdate()
    fy = today.year if today.month >= 4 else today.year - 1
    q = (today.month - 4) % 12 // 3 + 1
    wanted = []
    for _ in range(count):
        wanted.append((fy, q))
        fy, q = cadences.before(fy, q)
    strategy = SubStrand.objects.get(slug="housing").objective.strategy
    periods = []
    for fy, q in reversed(wanted):
        period, _ = ReportingPeriod.objects.get_or_create(strategy=strategy, financial_year=fy, number=q,
                                                          defaults={"state": "published"})
        period.state = "published"
        period.save()
        periods.append(period)
    return periods


def plant(code, values, *, kind=KPI.Kind.TARGETED, approved=None, forecast=None):
    """A housing KPI with a figure a quarter ending this quarter, a target of 90 this year; the figures
    approved (frozen, as approving their return does) except those `approved` says not."""
    kpi = KPI.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), code=code, title=f"Planted {code}",
                             kind=kind, direction="higher", unit="number", cadence="quarterly", order=90)
    periods = quarters_to_now(len(values))
    Target.objects.create(kpi=kpi, financial_year=periods[-1].financial_year, value=TARGET, is_primary=True,
                          kind=Target.Kind.CORPORATE)
    figures = []
    for i, (period, value) in enumerate(zip(periods, values)):
        m = Measurement(kpi=kpi, period=period, value=Decimal(value), data_for=period.label)
        if i == len(values) - 1 and forecast is not None:
            m.forecast_value, m.forecast_reason = forecast, "Two large sites complete in March."
        if approved is None or approved[i]:
            freeze_measurement(m)
        m.save()
        figures.append(m)
    return kpi, periods, figures


def api_kpi(client, code):
    [found] = client.get(f"/api/v1/kpis/?code={code}").json()["results"]
    assert client.get(f"/api/v1/kpis/{found['id']}/").json() == found  # one KPI says what the list says
    return found


def open_data_rows():
    response = Client().get("/public/data/kpis.csv")
    assert response.status_code == 200
    return {row["kpi_code"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}


def workbook_row(period, user, code):
    """{heading: value} of the KPI's row on its objective's KPI sheet of the briefing workbook."""
    wb = load_workbook(io.BytesIO(workbook_bytes(build_briefing_workbook(period=period, user=user))))
    kpi = KPI.objects.select_related("sub_strand__objective").get(code=code)
    ws = wb[sheet_name(kpi.sub_strand.objective)]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Variation" in r)
    row = next(r for r in rows if r and r[0] == code)
    return dict(zip(header, row))


def test_the_api_the_open_data_and_the_workbook_say_the_same_of_a_kpi(sefton, demo_users, api_for):
    kpi, periods, figures = plant("HOU-90", BELOW_LIMIT, forecast=FORECAST)
    chart = spc.xmr([(f.period.label, f.value) for f in figures], direction="higher", target=TARGET)
    assert chart.variation is spc.Variation.CONCERNING  # the planted special cause
    due = add_months(periods[-1].end_date, 3)

    api = api_kpi(api_for("cabinet"), "HOU-90")
    assert api["variation"] == "concerning"
    assert api["variation_words"] == "Special cause variation: concerning" == chart.variation_words
    assert api["variation_figures"] == 14
    assert api["assurance"] == chart.assurance.value
    assert api["assurance_words"] == chart.assurance_words
    assert api["next_figure_due"] == due.isoformat()
    assert api["stale"] is False and api["freshness"] == "due"
    assert api["status_now"] == "red" and api["status_now_label"] == "Red"  # 60 against 90
    assert api["status_year_end"] == "green" and api["forecast_by"] == "officer"  # the officer's 95 against 90
    assert api["year_end_forecast"] == 95
    assert api["outlook_words"] == "Red now, forecast Green at year end (the officer's forecast)"

    data = open_data_rows()["HOU-90"]
    assert data["variation"] == api["variation"] and data["variation_words"] == api["variation_words"]
    assert data["variation_figures"] == "14"
    assert data["assurance"] == api["assurance"] and data["assurance_words"] == api["assurance_words"]
    assert data["next_figure_due"] == api["next_figure_due"] and data["stale"] == "false"
    assert (data["status_now"], data["status_year_end"], data["forecast_by"]) == ("Red", "Green", "officer")
    assert data["outlook_words"] == api["outlook_words"]

    listed = {f["reported_in"]: f for f in api_for("cabinet").get("/api/v1/figures/?kpi=HOU-90&page_size=100").json()["results"]}
    assert len(listed) == 14
    last, first = listed[periods[-1].slug], listed[periods[0].slug]
    assert (last["special_cause"], last["special_cause_words"]) == ("concern", "Special cause: concern")
    # the 60 pulls the mean down to 97.14: the 13 figures before it are a shift above it
    assert (first["special_cause"], first["special_cause_words"]) == ("improvement", "Special cause: improvement")
    published = [r for r in csv.DictReader(io.StringIO(Client().get("/public/data/figures.csv").content.decode("utf-8-sig")))
                 if r["kpi_code"] == "HOU-90"]
    assert [(r["special_cause"], r["special_cause_words"]) for r in published] == [
        (listed[p.slug]["special_cause"], listed[p.slug]["special_cause_words"]) for p in periods]

    cells = workbook_row(periods[-1], demo_users["cabinet"], "HOU-90")
    assert cells["Variation"] == api["variation_words"]
    assert cells["Assurance"] == api["assurance_words"]
    assert cells["Next figure due"].date() == due and cells["Stale"] == "No"
    assert (cells["Status now"], cells["Forecast at year end"], cells["Forecast by"]) == (
        "Red", "Green", "the officer's forecast")


def test_a_contextual_kpi_shows_its_variation_and_no_rag_status_anywhere(sefton, demo_users, api_for):
    _, periods, _ = plant("HOU-91", [5, 7, 6], kind=KPI.Kind.CONTEXTUAL)
    api = api_kpi(api_for("cabinet"), "HOU-91")
    assert (api["variation"], api["variation_words"]) == ("not_enough_figures", "not enough figures yet (3 of 13)")
    assert api["assurance"] is None and api["assurance_words"] is None  # never judged against a target
    assert api["status_now"] is None and api["status_year_end"] is None and api["forecast_by"] is None
    assert api["outlook_words"] is None
    data = open_data_rows()["HOU-91"]
    assert data["variation_words"] == "not enough figures yet (3 of 13)"
    assert data["status_now"] == data["status_year_end"] == data["forecast_by"] == ""
    cells = workbook_row(periods[-1], demo_users["cabinet"], "HOU-91")
    assert cells["Variation"] == "not enough figures yet (3 of 13)"
    assert cells["Status now"] == cells["Forecast at year end"] == "Contextual: not rated"
    assert cells["Forecast by"] in ("", None)


def test_a_contextual_kpi_with_13_figures_has_its_variation_and_no_assurance(sefton, api_for):
    plant("HOU-94", BELOW_LIMIT, kind=KPI.Kind.CONTEXTUAL)  # its target of 90 is there, but it is never judged against it
    api = api_kpi(api_for("cabinet"), "HOU-94")
    assert api["variation"] == "concerning"
    assert api["assurance"] is None and api["assurance_words"] is None
    assert api["status_now"] is None and api["status_year_end"] is None
    assert open_data_rows()["HOU-94"]["assurance"] == ""


def test_a_draft_figure_never_moves_a_readers_verdict(sefton, demo_users, api_for):
    """A draft that would be a special cause: the Economy Cell sees it concerning; a reader's token, the
    open data and a reader's workbook see the approved figures only: common cause."""
    _, periods, _ = plant("HOU-92", [*STEADY, 60], approved=[True] * 13 + [False])
    assert api_kpi(api_for("coordinator"), "HOU-92")["variation"] == "concerning"
    reader = api_kpi(api_for("cabinet"), "HOU-92")
    assert (reader["variation"], reader["variation_words"]) == ("common_cause", "Common cause variation: no significant change")
    assert reader["variation_figures"] == 13
    assert open_data_rows()["HOU-92"]["variation"] == "common_cause"
    [figure] = [f for f in api_for("cabinet").get("/api/v1/figures/?kpi=HOU-92&page_size=100").json()["results"]
                if f["reported_in"] == periods[-2].slug]
    assert figure["special_cause"] == "common_cause"
    assert workbook_row(periods[-1], demo_users["cabinet"], "HOU-92")["Variation"] == reader["variation_words"]
    assert workbook_row(periods[-1], demo_users["coordinator"], "HOU-92")["Variation"] == (
        "Special cause variation: concerning")


def test_a_change_of_process_recalculates_the_limits_in_the_outputs_as_on_the_kpi_page(sefton, demo_users, api_for):
    """Figures that step up for good: a special cause on one chart, common cause once the coordinator records
    the change of process where they stepped up (the limits recalculated from there, as the KPI page does)."""
    kpi, periods, figures = plant("HOU-93", [10, 13] * 4 + [20, 23] * 4)
    before = api_kpi(api_for("cabinet"), "HOU-93")
    assert before["variation"] == "improving"
    ChangeOfProcess.objects.create(kpi=kpi, period=periods[8], reason="Counted from the new monitoring system.")
    after = api_kpi(api_for("cabinet"), "HOU-93")
    assert after["variation"] == "common_cause"
    assert open_data_rows()["HOU-93"]["variation"] == "common_cause"


def test_a_milestone_has_no_variation_and_a_stale_figure_says_so(sefton, api_for):
    found = {k["code"]: k for k in api_for("cabinet").get("/api/v1/kpis/?page_size=1000").json()["results"]}
    milestone = next(k for k in found.values() if k["kind"] == "milestone")
    assert milestone["variation"] is None and milestone["assurance"] is None and milestone["status_now"] is None
    stale = [k for k in found.values() if k["stale"]]  # Sefton's 2023/24 Q1 figures are years old now
    assert stale and all(k["freshness_words"].startswith("Stale: the latest figure is for ") for k in stale)


def test_the_api_lists_kpis_in_the_same_queries_at_two_sizes_of_council(sefton, demo_users, api_for):
    """No query per KPI for what its figures say: the same count for Sefton grown twice (13 periods of figures
    at the end, so that the larger council's KPIs have full XmR charts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reporting.dashboard.test_dashboard_queries import grow

    clients = {name: api_for(name) for name in ("cabinet", "coordinator")}
    for client in clients.values():
        client.get("/api/v1/periods/")  # the token's "last used" is written on its first use

    def measure():
        counts = {}
        for name, client in clients.items():
            client.get("/api/v1/kpis/?page_size=1000")  # what requests share, read again since the data changed
            with CaptureQueriesContext(connection) as captured:
                body = client.get("/api/v1/kpis/?page_size=1000").json()
            counts[name] = len(captured)
        return counts, body["count"]

    grow(objectives=1, subs_per_objective=2, kpis_per_sub=2, periods=3)
    small, small_count = measure()
    grow(objectives=2, subs_per_objective=3, kpis_per_sub=4, periods=6)
    large, large_count = measure()
    assert large_count > small_count + 20
    assert large == small, (small, large)
    assert max(small.values()) <= 10, small  # a reader: one more, the strategies they read


def test_the_kpis_file_with_every_field_filled_validates_against_its_data_dictionary(sefton, tmp_path):
    from tests.reporting.public.test_open_data import download, validate

    plant("HOU-90", BELOW_LIMIT, forecast=FORECAST)
    plant("HOU-91", [5, 7, 6], kind=KPI.Kind.CONTEXTUAL)
    download(Client(), tmp_path)
    valid, errors = validate(tmp_path)
    assert valid, errors
    row = next(r for r in csv.DictReader(io.StringIO((tmp_path / "kpis.csv").read_text("utf-8-sig")))
               if r["kpi_code"] == "HOU-90")
    assert all(row[name] != "" for name in ("variation", "assurance", "next_figure_due", "status_now", "status_year_end",
                                            "year_end_forecast", "forecast_by", "outlook_words"))


def test_the_openapi_document_describes_each_new_field_of_a_kpi(sefton, api_for):
    import json

    from reporting.api.serializers import SUMMARY_FIELDS

    document = json.loads(api_for("cabinet").get("/api/v1/openapi.json").content)
    kpi = document["components"]["schemas"]["Kpi"]
    assert set(SUMMARY_FIELDS) <= set(kpi["required"])
    for name in ("variation", "variation_words", "assurance", "assurance_words", "next_figure_due", "stale",
                 "status_now", "status_year_end", "forecast_by", "year_end_forecast", "outlook_words"):
        assert len(kpi["properties"][name].get("description", "")) > 40, name
    assert kpi["properties"]["next_figure_due"]["format"] == "date"
    enums = document["components"]["schemas"]
    assert enums["VariationEnum"]["enum"] == ["not_enough_figures", "common_cause", "improving", "concerning", "neither"]
    assert enums["AssuranceEnum"]["enum"] == ["passing", "hit_or_miss", "failing"]
    assert enums["ForecastByEnum"]["enum"] == ["officer", "computed"]


def test_the_api_says_what_the_kpi_page_says(sefton, client_for, api_for):
    """One answer: the KPI page (the same reader) shows the API's variation, assurance and freshness words."""
    from django.urls import reverse
    from django.utils.html import escape

    plant("HOU-90", BELOW_LIMIT, forecast=FORECAST)
    api = api_kpi(api_for("cabinet"), "HOU-90")
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-90"])).content.decode()
    for words in (api["variation_words"], api["assurance_words"], api["freshness_words"]):
        assert escape(words) in html, words
