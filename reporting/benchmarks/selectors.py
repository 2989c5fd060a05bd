"""Reads for the benchmark pages."""
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from kpis.benchmarks import comparisons
from kpis.models import Benchmark


@dataclass(frozen=True)
class BenchmarkRow:
    kpi: object
    benchmark: object  # None: no benchmark yet
    figures: int
    first_period: str
    last_period: str
    comparison: object  # kpis.benchmarks.Comparison or None


def benchmark_rows(*, kpis):
    """Every KPI of `kpis` with its benchmark (or none), its figures' count and span, and where the
    council stands: a fixed number of queries."""
    kpis = list(kpis.select_related("sub_strand"))
    benchmarks = {b.kpi_id: b for b in Benchmark.objects.filter(kpi__in=kpis).select_related("group").annotate(
        count=Count("figures"), first=Min("figures__period_end"), last=Max("figures__period_end"))}
    spans = {}
    for benchmark in benchmarks.values():
        labels = dict(benchmark.figures.filter(period_end__in=[benchmark.first, benchmark.last]).values_list(
            "period_end", "period").distinct()) if benchmark.count else {}
        spans[benchmark.kpi_id] = (labels.get(benchmark.first, ""), labels.get(benchmark.last, ""))
    found = comparisons(kpis)
    return [BenchmarkRow(kpi, benchmarks.get(kpi.pk), getattr(benchmarks.get(kpi.pk), "count", 0),
                         *spans.get(kpi.pk, ("", "")), found.get(kpi.pk)) for kpi in kpis]
