"""Reads for the benchmark pages."""
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from kpis.benchmarks import BENCHMARK_RELATED, comparisons
from kpis.models import Benchmark, BenchmarkFigure

BENCHMARKS_PER_PAGE = 50  # KPIs on a page of the benchmarks list


@dataclass(frozen=True)
class BenchmarkRow:
    kpi: object
    benchmark: object  # None: no benchmark yet
    figures: int
    first_period: str
    last_period: str
    comparison: object  # kpis.benchmarks.Comparison or None


def _with_benchmarks(kpis):
    """`kpis` in the list's order, each read with its benchmark and comparator group and, in the same
    query, its benchmark's figures' count and the labels of their first and last periods."""
    figures = BenchmarkFigure.objects.filter(benchmark__kpi=OuterRef("pk")).order_by()
    return kpis.select_related("sub_strand", BENCHMARK_RELATED).annotate(
        benchmark_figures=Coalesce(Subquery(figures.values("benchmark").annotate(n=Count("pk")).values("n")),
                                   Value(0), output_field=IntegerField()),
        benchmark_first=Subquery(figures.order_by("period_end", "period").values("period")[:1]),
        benchmark_last=Subquery(figures.order_by("-period_end", "-period").values("period")[:1]),
    ).order_by("sub_strand__objective__number", "sub_strand__order", "order", "code")


def _benchmark_of(kpi):
    try:
        return kpi.benchmark
    except Benchmark.DoesNotExist:
        return None


def _rows(kpis):
    """The rows of KPIs read by _with_benchmarks: at most four more queries (the comparisons)."""
    found = comparisons(kpis)
    return [BenchmarkRow(kpi, _benchmark_of(kpi), kpi.benchmark_figures, kpi.benchmark_first or "",
                         kpi.benchmark_last or "", found.get(kpi.pk)) for kpi in kpis]


def benchmark_rows(*, kpis):
    """Every KPI of `kpis` with its benchmark (or none), its figures' count and span, and where the
    council stands: a fixed number of queries whatever the number of KPIs and benchmarks."""
    return _rows(list(_with_benchmarks(kpis)))


def benchmark_page(*, kpis, number=1):
    """One page of benchmark_rows (BENCHMARKS_PER_PAGE KPIs of `kpis`; a page number out of range or
    not a number is the nearest page there is), as a Django Page whose object_list is its rows. A
    fixed number of queries whatever the number of KPIs and benchmarks."""
    try:
        number = max(1, int(number))  # none before the first: the first
    except (TypeError, ValueError):
        number = 1  # not a whole number: the first
    page = Paginator(_with_benchmarks(kpis), BENCHMARKS_PER_PAGE).get_page(number)  # after the last: the last
    page.object_list = _rows(list(page.object_list))
    return page
