"""The comparison with similar councils in the outputs that are not pages (the open data, where the
licence is open; the briefing's appendix; the workbook's KPI sheets) and in what needs attention
(bottom quartile and worsening)."""
import csv
import io

from django.core.cache import cache

from kpis.benchmarks import comparison_of
from kpis.models import KPI, Benchmark, BenchmarkFigure
from objectives.models import ReportingPeriod
from reporting.models import Briefing
from reporting.workbooks.export import build_briefing_workbook, sheet_name
from tests.reporting.benchmarks.support import the_council


def _kpis_csv(client):
    body = client.get("/public/data/kpis.csv").content.decode("utf-8-sig")
    return {row["kpi_code"]: row for row in csv.DictReader(io.StringIO(body))}


def test_the_open_data_gives_the_comparison_only_under_an_open_licence(benchmarked):
    from django.test import Client

    found = comparison_of(KPI.objects.get(code="HW-04"))
    row = _kpis_csv(Client())["HW-04"]
    assert (row["benchmark_rank"], row["benchmark_of"], row["benchmark_quartile"]) == (
        str(found.rank), str(found.of), str(found.quartile))
    assert row["benchmark_period"] == "2022/23" and row["benchmark_licence"] == "Open Government Licence v3.0"
    Benchmark.objects.filter(kpi__code="HW-04").update(licence="not-open")
    cache.clear()
    row = _kpis_csv(Client())["HW-04"]
    assert row["benchmark_rank"] == "" and row["benchmark_source"] == ""


def test_the_open_data_with_comparisons_validates_against_its_data_dictionary(benchmarked, tmp_path):
    from django.test import Client

    from tests.reporting.public.test_open_data import download, validate
    from tests.reporting.risks.paper_helpers import a_risk, reviewed

    # A published risk review: Frictionless cannot read a JSON file of no rows (risks.json would be "[]").
    reviewed(a_risk("SR1"), "2023-24-q1", 3, 3, state="published")
    download(Client(), tmp_path)
    valid, errors = validate(tmp_path)
    assert valid, errors


def test_the_briefing_appendix_and_the_workbook_say_where_the_council_stands(benchmarked, client_for, demo_users):
    found = comparison_of(KPI.objects.get(code="HW-04"))
    line = f"Compared with North West metropolitan districts (2022/23): {found.words}"
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    Briefing.objects.filter(period=period).update(include_kpi_appendix=True)
    cache.clear()
    page = client_for("coordinator").get(f"/periods/{period.slug}/briefing/?annex=1").content.decode()
    assert line.replace("'", "&#x27;") in page
    wb = build_briefing_workbook(period=period, user=demo_users["coordinator"])
    kpi = KPI.objects.select_related("sub_strand__objective").get(code="HW-04")
    ws = wb[sheet_name(kpi.sub_strand.objective)]
    cells = [str(c.value) for r in ws.iter_rows() for c in r if c.value]
    assert any(c.startswith(f"North West metropolitan districts, 2022/23: {found.words}") for c in cells)


def test_bottom_quartile_and_worsening_is_a_rule_of_what_needs_attention(benchmarked, client_for):
    council = the_council()
    BenchmarkFigure.objects.filter(benchmark__kpi__code="HW-01", authority=council, period="2022/23").update(value=35)
    found = comparison_of(KPI.objects.get(code="HW-01"))
    assert found.quartile == 4 and found.worsening  # lower is better: 35 is the highest, up from 26.3
    cache.clear()
    data = client_for("cabinet").get("/dashboard/").context["data"]
    lines = {line.kpi.code: line for line in data.attention.lines}
    assert lines["HW-01"].rule.key == "bottom_quartile"
    assert lines["HW-01"].words.startswith(f"35% for 2022/23 is {found.rank_words} in North West metropolitan "
                                           "districts, the bottom quartile")
    assert "and worse than 26.3% for 2021/22: bottom quartile and worsening." in lines["HW-01"].words
    assert "HW-04" not in lines or lines["HW-04"].rule.key != "bottom_quartile"  # improving: not this rule
