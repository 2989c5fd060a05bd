"""Reads for the Cabinet Member's RAG dashboard.

What a user sees follows one rule everywhere: returns come through
`reporting.access.visible_returns(user)` and figures through `visible_measurements(user)`.
Readers (Cabinet Member, scrutiny members) therefore only ever see approved and published data;
the Economy Cell and approvers also see work in progress, and every such item carries
`is_draft=True` so that the page labels it. Movement is told against one baseline, the latest
earlier status the user may see as approved (`reporting.statuses`), and the counts and the status
filter read one rule (`reporting.statuses.with_period_status`).

Every function here runs a fixed number of queries whatever the number of objectives,
sub-strands, KPIs or periods (the tests pin the counts).
"""
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case, F, IntegerField, Q, Value, When

from kpis.formatting import measurement_text
from kpis.outlook import year_end_outlooks
from kpis.models import KPI, Measurement
from kpis.rag import NO_MOVEMENT, RAG, Movement, movements, rag_label
from objectives.models import ReportingPeriod, SubStrand
from reporting.access import (
    BRIEFINGS, SEEN_BY_READERS, latest_visible_measurements, sees_drafts, visible_measurements, visible_returns,
)
from reporting.attention import Attention, attention
from reporting.dashboard.filters import ALL_KPIS, DashboardFilter
from reporting.models import Briefing, QuarterlyReturn
from reporting.statuses import NO_STATUS, NOT_APPROVED, may_be_baseline, rated_before, status
from reporting.variation.verdicts import verdicts_of

RAG_SORT = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2, None: 3, "": 3}
SHOWN_QUARTERS = 4


def figure_text(measurement):
    """The figure of a measurement in words: a value, a milestone status, or 'Not yet available'."""
    return measurement_text(measurement, missing="No figure reported")


# -- periods ---------------------------------------------------------------------------------


def periods_up_to(period, count):
    """The `count` periods ending with `period`, oldest first (fewer if the database has fewer)."""
    if period is None:
        return []
    earlier = ReportingPeriod.objects.filter(strategy_id=period.strategy_id, end_date__lte=period.end_date)
    return list(reversed(earlier.order_by("-end_date")[:count]))


# -- the dashboard ---------------------------------------------------------------------------


@dataclass
class StatusCell:
    period: ReportingPeriod
    ret: QuarterlyReturn | None = None
    movement: Movement = NO_MOVEMENT

    @property
    def rag(self):
        return (self.ret.overall_rag or None) if self.ret else None

    @property
    def is_draft(self):
        return self.ret is not None and self.ret.state not in SEEN_BY_READERS

    @property
    def is_synthetic(self):
        return bool(self.ret and self.ret.is_synthetic)

    @property
    def state(self):
        return self.ret.state if self.ret else None

    @property
    def state_label(self):
        return self.ret.get_state_display() if self.ret else ""

    @property
    def label(self):
        if self.ret is None:
            return "No approved status"
        return rag_label(self.rag) if self.rag else "Not yet given"

    @property
    def movement_words(self):
        return self.movement.words if self.rag else ""


@dataclass
class SubStrandRow:
    sub_strand: SubStrand
    cells: list

    @property
    def current(self):
        return self.cells[-1] if self.cells else None


@dataclass
class ObjectiveRows:
    objective: object
    rows: list


@dataclass
class Dashboard:
    period: ReportingPeriod | None
    periods: list
    objectives: list
    counts: dict
    kpi_figures: object  # a queryset: the KPI table's rows (kpi_table_figures)
    shows_drafts: bool
    synthetic: bool = False
    filterset: object = None
    not_approved: int = 0
    no_status: int = 0
    briefings: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    briefing_period_ids: set = field(default_factory=set)
    attention_of: object = None  # () -> Attention: what needs attention and the stale figures, worked out when asked
    verdicts: object = None  # KPIVerdicts: the KPI table's variation, assurance and year-end columns
    risks_outside: list = field(default_factory=list)  # reporting.risk_rows.RiskRow: risks outside appetite
    has_risks: bool = False  # the strategy has risks the user may see (the panel is shown)

    @cached_property
    def attention(self):
        """What needs attention, and the stale figures (reporting.attention): worked out when the page
        asks (not for the CSV download)."""
        return self.attention_of() if self.attention_of else None


def status_cells(returns_by_key, sub_strand, periods, before=None):
    """A cell per period, each with its movement against its baseline (reporting.statuses: a draft
    is never one); `before` is the sub-strand's baseline before the first period."""
    found = [returns_by_key.get((sub_strand.id, period.id)) for period in periods]
    statuses = [(period, (ret.overall_rag or None) if ret else None, ret is not None and may_be_baseline(ret))
                for period, ret in zip(periods, found)]
    moves = movements(statuses, before=status(before) if before else None)
    return [StatusCell(period=p, ret=ret, movement=move) for p, ret, move in zip(periods, found, moves)]


def needs_attention(*, user, sub_strand_ids, period, today, outlooks=None, risks=()):
    """What needs attention among the active KPIs of these sub-strands as at `period`, from the
    figures the user may see (a reader: approved ones only), and the stale figures. Four queries."""
    kpis = KPI.objects.filter(is_active=True, sub_strand_id__in=sub_strand_ids).select_related("sub_strand__objective")
    return attention(kpis=kpis, figures=visible_measurements(user), period=period, today=today, outlooks=outlooks,
                     risks=risks)


@dataclass
class KPIVerdicts:
    """Each KPI's variation and assurance (reporting.variation.verdicts, from the charts that what
    needs attention drew: reporting.attention, so the two never disagree) and its outlook for the
    period's year (kpis.outlook: the forecast at the year's end), for the dashboard's KPI table: its
    columns, its sort and its filters, from the figures the person may see."""
    variation: dict = field(default_factory=dict)  # {KPI id: Verdict}
    assurance: dict = field(default_factory=dict)  # {KPI id: Verdict}
    outlooks: dict = field(default_factory=dict)  # {KPI id: kpis.trajectory.Outlook}, of those read
    every_outlook: bool = False  # read for every KPI (to sort or filter by it), else for the rows shown
    user: object = None
    period: object = None

    def read_outlooks(self, kpis):
        """The outlooks of these KPIs (the table's rows shown), for the period's year from the figures
        the user may see up to the period, unless every KPI's were read. Two queries."""
        if self.every_outlook or self.period is None or not kpis:
            return
        figures = visible_measurements(self.user).filter(period_key__lte=self.period.order_key)
        self.outlooks.update(year_end_outlooks(kpis, self.period.financial_year, measurements=figures))

    def year_end_rag(self, kpi_id):
        outlook = self.outlooks.get(kpi_id)
        return outlook.year_end_rag if outlook is not None else None

    def _ids(self, key_of):
        groups = {}
        for kpi_id in self.variation:
            groups.setdefault(key_of(kpi_id), []).append(kpi_id)
        return groups

    @staticmethod
    def _sort(groups, default):
        """A SQL expression of each KPI's place (`groups`: {place: [KPI id]}), so the table sorts and pages in SQL."""
        return Case(*[When(kpi_id__in=ids, then=Value(place)) for place, ids in sorted(groups.items())],
                    default=Value(default), output_field=IntegerField())

    def annotations(self):
        variation = self._ids(lambda k: self.variation[k].sort)
        assurance = self._ids(lambda k: self.assurance[k].sort)
        year_end = self._ids(lambda k: RAG_SORT[self.year_end_rag(k)]) if self.every_outlook else {}
        return {"variation_sort": self._sort(variation, 99), "assurance_sort": self._sort(assurance, 99),
                "year_end_sort": self._sort(year_end, RAG_SORT[None])}

    def chosen(self, choices):
        """The KPI ids the table's filters leave (None: the filters choose none of these)."""
        tests = []
        if choices.get("variation"):
            tests.append(lambda k: self.variation[k].key == choices["variation"])
        if choices.get("assurance"):
            tests.append(lambda k: self.assurance[k].key == choices["assurance"])
        if choices.get("year_end"):
            tests.append(lambda k: self.year_end_rag(k) == choices["year_end"])
        if not tests:
            return None
        return [k for k in self.variation if all(test(k) for test in tests)]


def kpi_verdicts(found, *, user, period, every_outlook=False):
    """KPIVerdicts of the KPIs what needs attention read (`found`, an Attention); with `every_outlook`
    (the table sorted or filtered by the forecast at year end) every KPI's outlook for the period's
    year from the figures the user may see up to the period (two queries), else only the rows shown
    read theirs (`read_outlooks`: two queries for 25 KPIs, not for all of them)."""
    verdicts = KPIVerdicts(user=user, period=period, every_outlook=every_outlook)
    for kpi_id, facts in found.facts.items():
        verdicts.variation[kpi_id], verdicts.assurance[kpi_id] = verdicts_of(facts)
    if every_outlook and period is not None and found.facts:
        verdicts.outlooks = year_end_outlooks(
            [f.kpi for f in found.facts.values()], period.financial_year,
            measurements=visible_measurements(user).filter(period_key__lte=period.order_key))
    return verdicts


def dashboard(*, user, strategy=None, params=None, today=None, outlooks=None):
    """The dashboard for `user`, filtered by `params` (a QueryDict or dict: period, objective,
    lead_service, status; see reporting.dashboard.filters.DashboardFilter).

    Rows are the strategy's objectives and their sub-strands; columns its four periods ending at the chosen
    period (default: the latest with approved returns); each cell the overall RAG and its movement
    since the latest earlier status. Also the counts of Red, Amber and Green in the chosen period and
    the KPI table (KPIs off target, KPIs whose figure is overdue); what needs attention and the
    stale figures (`outlooks`: the year-end forecasts, reporting.attention.YearEndOutlook by KPI id,
    when there are any). A fixed number of queries.
    """
    from django.utils import timezone

    from reporting.plans.selectors import plan_status_counts

    today = today or timezone.localdate()
    filterset = DashboardFilter(data=params if params is not None else {}, user=user, strategy=strategy)
    sub_strands = list(filterset.qs.select_related("objective__strategy").order_by(
        "objective__strategy__name", "objective__number", "order"))
    period = filterset.selected_period
    periods = periods_up_to(period, SHOWN_QUARTERS)
    sub_ids = [s.id for s in sub_strands]
    returns, earlier = {}, {}
    if periods and sub_strands:
        qs = visible_returns(user).filter(period__in=periods, sub_strand_id__in=sub_ids).only(
            "id", "sub_strand_id", "period_id", "state", "overall_rag", "is_synthetic")
        returns = {(r.sub_strand_id, r.period_id): r for r in qs}
        earlier = rated_before(user, sub_ids, periods[0])

    objectives, by_objective = [], {}
    counts = {RAG.RED: 0, RAG.AMBER: 0, RAG.GREEN: 0, NOT_APPROVED: 0, NO_STATUS: 0}
    synthetic = False
    for sub in sub_strands:
        row = SubStrandRow(sub_strand=sub, cells=status_cells(returns, sub, periods, earlier.get(sub.id)))
        if sub.objective_id not in by_objective:
            by_objective[sub.objective_id] = ObjectiveRows(objective=sub.objective, rows=[])
            objectives.append(by_objective[sub.objective_id])
        by_objective[sub.objective_id].rows.append(row)
        synthetic = synthetic or any(c.is_synthetic for c in row.cells)
        counts[sub.period_status] += 1  # the status filter's rule (reporting.statuses.with_period_status)

    has_risks, risks_outside = risks_outside_appetite(user=user, strategy=strategy, period=period)
    found = needs_attention(user=user, sub_strand_ids=sub_ids, period=period, today=today, outlooks=outlooks,
                            risks=[risk_facts(row) for row in risks_outside])
    sort = str((params or {}).get("sort") or "")
    verdicts = kpi_verdicts(found, user=user, period=period,
                            every_outlook="year_end" in filterset.table_choices or sort.lstrip("-") == "year_end")
    kpi_figures = kpi_table_figures(user=user, sub_strand_ids=sub_ids, period=period, today=today, verdicts=verdicts,
                                    choices=filterset.table_choices)
    briefings = briefing_links(user, periods[0] if periods else None)
    synthetic = synthetic or kpi_figures.filter(is_synthetic=True).exists()
    return Dashboard(
        period=period, periods=periods, objectives=objectives,
        counts={"red": counts[RAG.RED], "amber": counts[RAG.AMBER], "green": counts[RAG.GREEN]},
        kpi_figures=kpi_figures, shows_drafts=sees_drafts(user), synthetic=synthetic, filterset=filterset,
        not_approved=counts[NOT_APPROVED], no_status=counts[NO_STATUS], briefings=briefings, plans=list(plan_status_counts(strategy)),
        briefing_period_ids={item["period"].id for item in briefings},
        attention_of=lambda: found, verdicts=verdicts, risks_outside=risks_outside,
        has_risks=has_risks,
    )


def risks_outside_appetite(*, user, strategy, period):
    """(whether the strategy has risks the user may see, its risks outside appetite as at `period`:
    reporting.risk_rows)."""
    from reporting.risk_rows import has_risks, outside_appetite_rows

    if strategy is None or period is None or not has_risks(user=user, strategy=strategy):
        return False, []
    return True, outside_appetite_rows(user=user, strategy=strategy, period=period)


def risk_facts(row):
    """What needs attention's risk rule reads of a register row (reporting.attention.RiskFacts)."""
    from reporting.attention import RiskFacts

    return RiskFacts(risk=row.risk, score=row.current, appetite=row.appetite, outside=bool(row.outside),
                     review=row.review, is_draft=row.is_draft)


@dataclass
class StaleFigures:
    period: ReportingPeriod | None
    filterset: object
    attention: Attention


def stale_figures(*, user, strategy=None, params=None, today=None):
    """The KPIs whose latest figure (as at the chosen period, that the user may see) is stale, for
    the dashboard's filters (objective, lead service, period). A fixed number of queries."""
    from django.utils import timezone

    today = today or timezone.localdate()
    filterset = DashboardFilter(data=params if params is not None else {}, user=user, strategy=strategy, kpi_table=False)
    sub_ids = list(filterset.qs.values_list("id", flat=True))
    period = filterset.selected_period
    return StaleFigures(period=period, filterset=filterset,
                        attention=needs_attention(user=user, sub_strand_ids=sub_ids, period=period, today=today))


def briefing_links(user, since):
    """The briefing notes from the first quarter shown onwards, newest first: issued ones for everyone,
    drafts (and periods with no briefing yet) too for those who may see drafts. One query."""
    if since is None:
        return []
    periods = (
        ReportingPeriod.objects.exclude(state=ReportingPeriod.State.NOT_OPEN)
        .filter(strategy_id=since.strategy_id, end_date__gte=since.end_date)
        .select_related("briefing")
        .order_by("-end_date")
    )
    links = []
    for period in periods:
        briefing = getattr(period, "briefing", None) or Briefing(period=period)
        if BRIEFINGS.test(user, briefing):
            state = briefing.get_state_display() if briefing.pk else "Not started"
            links.append({"period": period, "state": state})
    return links


def kpi_table_figures(*, user, sub_strand_ids, period, today, verdicts=None, choices=None):
    """The KPI table's rows as a queryset of figures (sorted and paged in the database): each KPI's
    latest figure as at `period` that the user may see, where it is off target (Red or Amber) or
    overdue (not yet available, and its expected date has passed), or every KPI's (`choices`, the
    table's filters: kpis=all), narrowed by the table's filters (variation, assurance, status now,
    forecast at year end). Annotated with `shown_rag`, `rag_sort`, `code` and `title` for the table's
    columns, and with `variation_sort`, `assurance_sort` and `year_end_sort` from `verdicts` (KPIVerdicts)."""
    choices = choices or {}
    if period is None or not sub_strand_ids:
        figures = Measurement.objects.none()
    else:
        figures = latest_visible_measurements(user, period).filter(kpi__is_active=True, kpi__sub_strand_id__in=sub_strand_ids)
    off_target = Q(shown_rag__in=[RAG.RED, RAG.AMBER])
    figures = figures.annotate(shown_rag=Measurement.shown_rag_expression())
    if choices.get("kpis") != ALL_KPIS:
        figures = figures.filter(off_target | Q(not_available=True, expected_date__lt=today))
    if choices.get("now"):
        figures = figures.filter(shown_rag=choices["now"])
    verdicts = verdicts or KPIVerdicts()
    chosen = verdicts.chosen(choices)
    if chosen is not None:
        figures = figures.filter(kpi_id__in=chosen)
    return (
        figures.annotate(rag_sort=Case(When(shown_rag=RAG.RED, then=0), When(shown_rag=RAG.AMBER, then=1), default=3),
                         code=F("kpi__code"), title=F("kpi__title"), **verdicts.annotations())
        .select_related("kpi__sub_strand__objective", "period")
        .order_by("rag_sort", "code")
    )


def listed_because(m, today):
    """Why a figure is in the KPI table, in words: 'Off target (Amber)', 'Figure overdue: expected by …'."""
    reasons = []
    if m.rag in (RAG.RED, RAG.AMBER):
        reasons.append(f"Off target ({rag_label(m.rag)})")
    if m.not_available and m.expected_date is not None and m.expected_date < today:
        reasons.append(f"Figure overdue: expected by {m.expected_date.day} {m.expected_date:%B %Y}")
    return "; ".join(reasons)
