"""Reads for the Cabinet Member's view: the RAG dashboard, the sub-strand page and the KPI page.

What a user sees follows one rule everywhere here: returns come through
`reporting.selectors.visible_returns(user)` and figures through
`reporting.visibility.visible_measurements(user)`. Readers (Cabinet Member, scrutiny
members) therefore only ever see approved and published data; the Economy Cell and approvers also
see work in progress, and every such item carries `is_draft=True` so that the page labels it.

Every function here runs a fixed number of queries whatever the number of objectives,
sub-strands, KPIs or periods (the tests pin the counts).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kpis.models import KPI, Measurement, Target
from kpis.formatting import format_kpi_value, measurement_text, plain_number
from kpis.rag import MOVEMENT_WORDS, RAG, movement, rag_label
from objectives.models import ReportingPeriod, SubStrand, financial_year_label
from objectives.permissions import READER_VISIBLE_STATES, can, sees_all_drafts, sees_drafts
from reporting.models import QuarterlyReturn
from reporting.visibility import visible_returns
from reporting.visibility import visible_measurements

RAG_SORT = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2, None: 3, "": 3}

# -- formatting (plain text, no HTML: the briefing document and the workbook use these too) ----


format_number = format_kpi_value  # the name the pages and tests know
_plain = plain_number


def figure_text(measurement):
    """The figure of a measurement in words: a value, a milestone status, or 'Not yet available'."""
    return measurement_text(measurement, missing="No figure reported")


def data_lag_words(measurement):
    """'Calendar year 2022 figure, reported in 2023/24 Q1': the period the data is for, spelled out."""
    if measurement is None:
        return ""
    period = measurement.period
    data_for = (measurement.data_for or "").strip()
    if not data_for:
        return f"Reported in {period.label}"
    same = {period.label, f"Q{period.quarter} {period.financial_year_label}", period.slug}
    if data_for in same:
        return f"{period.label} figure, reported in the same quarter"
    return f"{data_for} figure, reported in {period.label}"


# -- periods ---------------------------------------------------------------------------------


def default_period():
    """The latest period with an approved or published return, else the open period, else the latest."""
    with_approved = (
        ReportingPeriod.objects.filter(Exists(QuarterlyReturn.objects.filter(period=OuterRef("pk"), state__in=READER_VISIBLE_STATES)))
        .order_by("-financial_year", "-quarter")
        .first()
    )
    if with_approved:
        return with_approved
    latest_first = ReportingPeriod.objects.order_by("-financial_year", "-quarter")
    return latest_first.filter(state=ReportingPeriod.State.OPEN).first() or latest_first.first()


def periods_up_to(period, count):
    """The `count` periods ending with `period`, oldest first (fewer if the database has fewer)."""
    if period is None:
        return []
    earlier = Q(financial_year__lt=period.financial_year) | Q(financial_year=period.financial_year, quarter__lte=period.quarter)
    return list(reversed(ReportingPeriod.objects.filter(earlier).order_by("-financial_year", "-quarter")[:count]))


def _up_to(period, prefix="period__"):
    return Q(**{f"{prefix}financial_year__lt": period.financial_year}) | Q(
        **{f"{prefix}financial_year": period.financial_year, f"{prefix}quarter__lte": period.quarter}
    )


# -- KPI figures -----------------------------------------------------------------------------

RECENT_QUARTERS = 8
HAS_FIGURE = Q(value__isnull=False) | ~Q(milestone_status="") | Q(not_available=True)


def _approved_return_for_measurement():
    return Exists(
        QuarterlyReturn.objects.filter(
            sub_strand_id=OuterRef("kpi__sub_strand_id"), period_id=OuterRef("period_id"), state__in=READER_VISIBLE_STATES
        )
    )


def latest_measurements(measurements, kpis, period, related=("period",), where=None):
    """The latest measurement with a figure of each KPI, reported in `period` or before, from the
    given (already visibility-filtered) measurements; only those matching `where` (a Q, which may
    use `shown_rag`) when given. Three queries (which figures, the figures, their periods):
    {kpi_id: Measurement}."""
    if period is None:
        return {}
    newest_first = measurements.filter(HAS_FIGURE, kpi_id=OuterRef("pk")).order_by("-period__financial_year", "-period__quarter")
    # Most KPIs have a figure in the last two years: look there first (a few rows per KPI), and
    # through the whole history only for the KPIs with none (COALESCE stops at the first found).
    recent = ReportingPeriod.objects.filter(_up_to(period, prefix="")).order_by("-financial_year", "-quarter")[:RECENT_QUARTERS]
    latest_ids = kpis.order_by().annotate(latest_id=Coalesce(
        Subquery(newest_first.filter(period_id__in=recent.values("id")).values("id")[:1]),
        Subquery(newest_first.filter(_up_to(period)).values("id")[:1]),
    )).values_list("latest_id", flat=True)
    # The ids are fetched first: as an IN (subquery), PostgreSQL evaluated the COALESCE three
    # times per KPI. And no default ordering: it would join four tables only to sort.
    rows = Measurement.objects.filter(id__in=[i for i in latest_ids if i]).order_by()
    if where is not None:
        rows = rows.annotate(shown_rag=Measurement.shown_rag_expression()).filter(where)
    joined = [r for r in related if r != "period"]
    if joined:
        rows = rows.select_related(*joined)  # never select_related() with no names: that follows every key
    rows = list(rows.annotate(approved=_approved_return_for_measurement()))
    if "period" in related and rows:
        # A few periods shared by many figures: one small query rather than a join copied per row.
        periods = ReportingPeriod.objects.in_bulk({m.period_id for m in rows})
        for m in rows:
            m.period = periods[m.period_id]
    return {m.kpi_id: m for m in rows}


def target_year(measurement):
    """The financial year whose target a figure is judged against: the year its data is for, where known."""
    end = measurement.data_for_end
    if end:
        return end.year if end.month >= 4 else end.year - 1
    return measurement.period.financial_year


def primary_targets(kpi_ids, years):
    """{(kpi_id, financial_year): (value, kind label)} of the primary targets. One query."""
    rows = Target.objects.filter(kpi_id__in=list(kpi_ids), financial_year__in=sorted(set(years)), is_primary=True,
                                 value__isnull=False).values_list("kpi_id", "financial_year", "value", "kind")
    labels = dict(Target.Kind.choices)
    return {(kpi_id, year): (value, labels.get(kind, kind)) for kpi_id, year, value, kind in rows}


def target_for(kpi, measurement=None, financial_year=None, targets=None):
    """(value, kind label) of the target a figure is judged against: from `targets` (primary_targets())
    when given, else from the KPI's prefetched targets. A frozen (approved) figure keeps the target
    it was approved against."""
    if measurement is not None and measurement.is_frozen:
        if measurement.frozen_target is None:
            return None, ""
        kind = measurement.frozen_target_kind
        return measurement.frozen_target, Target.Kind(kind).label if kind in Target.Kind.values else kind
    if measurement is not None:
        financial_year = target_year(measurement)
    if targets is not None:
        return targets.get((kpi.id, financial_year), (None, ""))
    for target in kpi.targets.all():
        if target.financial_year == financial_year and target.is_primary and target.value is not None:
            return target.value, target.get_kind_display()
    return None, ""


def target_text(kpi, value, kind):
    if value is None:
        if kpi.is_milestone:
            return "Milestone"
        return "No target: the previous year is the bar"
    return f"{format_number(value, kpi.unit)} ({kind})" if kind else format_number(value, kpi.unit)


# -- the dashboard ---------------------------------------------------------------------------


@dataclass
class StatusCell:
    period: ReportingPeriod
    rag: str | None = None
    label: str = "No approved status"
    state: str | None = None
    state_label: str = ""
    is_draft: bool = False
    movement: str | None = None
    movement_words: str = ""
    is_synthetic: bool = False
    commentary: str = ""


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
class KPIRow:
    kpi: KPI
    measurement: Measurement
    code: str
    title: str
    sub_strand: str
    value_text: str
    target_text: str
    rag: str | None
    rag_label: str
    rag_sort: int
    data_for: str
    reported_in: str
    reason: str
    is_draft: bool
    is_synthetic: bool


@dataclass
class Dashboard:
    period: ReportingPeriod | None
    periods: list
    objectives: list
    counts: dict
    kpi_rows: list
    shows_drafts: bool
    synthetic: bool = False
    filterset: object = None
    not_approved: int = 0
    no_status: int = 0
    briefings: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    briefing_period_ids: set = field(default_factory=set)


def status_cells(returns_by_key, sub_strand, periods, shown_periods):
    """Cells for `shown_periods`, each with its movement since the quarter before (in `periods`)."""
    cells = []
    previous_rag = None
    for period in periods:
        ret = returns_by_key.get((sub_strand.id, period.id))
        rag = (ret.overall_rag or None) if ret else None
        if period in shown_periods:
            cell = StatusCell(period=period)
            if ret is not None:
                cell.rag = rag
                cell.label = rag_label(rag) if rag else "Not yet given"
                cell.state = ret.state
                cell.state_label = ret.get_state_display()
                cell.is_draft = ret.state not in READER_VISIBLE_STATES
                cell.is_synthetic = ret.is_synthetic
                cell.commentary = ret.commentary
            cell.movement = movement(previous_rag, rag)
            cell.movement_words = MOVEMENT_WORDS[cell.movement] if rag else ""
            cells.append(cell)
        previous_rag = rag
    return cells


def dashboard(*, user, params=None, today=None):
    """The dashboard for `user`, filtered by `params` (a QueryDict or dict: period, objective,
    lead_service, status; see reporting.dashboard.filters.DashboardFilter).

    Rows are objectives and their sub-strands; columns the four quarters ending at the chosen
    period (default: the latest with approved returns); each cell the overall RAG and its movement
    since the quarter before. Also the counts of Red, Amber and Green in the chosen period and the
    KPI table (KPIs off target, KPIs whose figure is overdue). A fixed number of queries.
    """
    from reporting.dashboard.filters import DashboardFilter

    today = today or timezone.localdate()
    filterset = DashboardFilter(data=params if params is not None else {}, user=user)
    sub_strands = list(filterset.qs.select_related("objective__strategy").order_by(
        "objective__strategy__name", "objective__number", "order"))
    period = filterset.selected_period
    periods = periods_up_to(period, 5)
    shown = periods[-4:]
    returns = {}
    if periods and sub_strands:
        qs = visible_returns(user).filter(period__in=periods, sub_strand_id__in=[s.id for s in sub_strands]).only(
            "id", "sub_strand_id", "period_id", "state", "overall_rag", "is_synthetic", "commentary"
        )
        returns = {(r.sub_strand_id, r.period_id): r for r in qs}

    objectives, by_objective = [], {}
    counts = {RAG.RED: 0, RAG.AMBER: 0, RAG.GREEN: 0}
    not_approved = no_status = 0
    synthetic = False
    for sub in sub_strands:
        row = SubStrandRow(sub_strand=sub, cells=status_cells(returns, sub, periods, shown))
        if sub.objective_id not in by_objective:
            by_objective[sub.objective_id] = ObjectiveRows(objective=sub.objective, rows=[])
            objectives.append(by_objective[sub.objective_id])
        by_objective[sub.objective_id].rows.append(row)
        synthetic = synthetic or any(c.is_synthetic for c in row.cells)
        current = row.current
        if current is None or current.rag is None:
            no_status += 1
        elif current.is_draft:
            not_approved += 1
        else:
            counts[current.rag] += 1

    kpi_rows = kpi_table_rows(user=user, sub_strands=sub_strands, period=period, today=today)
    briefings = briefing_links(user, shown[0] if shown else None)
    from reporting.plans.selectors import plan_status_counts  # the action plans' panel (one query)

    synthetic = synthetic or any(r.is_synthetic for r in kpi_rows)
    return Dashboard(
        period=period, periods=shown, objectives=objectives,
        counts={"red": counts[RAG.RED], "amber": counts[RAG.AMBER], "green": counts[RAG.GREEN]},
        kpi_rows=kpi_rows, shows_drafts=sees_drafts(user), synthetic=synthetic, filterset=filterset,
        not_approved=not_approved, no_status=no_status, briefings=briefings, plans=list(plan_status_counts()),
        briefing_period_ids={item["period"].id for item in briefings},
    )


def briefing_links(user, since):
    """The briefing notes from the first quarter shown onwards, newest first: issued ones for everyone,
    drafts (and periods with no briefing yet) too for those who may see drafts. One query."""
    if since is None:
        return []
    periods = (
        ReportingPeriod.objects.exclude(state=ReportingPeriod.State.NOT_OPEN)
        .filter(Q(financial_year__gt=since.financial_year) | Q(financial_year=since.financial_year, quarter__gte=since.quarter))
        .select_related("briefing")
        .order_by("-financial_year", "-quarter")
    )
    links = []
    for period in periods:
        briefing = getattr(period, "briefing", None)
        issued = briefing is not None and briefing.state == "issued"
        if issued or sees_all_drafts(user):
            links.append({"period": period, "state": "Issued" if issued else "Draft" if briefing else "Not started"})
    return links


def kpi_table_rows(*, user, sub_strands, period, today):
    """KPIs off target (latest figure Red or Amber) and KPIs whose figure is overdue (not yet
    available and its expected date has passed), as at `period`. Four queries."""
    if period is None or not sub_strands:
        return []
    kpis = KPI.objects.filter(is_active=True, sub_strand_id__in=[s.id for s in sub_strands])
    off_target_or_overdue = Q(shown_rag__in=[RAG.RED, RAG.AMBER]) | Q(not_available=True, expected_date__lt=today)
    latest = latest_measurements(visible_measurements(user), kpis, period, related=("period", "kpi"), where=off_target_or_overdue)
    sub_strand_by_id = {s.id: s for s in sub_strands}
    listed = []
    for m in latest.values():
        m.kpi.sub_strand = sub_strand_by_id[m.kpi.sub_strand_id]
        overdue = m.not_available and m.expected_date is not None and m.expected_date < today
        if m.rag in (RAG.RED, RAG.AMBER) or overdue:
            listed.append((m, overdue))
    targets = primary_targets({m.kpi_id for m, _ in listed}, [period.financial_year, *(target_year(m) for m, _ in listed)])
    rows = []
    for m, overdue in listed:
        kpi, rag = m.kpi, m.rag
        reasons = []
        if rag in (RAG.RED, RAG.AMBER):
            reasons.append(f"Off target ({rag_label(rag)})")
        if overdue:
            reasons.append(f"Figure overdue: expected by {m.expected_date.day} {m.expected_date:%B %Y}")
        value, kind = target_for(kpi, m, targets=targets)
        rows.append(
            KPIRow(
                kpi=kpi, measurement=m, code=kpi.code, title=kpi.title, sub_strand=kpi.sub_strand.full_name,
                value_text=figure_text(m), target_text=target_text(kpi, value, kind), rag=rag, rag_label=rag_label(rag),
                rag_sort=RAG_SORT[rag], data_for=data_lag_words(m), reported_in=m.period.label,
                reason="; ".join(reasons), is_draft=not m.approved, is_synthetic=m.is_synthetic,
            )
        )
    rows.sort(key=lambda r: (r.rag_sort, r.code))
    return rows


# -- the sub-strand page ---------------------------------------------------------------------


@dataclass
class KPILine:
    kpi: KPI
    measurement: Measurement | None
    value_text: str
    target_text: str
    rag: str | None
    rag_label: str
    data_for: str
    is_draft: bool
    is_synthetic: bool


def kpi_lines(*, user, kpis, period):
    """Each KPI with its latest figure (as at `period`) against its target. Four queries."""
    kpis = list(kpis)
    latest = {}
    if period is not None and kpis:
        latest = latest_measurements(visible_measurements(user), KPI.objects.filter(id__in=[k.id for k in kpis]), period)
    this_year = period.financial_year if period else None
    targets = primary_targets([k.id for k in kpis], [this_year, *(target_year(m) for m in latest.values())])
    lines = []
    for kpi in kpis:
        m = latest.get(kpi.id)
        if m is not None:
            m.kpi = kpi
        value, kind = target_for(kpi, m, financial_year=this_year, targets=targets)
        lines.append(
            KPILine(
                kpi=kpi, measurement=m, value_text=figure_text(m), target_text=target_text(kpi, value, kind),
                rag=m.rag if m else None, rag_label=rag_label(m.rag if m else None), data_for=data_lag_words(m),
                is_draft=bool(m) and not m.approved, is_synthetic=bool(m) and m.is_synthetic,
            )
        )
    return lines


@dataclass
class SubStrandPage:
    sub_strand: SubStrand
    latest: QuarterlyReturn | None
    latest_is_draft: bool
    history: list
    kpis: list
    synthetic: bool


def sub_strand_page(*, user, slug):
    """A sub-strand's latest overall status and commentary, its status history (with movement),
    and its KPIs with their latest figure against target. None if there is no such sub-strand."""
    sub = SubStrand.objects.select_related("objective__strategy", "lead_officer").filter(slug=slug).first()
    if sub is None:
        return None
    returns = list(
        visible_returns(user).filter(sub_strand=sub).select_related("period__briefing")
        .order_by("period__financial_year", "period__quarter")
    )
    history = []
    previous_rag = None
    for ret in returns:
        rag = ret.overall_rag or None
        move = movement(previous_rag, rag)
        history.append(
            {
                "period": ret.period, "rag": rag, "rag_label": rag_label(rag), "state_label": ret.get_state_display(),
                "is_draft": ret.state not in READER_VISIBLE_STATES, "movement": move,
                "movement_words": MOVEMENT_WORDS[move] if rag else "", "is_synthetic": ret.is_synthetic,
                "briefing_link": _briefing_readable(user, getattr(ret.period, "briefing", None)),
            }
        )
        previous_rag = rag or previous_rag
    history.reverse()  # newest first
    latest = returns[-1] if returns else None
    period = latest.period if latest else default_period()
    lines = kpi_lines(user=user, kpis=KPI.objects.filter(sub_strand=sub, is_active=True).order_by("order", "code"), period=period)
    synthetic = any(r.is_synthetic for r in returns) or any(line.is_synthetic for line in lines)
    return SubStrandPage(
        sub_strand=sub, latest=latest, latest_is_draft=bool(latest) and latest.state not in READER_VISIBLE_STATES,
        history=history, kpis=lines, synthetic=synthetic,
    )


def _briefing_readable(user, briefing):
    if briefing is None:
        return sees_all_drafts(user)
    return can(user, "view_briefing", briefing)


# -- the KPI page ----------------------------------------------------------------------------


@dataclass
class KPIPoint:
    measurement: Measurement
    period_label: str
    value: Decimal | None
    value_text: str
    target: Decimal | None
    target_text: str
    rag: str | None
    rag_label: str
    data_for: str
    commentary: str
    is_draft: bool
    is_synthetic: bool


@dataclass
class KPIPage:
    kpi: KPI
    points: list
    targets: list
    latest: KPIPoint | None
    synthetic: bool


def kpi_page(*, user, code):
    """A KPI's figures over time against its target, oldest first, with the data lag spelled
    out. None if there is no such KPI. Three queries."""
    kpi = (
        KPI.objects.select_related("sub_strand__objective")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("financial_year", "-is_primary", "kind")))
        .filter(code=code)
        .first()
    )
    if kpi is None:
        return None
    measurements = (
        visible_measurements(user)
        .filter(HAS_FIGURE, kpi=kpi)
        .select_related("period")
        .annotate(approved=_approved_return_for_measurement())
        .order_by("period__financial_year", "period__quarter")
    )
    points = []
    for m in measurements:
        m.kpi = kpi
        value, kind = target_for(kpi, m)
        points.append(
            KPIPoint(
                measurement=m, period_label=m.period.label, value=m.value, value_text=figure_text(m), target=value,
                target_text=target_text(kpi, value, kind) if value is not None else "No target",
                rag=m.rag, rag_label=rag_label(m.rag), data_for=data_lag_words(m), commentary=m.commentary,
                is_draft=not m.approved, is_synthetic=m.is_synthetic,
            )
        )
    targets = [
        {
            "year": financial_year_label(t.financial_year), "value_text": format_number(t.value, kpi.unit) or "None set",
            "kind": t.get_kind_display(), "description": t.description, "is_primary": t.is_primary,
            "tolerance": _plain(t.amber_tolerance),
        }
        for t in kpi.targets.all()
    ]
    return KPIPage(
        kpi=kpi, points=points, targets=targets, latest=points[-1] if points else None,
        synthetic=any(p.is_synthetic for p in points),
    )


def get_kpi(code):
    return KPI.objects.filter(code=code).first()


def lead_services():
    """The distinct lead services, for the dashboard filter. One query."""
    return sorted(set(SubStrand.objects.exclude(lead_service="").values_list("lead_service", flat=True)))

