"""What the briefing workbook holds, read as this user may see it (reporting.access), in a fixed
number of queries whatever the size of the council."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from kpis.figures import judged_target, primary_targets, target_text, target_year
from kpis.models import KPI
from objectives import cadence as cadences
from objectives.models import Action, ActionPlan, ReportingPeriod
from objectives.selectors import objectives_with_sub_strands
from reporting.access import SEEN_BY_READERS, visible_measurements, visible_returns
from reporting.kpi_summaries import kpi_summaries
from reporting.models import ActionUpdate
from reporting.statuses import movement, rated_before

# -- reading what goes in ------------------------------------------------------------------------


@dataclass
class SummaryRow:
    objective: object
    sub_strand: object
    ret: object  # the return this user may see, or None
    previous: object  # last quarter's return this user may see, or None
    earlier: object = None  # its baseline: the latest earlier return this user may see as approved

    @property
    def movement_word(self):
        if self.ret is None or not self.ret.overall_rag:
            return "No status this period"
        return movement(self.ret, self.earlier).words


@dataclass
class KpiRow:
    objective: object
    sub_strand: object
    kpi: object
    figures: list  # one Measurement or None per quarter in WorkbookData.quarters, oldest first
    target: object  # (value, kind label) for the current figure
    ret: object = None
    summary: object = None  # what its figures say as at the period (reporting.kpi_summaries.KPISummary)

    @property
    def current(self):
        return self.figures[-1]


@dataclass
class ObjectiveSheet:
    objective: object
    summary: list = field(default_factory=list)
    kpis: list = field(default_factory=list)


@dataclass
class WorkbookData:
    period: object
    quarters: list  # up to four periods, oldest first, ending with `period`
    objectives: list  # ObjectiveSheet
    actions: list  # (action, ActionUpdate or None)
    calendar: list  # the periods of the financial year
    user: object
    exported_at: datetime.datetime
    includes_drafts: bool

    @property
    def strategy_name(self):
        names = sorted({o.objective.strategy.name for o in self.objectives})
        return names[0] if len(names) == 1 else "The council's strategies"


def last_quarters(period, count=4):
    """The period and the three of its strategy before it, oldest first (one query). A period that
    is not in the database yet is an unsaved one, so that the sheet always has four period columns."""
    wanted = []
    fy, q = period.financial_year, period.number
    for _ in range(count):
        wanted.append((fy, q))
        fy, q = cadences.before(fy, q, period.cadence)
    condition = Q()
    for fy, q in wanted:
        condition |= Q(financial_year=fy, number=q)
    found = {(p.financial_year, p.number): p
             for p in ReportingPeriod.objects.filter(condition, strategy_id=period.strategy_id)}
    return [found.get(key) or ReportingPeriod(strategy_id=period.strategy_id, cadence=period.cadence,
                                              financial_year=key[0], number=key[1]) for key in reversed(wanted)]


def target_for(kpi, measurement, period, targets):
    """(value, kind label) of the target a figure is judged against (kpis.figures.judged_target);
    with no target, the value is None and the words say what the bar is instead."""
    value, kind = judged_target(kpi, measurement, financial_year=period.financial_year, targets=targets)
    return (value, kind) if value is not None else (None, target_text(kpi, None, ""))


def workbook_data(*, period, user, sub_strand_ids=None, now=None, summaries=False):
    """Everything the workbook shows, as this user may see it. Nine queries whatever the size; with
    `summaries` (the briefing workbook: what each KPI's figures say as at the period, from the figures
    this user may see), up to six more.

    `sub_strand_ids` limits the KPI sheets and summary to those sub-strands (the return template).
    """
    quarters = last_quarters(period)
    previous = quarters[-2] if quarters[-2].pk else None
    objectives = list(objectives_with_sub_strands(period.strategy_id))
    returns = visible_returns(user).filter(period__in=[p.id for p in quarters[-2:] if p.pk]).select_related("period")
    if sub_strand_ids is not None:
        returns = returns.filter(sub_strand_id__in=sub_strand_ids)
    by_sub = {(r.sub_strand_id, r.period_id): r for r in returns}
    kpis = KPI.objects.filter(is_active=True).select_related("benchmark__group").order_by("sub_strand_id", "order", "code")
    if sub_strand_ids is not None:
        kpis = kpis.filter(sub_strand_id__in=sub_strand_ids)
    kpis_by_sub = {}
    for kpi in kpis:
        kpis_by_sub.setdefault(kpi.sub_strand_id, []).append(kpi)
    measurements = visible_measurements(user).filter(period__in=[p.id for p in quarters if p.pk], kpi__is_active=True)
    if sub_strand_ids is not None:
        measurements = measurements.filter(kpi__sub_strand_id__in=sub_strand_ids)
    by_id = {p.id: p for p in quarters if p.pk}
    figures = {}
    for m in measurements:
        m.period = by_id[m.period_id]
        figures[(m.kpi_id, m.period_id)] = m
    kpi_ids = [k.id for subs in kpis_by_sub.values() for k in subs]
    targets = primary_targets(kpi_ids, [period.financial_year, *(target_year(m) for m in figures.values())])
    said = {}
    if summaries:
        exported = now or timezone.now()
        said = kpi_summaries([k for subs in kpis_by_sub.values() for k in subs], figures=visible_measurements(user),
                             today=timezone.localtime(exported).date(), period=period)
    sub_ids = [s.id for o in objectives for s in o.sub_strands.all() if sub_strand_ids is None or s.id in sub_strand_ids]
    earlier = rated_before(user, sub_ids, period)
    sheets = []
    for objective in objectives:
        sheet = ObjectiveSheet(objective)
        for sub in objective.sub_strands.all():
            if sub_strand_ids is not None and sub.id not in sub_strand_ids:
                continue
            ret = by_sub.get((sub.id, period.id))
            sheet.summary.append(SummaryRow(objective, sub, ret, by_sub.get((sub.id, previous.id)) if previous else None,
                                            earlier.get(sub.id)))
            for kpi in kpis_by_sub.get(sub.id, []):
                row_figures = [figures.get((kpi.id, p.id)) if p.pk else None for p in quarters]
                kpi.sub_strand = sub
                sheet.kpis.append(
                    KpiRow(objective, sub, kpi, row_figures, target_for(kpi, row_figures[-1], period, targets), ret,
                           summary=said.get(kpi.id))
                )
        if sheet.summary:
            sheets.append(sheet)
    strategies = {o.strategy_id for o in objectives}
    visible_period_returns = [r.id for r in by_sub.values() if r.period_id == period.id]
    updates = {
        u.action_id: u
        for u in ActionUpdate.objects.filter(quarterly_return_id__in=visible_period_returns)
    }
    actions = [
        (action, updates.get(action.id))
        for action in Action.objects.filter(plan__in=ActionPlan.objects.filter(strategy_id__in=strategies))
        .select_related("plan", "sub_strand")
        .order_by("plan__name", "number")
    ]
    calendar = list(ReportingPeriod.objects.filter(strategy_id=period.strategy_id, financial_year=period.financial_year)
                    .order_by("number"))
    return WorkbookData(
        period=period,
        quarters=quarters,
        objectives=sheets,
        actions=actions,
        calendar=calendar,
        user=user,
        exported_at=now or timezone.now(),
        includes_drafts=any(r.state not in SEEN_BY_READERS for r in by_sub.values()),
    )
