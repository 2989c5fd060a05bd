"""The review queue: each submitted return the user may see, with what changed since the quarter
before (five queries whatever the size). Its overall status and each KPI's figure are compared with
their baselines, as every page compares them (reporting.statuses): the latest earlier status, and
the latest figure as at the period before, that the user may see as approved; never a draft."""
import operator
from dataclasses import dataclass, field
from functools import cached_property, reduce

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse

from kpis.models import KPI, Measurement
from kpis.rag import MOVEMENT_WORDS, figure_movement
from objectives import cadence as cadences
from objectives import text
from objectives.models import ReportingPeriod
from reporting.access import visible_measurements, visible_returns
from reporting.models import QuarterlyReturn, WorkflowState
from reporting import statuses, steps
from reporting.returns.selectors import figure_text
from reporting.statuses import figure_baselines, rated_before


# The fields a review row reads of each KPI and each figure: the text of a figure (kpis.formatting),
# its RAG and override (Measurement.rag, .override), its movement (kpis.rag.figure_movement), and the
# baseline's period. Read as plain values: a model instance each (200 KPIs, 400 figures on a large
# council) cost more than the page drew from them.
ADDRESSES = ("return", "return-approve", "return-send-back")  # a waiting return's page, and its decisions
_SUB_STRAND = "sub-strand-slug"  # stands for a sub-strand's slug in a return's address
PERIOD_SHOWN = ("financial_year", "number", "cadence", "start_date", "end_date")  # its label, and whether it is the one just before


class ShownKpi:
    """A KPI as a review row shows it (its code, title, unit, and the words for no rating, by the
    KPI's own rule), from plain values (KPI.objects.values_list(*FIELDS))."""

    FIELDS = ("id", "sub_strand_id", "code", "title", "kind", "unit")
    __slots__ = FIELDS
    Kind = KPI.Kind
    is_milestone = KPI.is_milestone  # the KPI's rules, asked, not written again
    is_contextual = KPI.is_contextual
    no_rating_words = KPI.no_rating_words

    def __init__(self, row):
        self.id, self.sub_strand_id, self.code, self.title, self.kind, self.unit = row


class ShownFigure:
    """A figure as a review row shows it: its text (kpis.formatting.measurement_text), its RAG and
    override and its movement by Measurement's own rules, and its period (`period`, one
    ReportingPeriod for all the figures of a period), from plain values (values_list(*FIELDS))."""

    FIELDS = ("id", "kpi_id", "period_id", "value", "milestone_status", "not_available", "expected_date",
              "rag_calculated", "rag_basis", "rag_override", "override_reason", "frozen_at", "frozen_rag")
    __slots__ = (*FIELDS, "period")
    is_frozen = Measurement.is_frozen  # Measurement's rules, asked, not written again
    rag = Measurement.rag
    override = Measurement.override
    get_milestone_status_display = Measurement.__dict__["get_milestone_status_display"]

    def __init__(self, row, period):
        (self.id, self.kpi_id, self.period_id, self.value, self.milestone_status, self.not_available, self.expected_date,
         self.rag_calculated, self.rag_basis, self.rag_override, self.override_reason, self.frozen_at,
         self.frozen_rag) = row
        self.period = period


@dataclass
class KpiChange:
    kpi: KPI
    now: Measurement | None
    before: Measurement | None  # its baseline: the latest approved figure as at the period before
    period: object = None  # the period of the return

    @property
    def now_text(self):
        return figure_text(self.now, self.kpi)

    @property
    def before_text(self):
        """The baseline's figure, with the period it was reported in when that is not the one just before."""
        text = figure_text(self.before, self.kpi)
        if self.before is not None and self.period is not None and not self.period.follows(self.before.period):
            return f"{text} ({self.before.period.label})"
        return text

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
    earlier: QuarterlyReturn | None = None  # its baseline: the latest earlier return the user may see as approved
    urls: dict = field(default_factory=dict)  # its addresses: "return", "return-approve", "return-send-back"

    @property
    def movement(self):
        return statuses.movement(self.ret, self.earlier)

    @property
    def overall_movement(self):
        return self.movement.words

    @cached_property
    def commentary_change(self):
        """How the commentary differs from the period before's (objectives.text.change); asked once
        a row, though the page asks it twice."""
        return text.change(self.previous.commentary if self.previous else None, self.ret.commentary)

    @property
    def commentary_change_words(self):
        return text.change_words(self.commentary_change, self.ret.period.word)


def submitted_returns(user):
    """The submitted returns the user may see, in the queue's order, with what its rows show of them (one query)."""
    return list(
        visible_returns(user).filter(state=WorkflowState.SUBMITTED)
        .select_related("period", "sub_strand__objective", "submitted_by")
        .order_by("period__end_date", "period__strategy_id", "sub_strand__objective__number", "sub_strand__order")
    )


def review_queue(user, submitted=None):
    """Each submitted return the user may see (`submitted`, if read already: submitted_returns), with
    what changed since the quarter before: the overall status (its movement against its baseline),
    each KPI's figure and RAG against its baseline, and how the commentary changed (unchanged, added
    to, rewritten). Seven queries (with one period in the queue); six when given `submitted`."""
    if submitted is None:
        submitted = submitted_returns(user)
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
    kpis = list(map(ShownKpi, KPI.objects.filter(sub_strand_id__in=sub_ids, is_active=True).order_by("order", "code")
                    .values_list(*ShownKpi.FIELDS)))
    now, before = {}, {}
    baselines = {  # each period's baseline figures: the latest approved as at the period before
        period_id: figure_baselines(ReportingPeriod(financial_year=fy, number=q, cadence=periods[period_id].cadence))
        for period_id, (_strategy, fy, q) in previous_keys.items()
    }
    flags = {f"baseline_{period_id}": ExpressionWrapper(q, output_field=BooleanField()) for period_id, q in baselines.items()}
    figures = visible_measurements(user).filter(Q(period_id__in=list(periods)) | reduce(operator.or_, baselines.values()),
                                                kpi_id__in=[kpi.id for kpi in kpis])
    # Only what the rows show and the rules asked of them read (figure_text, Measurement.rag and
    # .override, the movement); no ordering (read into dicts), so no join to the KPIs' sub-strands.
    # Each figure's period built once, not once a figure (the baseline's period: its label, and
    # whether it is the one just before); the queue's own periods are those already read.
    shown_periods = dict(periods)
    period_fields = {f"period_{name}": F(f"period__{name}") for name in PERIOD_SHOWN}
    columns = (*ShownFigure.FIELDS, *period_fields, *flags)
    width = len(ShownFigure.FIELDS)
    flag_periods = [(width + len(period_fields) + i, period_id) for i, period_id in enumerate(baselines)]
    for row in figures.annotate(**flags, **period_fields).order_by().values_list(*columns):
        period_id = row[2]
        period = shown_periods.get(period_id)
        if period is None:
            period = shown_periods[period_id] = ReportingPeriod.from_db(
                figures.db, ["id", *PERIOD_SHOWN], [period_id, *row[width:width + len(period_fields)]])
        m = ShownFigure(row[:width], period)
        if period_id in periods:
            now[(m.kpi_id, period_id)] = m
        for at, baseline_of in flag_periods:
            if row[at]:
                before[(m.kpi_id, baseline_of)] = m
    earlier = {}
    for period in periods.values():  # one period in the queue, as a rule
        for sub_id, found in rated_before(user, sub_ids, period).items():
            earlier[(sub_id, period.id)] = found
    kpis_of = {}  # each sub-strand's KPIs, in their order
    for kpi in kpis:
        kpis_of.setdefault(kpi.sub_strand_id, []).append(kpi)
    # Each return's addresses reversed once a period, the sub-strand's slug put in its place (a slug
    # needs no quoting), as the calendar does (reporting.returns.calendar), not three times a return.
    addresses = {period_id: {name: reverse(name, args=[period.slug, _SUB_STRAND]) for name in ADDRESSES}
                 for period_id, period in periods.items()}
    rows = []
    for ret in submitted:
        _strategy, fy, q = previous_keys[ret.period_id]
        changes = [
            KpiChange(kpi, now.get((kpi.id, ret.period_id)), before.get((kpi.id, ret.period_id)), ret.period)
            for kpi in kpis_of.get(ret.sub_strand_id, ())
        ]
        slug = ret.sub_strand.slug
        rows.append(ReviewRow(ret, previous_returns.get((ret.sub_strand_id, fy, q)), changes,
                              earlier.get((ret.sub_strand_id, ret.period_id)),
                              {name: url.replace(_SUB_STRAND, slug) for name, url in addresses[ret.period_id].items()}))
    return rows


def approvable_ids(user, submitted):
    """The ids of the submitted returns (`submitted`: submitted_returns) this person may approve
    (reporting.steps.APPROVE_RETURN): a part of the key the queue is kept under
    (reporting.readers_cache), read before what is kept, since each row's box and Approve button are
    drawn from it."""
    return frozenset(ret.pk for ret in submitted if steps.APPROVE_RETURN.allows(user, ret))


def returns_by_ids(ids):
    """Returns chosen by id (bulk approval), with what the permission check and messages need."""
    return list(QuarterlyReturn.objects.filter(pk__in=ids).select_related("period", "sub_strand"))


