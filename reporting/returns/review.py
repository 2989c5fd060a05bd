"""The review queue: each submitted return the user may see, with what changed since the quarter
before (five queries whatever the size)."""
from dataclasses import dataclass

from django.db.models import Q

from kpis.models import KPI, Measurement
from kpis.rag import MOVEMENT_WORDS, figure_movement, movements
from objectives import cadence as cadences
from objectives import text
from reporting.access import visible_measurements, visible_returns
from reporting.models import QuarterlyReturn, WorkflowState
from reporting.returns.selectors import figure_text
from reporting.statuses import rated_before, status


@dataclass
class KpiChange:
    kpi: KPI
    now: Measurement | None
    before: Measurement | None

    @property
    def now_text(self):
        return figure_text(self.now, self.kpi)

    @property
    def before_text(self):
        return figure_text(self.before, self.kpi)

    @property
    def movement_word(self):
        before, now = self.before, self.now
        return MOVEMENT_WORDS[figure_movement(before.rag if before else None, now.rag if now else None,
                                              previous_milestone=before.milestone_status if before else "",
                                              current_milestone=now.milestone_status if now else "")]


@dataclass
class ReviewRow:
    ret: QuarterlyReturn
    previous: QuarterlyReturn | None  # the quarter before's return, if the user may see it
    kpi_changes: list
    earlier: QuarterlyReturn | None = None  # the latest earlier return with an overall status

    @property
    def movement(self):
        return movements([status(self.ret)], before=status(self.earlier) if self.earlier else None)[0]

    @property
    def overall_movement(self):
        return self.movement.words

    @property
    def commentary_change(self):
        """How the commentary differs from the period before's (objectives.text.change)."""
        return text.change(self.previous.commentary if self.previous else None, self.ret.commentary)

    @property
    def commentary_change_words(self):
        return text.change_words(self.commentary_change, self.ret.period.word)


def review_queue(user):
    """Each submitted return the user may see, with what changed since the quarter before: the
    overall status (its movement since the latest earlier status), each KPI's figure and RAG, and
    how the commentary changed (unchanged, added to, rewritten). Seven queries (with one period in the queue)."""
    submitted = list(
        visible_returns(user).filter(state=WorkflowState.SUBMITTED)
        .select_related("period", "sub_strand__objective", "submitted_by")
        .order_by("period__end_date", "period__strategy_id", "sub_strand__objective__number", "sub_strand__order")
    )
    if not submitted:
        return []
    periods = {r.period_id: r.period for r in submitted}
    previous_keys = {}
    for period in periods.values():
        previous_keys[period.id] = (period.strategy_id, *cadences.before(period.financial_year, period.number, period.cadence))
    sub_ids = {r.sub_strand_id for r in submitted}
    wanted = Q()
    for strategy_id, fy, q in set(previous_keys.values()):
        wanted |= Q(period__strategy_id=strategy_id, period__financial_year=fy, period__number=q)
    previous_returns = {
        (r.sub_strand_id, r.period.financial_year, r.period.number): r
        for r in visible_returns(user).filter(wanted, sub_strand_id__in=sub_ids).select_related("period")
    }
    kpis = list(KPI.objects.filter(sub_strand_id__in=sub_ids, is_active=True).order_by("order", "code"))
    measurements = {}
    period_filter = Q(period_id__in=list(periods)) | wanted
    for m in visible_measurements(user).filter(period_filter, kpi__in=kpis).select_related("period"):
        measurements[(m.kpi_id, m.period.financial_year, m.period.number)] = m
    earlier = {}
    for period in periods.values():  # one period in the queue, as a rule
        for sub_id, found in rated_before(visible_returns(user), sub_ids, period).items():
            earlier[(sub_id, period.id)] = found
    rows = []
    for ret in submitted:
        _strategy, fy, q = previous_keys[ret.period_id]
        changes = [
            KpiChange(
                kpi,
                measurements.get((kpi.id, ret.period.financial_year, ret.period.number)),
                measurements.get((kpi.id, fy, q)),
            )
            for kpi in kpis
            if kpi.sub_strand_id == ret.sub_strand_id
        ]
        rows.append(ReviewRow(ret, previous_returns.get((ret.sub_strand_id, fy, q)), changes,
                              earlier.get((ret.sub_strand_id, ret.period_id))))
    return rows


def returns_by_ids(ids):
    """Returns chosen by id (bulk approval), with what the permission check and messages need."""
    return list(QuarterlyReturn.objects.filter(pk__in=ids).select_related("period", "sub_strand"))


