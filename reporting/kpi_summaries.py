"""What each KPI's figures say, for many KPIs at once: its variation and assurance (kpis.spc, its
limits recalculated at each change of process), its freshness (kpis.freshness) and its two statuses,
now and at the year's end (kpis.outlook), read from the figures the audience may see. The outputs ask
here (the read API's KPIs, the open data's KPI file, the briefing workbook's KPI sheets), so that each
says what the KPI page says: the same functions answer, in the same words.

The figures are read by reporting.attention (`read_figures`, `gather`: one bulk loader, shared with
what needs attention). A fixed number of queries whatever the number of KPIs or figures: the figures
(three), the changes of process (one), the targets of each KPI's year (one), and, when a draft figure
is the latest, the targets it is judged against (one); the last two none when the caller has read
the targets (the API's KPIs come with theirs); and the benchmarks (kpis.benchmarks.comparisons: one
when there are none, four at most), where the council stands among its comparator group.

    kpi_summaries(kpis, *, figures, today, period=None) -> {KPI id: KPISummary}

`figures` is what the audience may see (reporting.access.visible_measurements(user), or PUBLIC's):
a reader's summary is drawn from approved figures only, so a draft never moves a reader's verdict.
With `period`, the figures up to it, judged as at its last day (or today while it runs), as the
dashboard and the briefing judge them. The outlook is for the year of the KPI's latest figure (the
year its data is for), as the KPI page gives it.
"""
from dataclasses import dataclass, field

from kpis import benchmarks, spc
from kpis.figures import HAS_FIGURE, target_year
from kpis.freshness import Freshness, as_at_date
from kpis.models import Target
from kpis.outlook import outlook_of
from kpis.rag import rag_label
from kpis.trajectory import Outlook
from objectives.models import financial_year_label
from reporting.attention import changes_of_process, gather, read_figures

NOT_ENOUGH = "not_enough_figures"
CAUSES = ["common_cause", *(c.value for c in spc.Cause)]  # a figure's point: common cause, improvement, concern, neither
VARIATIONS = [NOT_ENOUGH, *(v.value for v in spc.Variation)]
ASSURANCES = [a.value for a in spc.Assurance]


@dataclass(frozen=True)
class KPISummary:
    kpi: object
    chart: spc.Chart | None  # None for a milestone (its statuses have no variation)
    freshness: Freshness
    outlook: Outlook | None  # None for a milestone, a contextual KPI, or no target for the year
    points: dict = field(default_factory=dict)  # {figure id: its spc.Point}, on a chart of 13 figures or more
    comparison: object = None  # kpis.benchmarks.Comparison: compared with similar councils; None without one

    # -- variation and assurance (kpis.spc) --

    def cause_of(self, figure_id):
        """(key, words) of a figure's point on the chart, as the KPI page's variation table says it:
        ("common_cause", "Common cause"), ("concern", "Special cause: concern"), …; (None, None) for a figure
        not on an XmR chart (fewer than 13 figures, a milestone, not yet available)."""
        point = self.points.get(figure_id)
        if point is None:
            return None, None
        return (point.cause.value if point.cause else "common_cause"), self.chart.cause_words(point)

    @property
    def variation(self):
        """common_cause, improving, concerning, neither; not_enough_figures (a run chart); None for a milestone."""
        if self.chart is None:
            return None
        return NOT_ENOUGH if self.chart.is_run_chart else self.chart.variation.value

    @property
    def variation_words(self):
        """As the KPI page says it: 'Special cause variation: concerning', 'not enough figures yet (9 of 13)'."""
        if self.chart is None:
            return None
        return self.chart.count_words if self.chart.is_run_chart else self.chart.variation_words

    @property
    def variation_figures(self):
        """How many figures the chart is of."""
        return len(self.chart.points) if self.chart is not None else None

    @property
    def assurance(self):
        """passing, hit_or_miss, failing; None where there is no verdict (never for a contextual KPI, which is
        not judged against a target)."""
        if self.chart is None or self.chart.assurance is None or self.kpi.is_contextual:
            return None
        return self.chart.assurance.value

    @property
    def assurance_words(self):
        """The verdict in words, or (on an XmR chart) why there is none; None on a run chart, for a milestone
        and for a contextual KPI."""
        if self.chart is None or self.kpi.is_contextual:
            return None
        return self.chart.assurance_words or None

    # -- freshness (kpis.freshness) --

    @property
    def next_figure_due(self):
        return self.freshness.due

    @property
    def is_stale(self):
        return self.freshness.is_stale

    @property
    def freshness_state(self):
        return self.freshness.state.value

    @property
    def freshness_words(self):
        return self.freshness.words

    # -- now and at the year's end (kpis.outlook) --

    @property
    def status_now(self):
        return self.outlook.now_rag if self.outlook is not None else None

    @property
    def status_year_end(self):
        return self.outlook.year_end_rag if self.outlook is not None else None

    @property
    def status_now_label(self):
        return rag_label(self.status_now) if self.status_now else None

    @property
    def status_year_end_label(self):
        return rag_label(self.status_year_end) if self.status_year_end else None

    @property
    def forecast_by(self):
        """officer or computed; None without a forecast."""
        return (self.outlook.forecast_by or None) if self.outlook is not None else None

    @property
    def forecast_by_words(self):
        """'the officer's forecast', 'computed projection'."""
        return (self.outlook.forecast_source or None) if self.outlook is not None else None

    @property
    def year_end_forecast(self):
        return self.outlook.forecast if self.outlook is not None else None

    @property
    def outlook_year(self):
        """'2023/24': the financial year the two statuses are for."""
        return financial_year_label(self.outlook.year) if self.outlook is not None else None

    @property
    def outlook_words(self):
        """'Amber now, forecast Green at year end (the officer's forecast)'."""
        return self.outlook.words if self.outlook is not None else None

    # -- compared with similar councils (kpis.benchmarks) --

    def _compared(self, name):
        return getattr(self.comparison, name) if self.comparison is not None else None

    benchmark_period = property(lambda self: self._compared("period"))
    benchmark_group = property(lambda self: self._compared("group"))
    benchmark_value = property(lambda self: self._compared("council_value"))
    benchmark_rank = property(lambda self: self._compared("rank"))
    benchmark_of = property(lambda self: self._compared("of"))
    benchmark_quartile = property(lambda self: self._compared("quartile"))
    benchmark_median = property(lambda self: self._compared("median"))
    benchmark_lower_quartile = property(lambda self: self._compared("lower_quartile"))
    benchmark_upper_quartile = property(lambda self: self._compared("upper_quartile"))
    benchmark_words = property(lambda self: self._compared("words"))
    benchmark_source = property(lambda self: self._compared("source"))
    benchmark_licence = property(lambda self: self._compared("licence"))
    benchmark_is_open = property(lambda self: bool(self._compared("is_open")))


def kpi_summaries(kpis, *, figures, today, period=None, targets=None):
    """{KPI id: KPISummary} of `kpis` from `figures` (a Measurement queryset: what the audience may
    see), judged on `today` (with `period`: as at the period, from its figures up to it). `targets`:
    the KPIs' Targets when the caller has read them (two queries fewer)."""
    kpis = list(kpis)
    if not kpis:
        return {}
    ids = [k.id for k in kpis]
    figures = figures.filter(HAS_FIGURE, kpi_id__in=ids)
    if period is not None:
        figures = figures.filter(period_key__lte=period.order_key)
    series = read_figures(figures)
    changes = changes_of_process(ids)
    judged = None  # what a draft figure is judged against (kpis.figures.primary_targets' shape)
    if targets is not None:
        targets = list(targets)
        judged = {(t.kpi_id, t.financial_year): (t.value, t.get_kind_display())
                  for t in targets if t.is_primary and t.value is not None}
    facts = gather(kpis, series, on=as_at_date(period, today), changes=changes, targets=judged,  # charts of 13 or more
                   comparisons=benchmarks.comparisons(kpis))
    years = {f.kpi.id: target_year(f.series[-1]) for f in facts if f.series}
    if targets is None:
        targets = Target.objects.filter(kpi_id__in=list(years), financial_year__in=set(years.values()),
                                        is_primary=True) if years else []
    targets = {(t.kpi_id, t.financial_year): t for t in targets if t.is_primary}
    found = {}
    for f in facts:
        kpi = f.kpi
        outlook = None
        if f.series:
            outlook = outlook_of(kpi, years[kpi.id], target=targets.get((kpi.id, years[kpi.id])), figures=f.series)
        chart = None  # a milestone's
        if not kpi.is_milestone:  # fewer than 13 figures: their run chart, which says how many ("9 of 13")
            chart = f.chart or spc.xmr([("", m.value) for m in f.numeric], direction=kpi.direction)
        points = {m.id: point for m, point in zip(f.numeric, f.chart.points)} if f.chart is not None else {}
        found[kpi.id] = KPISummary(kpi=kpi, chart=chart, freshness=f.freshness, outlook=outlook, points=points,
                                   comparison=f.comparison)
    return found
