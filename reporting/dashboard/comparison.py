"""The KPI page's "Compared with similar councils" section: where the council stands on the KPI's
benchmark (kpis.benchmarks, the one rule), each council of the group by name, best first, for the
table and the chart beside it (reporting.dashboard.charts.benchmark_chart)."""
from dataclasses import dataclass

from kpis.benchmarks import comparison_of, ordinal
from kpis.formatting import format_kpi_value
from kpis.models import Benchmark
from objectives.council import council
from objectives.models import ComparatorGroup, LocalAuthority


@dataclass(frozen=True)
class ComparisonRow:
    rank: str
    name: str
    value: object
    value_text: str
    is_council: bool


@dataclass(frozen=True)
class ComparisonSection:
    kpi: object
    comparison: object  # kpis.benchmarks.Comparison, or None (then `why` says why not)
    rows: list
    why: str = ""

    @property
    def council_name(self):
        return next((row.name for row in self.rows if row.is_council), "The council")


def comparison_section(kpi):
    """The section for `kpi`, or None when it has no benchmark (the page then says nothing of it)."""
    if kpi.is_milestone or not Benchmark.objects.filter(kpi=kpi).exists():
        return None
    found = comparison_of(kpi)
    if found is None:
        if council().local_authority_id is None:
            why = "The council's own code is not set yet, so it cannot be compared with other councils."
        elif not ComparatorGroup.objects.exists():
            why = "There is no comparator group yet, so the council cannot be compared with other councils."
        else:
            why = ("The benchmark has no period with a figure for both the council and another council of its "
                   "comparator group.")
        return ComparisonSection(kpi, None, [], why)
    names = {la.pk: la.short_name or la.name for la in LocalAuthority.objects.filter(
        pk__in=[p.authority_id for p in found.places])}
    rows = [ComparisonRow(ordinal(p.rank), names.get(p.authority_id, ""), p.value,
                          format_kpi_value(p.value.normalize(), kpi.unit), p.is_council) for p in found.places]
    return ComparisonSection(kpi, found, rows)
