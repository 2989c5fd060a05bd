"""Reads for the benchmark pages."""
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count

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
    """`kpis` in the list's order, each read with its benchmark and comparator group (a query simple
    enough to plan: PostgreSQL took longer to plan the figures' counts and spans as subqueries of it
    than to run them)."""
    return kpis.select_related(BENCHMARK_RELATED).order_by("sub_strand__objective__number", "sub_strand__order",
                                                           "order", "code")


def _benchmark_of(kpi):
    try:
        return kpi.benchmark
    except Benchmark.DoesNotExist:
        return None


def _spans(benchmark_ids):
    """{benchmark id: (its figures' count, the label of their first period, of their last)}, periods
    in the order of their last day (then their label): one query, by period, and none without a
    benchmark."""
    periods = {}
    if benchmark_ids:
        for benchmark_id, period, end, count in (
                BenchmarkFigure.objects.filter(benchmark__in=benchmark_ids).order_by()
                .values("benchmark_id", "period", "period_end").annotate(n=Count("pk"))
                .values_list("benchmark_id", "period", "period_end", "n")):
            periods.setdefault(benchmark_id, []).append((end, period, count))
    return {benchmark_id: (sum(count for *_, count in found), min(found)[1], max(found)[1])
            for benchmark_id, found in periods.items()}


def _rows(kpis):
    """The rows of KPIs read by _with_benchmarks: at most five more queries (their figures' spans, the
    comparisons)."""
    benchmarks = {kpi.pk: _benchmark_of(kpi) for kpi in kpis}
    spans = _spans([b.pk for b in benchmarks.values() if b is not None])
    found = comparisons(kpis)
    rows = []
    for kpi in kpis:
        benchmark = benchmarks[kpi.pk]
        figures, first, last = spans.get(benchmark.pk if benchmark else None, (0, "", ""))
        rows.append(BenchmarkRow(kpi, benchmark, figures, first, last, found.get(kpi.pk)))
    return rows


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
