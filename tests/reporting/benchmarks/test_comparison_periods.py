"""A comparison reads only the periods it shows (kpis.benchmarks.comparisons): the latest period in
which the council and another council of its group both have a figure, and the one before it, and
finds them however many earlier periods there are, and when the latest ones cannot be compared."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.benchmarks import comparison_of
from kpis.models import KPI, Benchmark, BenchmarkFigure
from tests.reporting.benchmarks.support import north_west_metropolitan_districts, the_council

YEARS = range(2012, 2023)  # eleven years: 2012/13 … 2022/23


def label(year):
    return f"{year}/{str(year + 1)[2:]}"


@pytest.fixture
def ten_years(sefton):
    """HW-04 benchmarked over eleven years: every council of the group each year, the council's own
    figure rising a point a year (61.2 in 2022/23)."""
    group = north_west_metropolitan_districts()
    kpi = KPI.objects.get(code="HW-04")
    benchmark = Benchmark.objects.create(kpi=kpi, source="LG Inform", licence="ogl-3", published_on=date(2024, 12, 2),
                                         group=group)
    council, others = the_council(), list(group.members.exclude(pk=the_council().pk).order_by("code"))
    BenchmarkFigure.objects.bulk_create(
        [BenchmarkFigure(benchmark=benchmark, authority=council, period=label(y), period_end=date(y + 1, 3, 31),
                         value=Decimal("61.2") - (2022 - y)) for y in YEARS]
        + [BenchmarkFigure(benchmark=benchmark, authority=la, period=label(y), period_end=date(y + 1, 3, 31),
                           value=Decimal("50.0") + Decimal("1.3") * i) for y in YEARS for i, la in enumerate(others)])
    return kpi, benchmark, council, others


def rows_read(kpi):
    """The comparison, and how many figures its queries read."""
    with CaptureQueriesContext(connection) as ctx:
        found = comparison_of(kpi)
    figures = [q["sql"] for q in ctx.captured_queries if 'FROM "kpis_benchmarkfigure"' in q["sql"]]
    with connection.cursor() as cursor:
        total = 0
        for sql in figures:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS read")
            total += cursor.fetchone()[0]
    return found, total


def test_the_latest_two_periods_are_read_not_every_year(ten_years):
    kpi, _, _, others = ten_years
    found, read = rows_read(kpi)
    assert (found.period, found.previous_period) == ("2022/23", "2021/22")
    assert found.council_value == Decimal("61.2") and found.previous_value == Decimal("60.2")
    assert read == 2 * (len(others) + 1)  # two years of the group's figures, not eleven


def test_periods_the_council_cannot_be_compared_in_are_passed_over(ten_years):
    """2022/23: only the council has a figure; 2023/24: only the others (the council's not yet in):
    the comparison is of 2021/22, and the period before it 2020/21."""
    kpi, benchmark, council, others = ten_years
    BenchmarkFigure.objects.filter(benchmark=benchmark, period="2022/23").exclude(authority=council).delete()
    BenchmarkFigure.objects.bulk_create(
        BenchmarkFigure(benchmark=benchmark, authority=la, period="2023/24", period_end=date(2024, 3, 31), value=Decimal(70))
        for la in others)
    found = comparison_of(kpi)
    assert (found.period, found.previous_period) == ("2021/22", "2020/21")
    assert found.council_value == Decimal("60.2") and found.previous_value == Decimal("59.2")
