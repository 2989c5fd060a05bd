"""A KPI compared with similar councils: the one rule for where the council stands among its comparator
group on a KPI's published benchmark (kpis.models.Benchmark), asked by the KPI page, the dashboard's
KPI table, what needs attention, the briefing, the workbook, the API and the open data.

- **Which figures**: the benchmark's figures of the councils of its comparator group (the benchmark's
  own group, else the council's first: objectives.models.ComparatorGroup), with the council itself
  among them whether or not the group lists it (objectives.models.Council.local_authority). The
  council's figure is the benchmark's figure for it, so that every council is measured the same way.
- **Which period**: the latest period both have, that is the latest (by its last day) for which the
  council and at least one other council of the group have a figure.
- **Rank**: direction-aware: where higher is better the highest is 1st, where lower is better the
  lowest; councils with the same figure share a rank ("1st, 2nd, 2nd, 4th"); "of" counts the councils
  of the group (the council included) with a figure for that period.
- **Median and quartiles**: of those figures, the council's included: the median (statistics.median)
  and the lower and upper quartiles by the *inclusive* method of Python's statistics.quantiles
  (`method="inclusive"`), which is Excel's QUARTILE.INC and the method LG Inform's quartile bands use.
- **Quartile**: direction-aware, the top quartile best: where higher is better a figure at or above
  the upper quartile is in the top quartile, at or above the median the second, at or above the lower
  quartile the third, below it the bottom; where lower is better the same from the other end. A figure
  on a boundary is in the better quartile.
- **Worsening**: the council's figure moved the wrong way (by the KPI's direction) from the period
  before, among the periods the comparison could be made in.

No comparison (None) for a KPI with no benchmark, a milestone, a council with no code or no comparator
group, or no period the council and another council of the group both have.
"""
import bisect
import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from kpis.formatting import format_kpi_value
from kpis.models import KPI, Benchmark, BenchmarkFigure
from kpis.rag import Direction
from kpis.trajectory import as_precise_as
from objectives.council import council
from objectives.models import ComparatorGroup

QUARTILE_WORDS = {1: "top quartile", 2: "second quartile", 3: "third quartile", 4: "bottom quartile"}
QUARTILE_SHORT = {1: "Top", 2: "Second", 3: "Third", 4: "Bottom"}
QUARTILE_METHOD = "inclusive"  # statistics.quantiles: Excel's QUARTILE.INC


def ordinal(n):
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


@dataclass(frozen=True)
class Place:
    """One council's figure in a comparison, best first: its rank, and whether it is the council."""

    authority_id: int
    value: Decimal
    rank: int
    is_council: bool


@dataclass(frozen=True)
class Comparison:
    """Where the council stands on one KPI's benchmark in one period (see the module's docstring)."""

    kpi_id: int
    unit: str
    direction: str
    group: str
    period: str
    council_value: Decimal
    rank: int
    of: int
    quartile: int
    median: Decimal
    lower_quartile: Decimal
    upper_quartile: Decimal
    places: tuple
    source: str
    licence: str
    is_open: bool
    published_on: object
    previous_period: str = ""
    previous_value: Decimal | None = None

    def _shown(self, value):
        return format_kpi_value(as_precise_as(value, [(v.value,) for v in self.places]), self.unit)

    @property
    def quartile_words(self):
        return QUARTILE_WORDS[self.quartile]

    @property
    def quartile_short(self):
        """The quartile in a table's few words: Top, Second, Third, Bottom."""
        return QUARTILE_SHORT[self.quartile]

    @property
    def median_text(self):
        return self._shown(self.median)

    @property
    def lower_quartile_text(self):
        return self._shown(self.lower_quartile)

    @property
    def upper_quartile_text(self):
        return self._shown(self.upper_quartile)

    @property
    def council_value_text(self):
        return format_kpi_value(self.council_value.normalize(), self.unit)

    @property
    def previous_value_text(self):
        return "" if self.previous_value is None else format_kpi_value(self.previous_value.normalize(), self.unit)

    @property
    def rank_words(self):
        return f"{ordinal(self.rank)} of {self.of}"

    @property
    def words(self):
        """“4th of 16, second quartile; the group's median 61.2%”."""
        return standing_words(rank=self.rank, of=self.of, quartile=self.quartile, median=self.median,
                              figures=[p.value for p in self.places], unit=self.unit)

    @property
    def worsening(self):
        """Did the council's figure move the wrong way since the period before?"""
        if self.previous_value is None or self.previous_value == self.council_value:
            return False
        return (self.council_value < self.previous_value) == (self.direction == Direction.HIGHER)

    @property
    def bottom_quartile_and_worsening(self):
        return self.quartile == 4 and self.worsening


def standing_words(*, rank, of, quartile, median, figures, unit):
    """“4th of 16, second quartile; the group's median 61.2%”: the median as precise as the figures
    (kpis.trajectory.as_precise_as), written by kpis.formatting. The one wording, for the pages, the
    outputs and the import's preview."""
    median = format_kpi_value(as_precise_as(median, [(v,) for v in figures]), unit)
    return f"{ordinal(rank)} of {of}, {QUARTILE_WORDS[quartile]}; the group's median {median}"


def _better_first(direction):
    return direction != Direction.LOWER  # reverse=True sorts the highest first


def _quartile(value, *, lower, median, upper, direction):
    if direction == Direction.LOWER:
        bands = (value <= lower, value <= median, value <= upper)
    else:
        bands = (value >= upper, value >= median, value >= lower)
    for number, inside in enumerate(bands, start=1):
        if inside:
            return number
    return 4


def _as_decimal(x):
    return Decimal(x) if not isinstance(x, Decimal) else x


def compare(*, values, council_id, direction):
    """The rank, quartile, median and quartiles of `values` ({authority id: value}, the council's
    included) for the council `council_id`: (rank, of, quartile, median, lower, upper, places), or
    None when the council has no figure or no other council has one."""
    if council_id not in values or len(values) < 2:
        return None
    numbers = sorted(values.values())
    lower, median_q, upper = (_as_decimal(q) for q in statistics.quantiles(numbers, n=4, method=QUARTILE_METHOD))
    median = _as_decimal(statistics.median(numbers))
    better = _better_first(direction)
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]) if not better else (-item[1], item[0]))

    def rank_of(value):  # 1 + how many are better (numbers is sorted: no pass over all of them)
        return 1 + (len(numbers) - bisect.bisect_right(numbers, value) if better else bisect.bisect_left(numbers, value))

    places = tuple(Place(authority_id, value, rank_of(value), authority_id == council_id) for authority_id, value in ordered)
    council_value = values[council_id]
    quartile = _quartile(council_value, lower=lower, median=median, upper=upper, direction=direction)
    return rank_of(council_value), len(values), quartile, median, lower, upper, places


THE_COUNCIL = object()
BENCHMARK_RELATED = "benchmark__group"  # select_related on the KPIs: no query here for their benchmarks


def _benchmarks_of(kpis):
    """The KPIs' benchmarks: from the KPIs themselves when they were read with
    select_related(BENCHMARK_RELATED) (no query), else one query."""
    if all(KPI.benchmark.is_cached(k) for k in kpis):
        found = []
        for kpi in kpis:
            try:
                found.append(kpi.benchmark)
            except Benchmark.DoesNotExist:
                pass
        return found
    return list(Benchmark.objects.filter(kpi__in=kpis).select_related("group"))


def comparisons(kpis, *, council_authority_id=THE_COUNCIL):
    """{kpi id: Comparison} for the KPIs of `kpis` (KPI objects) that have one, in at most five
    queries whatever their number: their benchmarks (none when the KPIs were read with
    select_related(BENCHMARK_RELATED)), and only where there are any: the council, the first
    comparator group (where a benchmark names none), the groups' members, and the figures. `council_authority_id`: the council's place
    among the UK's councils (by default the deployment's council's, objectives.council)."""
    kpis = [k for k in kpis if not k.is_milestone]
    if not kpis:
        return {}
    by_id = {k.pk: k for k in kpis}
    benchmarks = _benchmarks_of(kpis)
    if not benchmarks:
        return {}
    if council_authority_id is THE_COUNCIL:
        council_authority_id = council().local_authority_id
    if council_authority_id is None:
        return {}
    first_group = None
    if any(b.group_id is None for b in benchmarks):
        first_group = ComparatorGroup.objects.order_by("order", "name").first()
    group_of = {b.pk: b.group or first_group for b in benchmarks}
    group_ids = {g.pk for g in group_of.values() if g is not None}
    if not group_ids:
        return {}
    members = {}
    for group_id, authority_id in ComparatorGroup.members.through.objects.filter(
            comparatorgroup_id__in=group_ids).values_list("comparatorgroup_id", "localauthority_id"):
        members.setdefault(group_id, set()).add(authority_id)
    wanted = set().union(*members.values(), {council_authority_id}) if members else {council_authority_id}
    compared = [b.pk for b in benchmarks if group_of[b.pk] is not None]
    series = _figures(compared, wanted, council_authority_id, latest=True)
    found, answers = {}, {}
    for benchmark in benchmarks:
        if group_of[benchmark.pk] is not None:
            answers[benchmark.pk] = _latest_two(series.get(benchmark.pk, {}), benchmark, group_of, members,
                                                council_authority_id, by_id)
    # a benchmark whose council's two latest periods had no other council of its group to compare
    # with (seldom): its earlier periods read too
    again = [pk for pk, periods in answers.items()
             if len(periods) < 2 and sum(council_authority_id in v for v in series.get(pk, {}).values()) >= 2]
    if again:
        series.update(_figures(again, wanted, council_authority_id, latest=False))
        for benchmark in benchmarks:
            if benchmark.pk in again:
                answers[benchmark.pk] = _latest_two(series.get(benchmark.pk, {}), benchmark, group_of, members,
                                                    council_authority_id, by_id)
    for benchmark in benchmarks:
        periods = answers.get(benchmark.pk)
        if not periods:
            continue
        group, kpi = group_of[benchmark.pk], by_id[benchmark.kpi_id]
        (_, period), values, (rank, of, quartile, median, lower, upper, places) = periods[0]
        previous = periods[1] if len(periods) > 1 else None
        found[kpi.pk] = Comparison(
            kpi_id=kpi.pk, unit=kpi.unit, direction=kpi.direction, group=group.name, period=period,
            council_value=values[council_authority_id], rank=rank, of=of, quartile=quartile, median=median,
            lower_quartile=lower, upper_quartile=upper, places=places, source=benchmark.source,
            licence=benchmark.get_licence_display(), is_open=benchmark.is_open, published_on=benchmark.published_on,
            previous_period=previous[0][1] if previous else "",
            previous_value=previous[1][council_authority_id] if previous else None)
    return found


def _figures(benchmark_ids, wanted, council_authority_id, *, latest):
    """{benchmark id: {(period_end, period): {authority id: value}}} of the councils `wanted`; `latest`:
    only of the periods from the council's second latest on (all of them for a benchmark where the
    council has fewer than two), which is all a comparison shows, rather than every period of every
    benchmark. One query."""
    figures = BenchmarkFigure.objects.filter(benchmark__in=benchmark_ids, authority_id__in=wanted)
    if latest:
        second = (BenchmarkFigure.objects.filter(benchmark=OuterRef("benchmark"), authority_id=council_authority_id)
                  .order_by("-period_end", "-period").values("period_end")[1:2])
        figures = figures.filter(period_end__gte=Coalesce(Subquery(second), Value(datetime.date.min)))
    series = {}
    for benchmark_id, authority_id, period, period_end, value in figures.order_by().values_list(
            "benchmark_id", "authority_id", "period", "period_end", "value"):
        series.setdefault(benchmark_id, {}).setdefault((period_end, period), {})[authority_id] = value
    return series


def _latest_two(series, benchmark, group_of, members, council_authority_id, by_id):
    """The two latest periods of `series` (one benchmark's) with a comparison: [(key, values, answer)]."""
    group = group_of[benchmark.pk]
    kpi = by_id[benchmark.kpi_id]
    in_group = members.get(group.pk, set()) | {council_authority_id}
    periods = []
    for key in sorted(series, reverse=True):
        values = {a: v for a, v in series[key].items() if a in in_group}
        answer = compare(values=values, council_id=council_authority_id, direction=kpi.direction)
        if answer is not None:
            periods.append((key, values, answer))
        if len(periods) == 2:
            break
    return periods


def comparison_of(kpi, *, council_authority_id=THE_COUNCIL):
    """The Comparison for one KPI, or None."""
    return comparisons([kpi], council_authority_id=council_authority_id).get(kpi.pk)
