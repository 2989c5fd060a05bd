"""Reads for quarterly returns: the return page, "My returns", the review queue, the reporting
calendar and each return's history. Each list is read in a fixed number of queries whatever its
size (tests pin the counts), and each filters what the user may see.

The rules of deadlines live here as plain functions: `is_outstanding(state)` and
`is_overdue(state, period, today)`.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kpis.models import KPI, Measurement, Target
from kpis.formatting import format_kpi_value, measurement_text
from kpis.rag import DEFAULT_AMBER_TOLERANCE, MOVEMENT_WORDS, movement, suggested_overall
from kpis.selectors import target_year
from objectives.models import Action, ReportingPeriod, SubStrand, financial_year_label
from objectives.permissions import Role, can, editable_sub_strand_ids, roles_of, sees_all_drafts
from reporting.models import ActionUpdate, QuarterlyReturn, ReturnRevision, WorkflowState
from reporting.visibility import visible_returns
from reporting.visibility import visible_measurements

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "Not started", **dict(WorkflowState.choices)}
# GOV.UK tag colours for each state (the word is always shown).
STATE_TAG_CLASSES = {
    NOT_STARTED: "govuk-tag--grey",
    WorkflowState.DRAFT: "govuk-tag--yellow",
    WorkflowState.SUBMITTED: "govuk-tag--blue",
    WorkflowState.RETURNED: "govuk-tag--orange",
    WorkflowState.APPROVED: "govuk-tag--green",
    WorkflowState.PUBLISHED: "govuk-tag--turquoise",
}


# -- deadline rules ------------------------------------------------------------------------------

def is_outstanding(state):
    """Still to be submitted: not started, a draft, or returned for changes."""
    return state in (None, NOT_STARTED, WorkflowState.DRAFT, WorkflowState.RETURNED)


def is_overdue(state, period, today=None):
    """Outstanding after the period's dashboard update deadline (in an open or closed period)."""
    if period.state not in (ReportingPeriod.State.OPEN, ReportingPeriod.State.CLOSED):
        return False
    return is_outstanding(state) and period.is_overdue(today or timezone.localdate())


# -- finding a return ----------------------------------------------------------------------------

def return_for(period_slug, sub_strand_slug):
    """The return of a sub-strand for a period, or an unsaved draft (version 0) when not started. 404s on bad slugs."""
    period = get_object_or_404(ReportingPeriod, slug=period_slug)
    sub_strand = get_object_or_404(SubStrand.objects.select_related("objective"), slug=sub_strand_slug)
    ret = (
        QuarterlyReturn.objects.select_related("period", "sub_strand__objective", "updated_by", "submitted_by", "approved_by")
        .filter(period=period, sub_strand=sub_strand)
        .first()
    )
    if ret is None:
        ret = QuarterlyReturn(period=period, sub_strand=sub_strand, state=WorkflowState.DRAFT, version=0)
    return ret


def get_period(period_slug):
    return get_object_or_404(ReportingPeriod, slug=period_slug)


# -- the rules' RAG, in bulk ---------------------------------------------------------------------

@dataclass
class RatingContext:
    """What the RAG rules compare a KPI's figure with, as kpis.services.rate_measurement finds it."""

    target: Target | None
    bar: Decimal | None  # the target's value, or last year's value where there is no target
    bar_label: str
    tolerance: Decimal

    def as_json(self, kpi):
        return {
            "direction": kpi.direction,
            "bar": None if self.bar is None else str(self.bar),
            "basis": self.bar_label,
            "tolerance": str(self.tolerance),
        }


YEARLY_CADENCES = {KPI.Cadence.ANNUAL, KPI.Cadence.ACADEMIC_YEAR}


def rating_contexts(kpis, period, measurements):
    """{kpi id: RatingContext} for these KPIs in this period, in three queries.

    The same rules as kpis.selectors.primary_target and previous_value: the primary target of the
    year the data is for; with none (or no value), the previous year's value: the same quarter a year
    earlier, or for annual and academic-year KPIs the latest figure of an earlier year.
    """
    kpis = list(kpis)
    if not kpis:
        return {}
    years = {}
    for kpi in kpis:
        m = measurements.get(kpi.id)
        years[kpi.id] = target_year(m) if m is not None else period.financial_year
    targets = {}
    for t in Target.objects.filter(kpi__in=kpis, is_primary=True, financial_year__in=set(years.values())):
        if t.financial_year == years[t.kpi_id]:
            targets[t.kpi_id] = t
    same_quarter = dict(
        Measurement.objects.filter(kpi__in=kpis, value__isnull=False, period__financial_year=period.financial_year - 1,
                                   period__quarter=period.quarter).values_list("kpi_id", "value")
    )
    latest_earlier = Measurement.objects.filter(
        kpi_id=OuterRef("pk"), value__isnull=False, period__financial_year__lt=period.financial_year
    ).order_by("-period__financial_year", "-period__quarter")
    latest = {
        kpi_id: value
        for kpi_id, value in KPI.objects.filter(id__in=[k.id for k in kpis], cadence__in=YEARLY_CADENCES)
        .annotate(value=Subquery(latest_earlier.values("value")[:1])).values_list("id", "value")
        if value is not None
    }
    contexts = {}
    for kpi in kpis:
        target = targets.get(kpi.id)
        if target is not None and target.value is not None:
            contexts[kpi.id] = RatingContext(target, target.value, "Against target", target.amber_tolerance)
            continue
        tolerance = target.amber_tolerance if target is not None else DEFAULT_AMBER_TOLERANCE
        bar = same_quarter.get(kpi.id)
        if bar is None and kpi.cadence in YEARLY_CADENCES:
            bar = latest.get(kpi.id)
        label = "Against the previous year (no target)" if bar is not None else "No target and no previous year to compare with"
        contexts[kpi.id] = RatingContext(None, bar, label, tolerance)
    return contexts


# -- figures in words ----------------------------------------------------------------------------

def figure_text(m, kpi=None):
    """A measurement in words: its value, milestone status, or 'Not yet available (expected …)'."""
    return measurement_text(m, kpi=kpi, missing="Not entered")


# -- the return page -----------------------------------------------------------------------------

@dataclass
class KpiRow:
    kpi: KPI
    measurement: Measurement | None
    previous: Measurement | None
    context: RatingContext
    fields: dict = field(default_factory=dict)  # filled by the view with the form's bound fields

    @property
    def current_text(self):
        return figure_text(self.measurement, self.kpi)

    @property
    def previous_text(self):
        return figure_text(self.previous, self.kpi)

    @property
    def bar_text(self):
        """What the rules compare with, in words: 'Target 640 (Local Plan requirement)'."""
        c = self.context
        if self.kpi.is_milestone:
            return "Rated from the milestone status"
        if c.target is not None:
            return f"Target {format_kpi_value(c.bar, self.kpi.unit)} ({c.target.get_kind_display()}) for {c.target.financial_year}/{str(c.target.financial_year + 1)[-2:]}"
        if c.bar is not None:
            return f"No target: compared with last year's {format_kpi_value(c.bar, self.kpi.unit)}"
        return "No target and no figure from last year to compare with"


@dataclass
class ActionRow:
    action: Action
    update: ActionUpdate | None
    previous: ActionUpdate | None
    fields: dict = field(default_factory=dict)


def return_page(user, ret):
    """Everything the return page shows beside the form: KPI rows with last quarter's figures, action
    rows, last quarter's return, the revisions, the history and what the user may do. A fixed number
    of queries however many KPIs, actions and history entries there are."""
    period, sub = ret.period, ret.sub_strand
    previous_period = period.previous()
    kpis = list(KPI.objects.filter(sub_strand=sub, is_active=True).order_by("order", "code"))
    current = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period=period).select_related("period")}
    previous = {}
    previous_return = None
    if previous_period is not None:
        previous = {
            m.kpi_id: m
            for m in visible_measurements(user).filter(kpi__in=kpis, period=previous_period).select_related("period")
        }
        previous_return = visible_returns(user).filter(sub_strand=sub, period=previous_period).first()
    contexts = rating_contexts(kpis, period, current)
    kpi_rows = [KpiRow(k, current.get(k.id), previous.get(k.id), contexts[k.id]) for k in kpis]

    actions = list(Action.objects.filter(sub_strand=sub).select_related("plan").order_by("plan__name", "number"))
    updates = {}
    if ret.pk:
        updates = {u.action_id: u for u in ActionUpdate.objects.filter(quarterly_return=ret)}
    previous_updates = {}
    if previous_return is not None:
        previous_updates = {u.action_id: u for u in ActionUpdate.objects.filter(quarterly_return=previous_return)}
    action_rows = [ActionRow(a, updates.get(a.id), previous_updates.get(a.id)) for a in actions]

    rags = [row.measurement.rag if row.measurement else None for row in kpi_rows]
    revisions = list(ReturnRevision.objects.filter(quarterly_return=ret).select_related("approved_by", "reopened_by")) if ret.pk else []
    return {
        "kpi_rows": kpi_rows,
        "action_rows": action_rows,
        "previous_period": previous_period,
        "previous_return": previous_return,
        "suggested_overall": suggested_overall(rags),
        "revisions": revisions,
        # The history holds every draft value: only for those who may see this sub-strand's drafts.
        "history": return_history(ret) if ret.pk and _sees_drafts_of(user, ret) else None,
        "may": {
            "edit": can(user, "edit_return", ret),
            "submit": can(user, "submit_return", ret),
            "approve": ret.pk is not None and can(user, "approve_return", ret),
            "send_back": ret.pk is not None and can(user, "send_back_return", ret),
            "reopen": ret.pk is not None and can(user, "reopen_return", ret),
        },
        "overdue": is_overdue(ret.state if ret.pk else None, period),
        "live_rules": {
            "kpis": {str(row.kpi.id): row.context.as_json(row.kpi) for row in kpi_rows},
        },
    }


def _sees_drafts_of(user, ret):
    return sees_all_drafts(user) or (Role.OFFICER in roles_of(user) and ret.sub_strand_id in editable_sub_strand_ids(user))


# -- history -------------------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {
    "id", "version", "updated_by", "submitted_by", "approved_by", "updated_at", "created_at", "rag_basis", "kpi", "period",
    "sub_strand", "quarterly_return", "plan_update", "action", "is_synthetic", "frozen_target_kind", "frozen_at",
    "data_for_end",
}
HISTORY_LABELS = {
    "rag_calculated": "Status by the rules",
    "rag_override": "Status override",
    "override_reason": "Reason for the override",
    "frozen_rag": "Status frozen at approval",
    "frozen_target": "Target frozen at approval",
    "frozen_tolerance": "Amber tolerance frozen at approval",
    "return_comment": "Approver's comment",
    "rag_explanation": "Why the status differs from the KPIs",
    "submitted_at": "Submitted",
    "approved_at": "Approved",
    "narrative": "Progress",
}
HISTORY_MODELS = {
    ("reporting", "quarterlyreturn"): QuarterlyReturn,
    ("kpis", "measurement"): Measurement,
    ("reporting", "actionupdate"): ActionUpdate,
}


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    action: str
    changes: list


def _display(model_field, raw):
    if raw in (None, "None", ""):
        return "(empty)"
    raw = str(raw)
    choices = dict(model_field.choices or []) if getattr(model_field, "choices", None) else None
    if choices:
        return str(choices.get(raw, raw))
    kind = model_field.get_internal_type()
    if kind == "BooleanField":
        return {"True": "Yes", "False": "No"}.get(raw, raw)
    if kind == "DateField":
        try:
            d = datetime.date.fromisoformat(raw[:10])
            return f"{d.day} {d:%B %Y}"
        except ValueError:
            return raw
    if kind == "DateTimeField":
        try:
            d = timezone.localtime(datetime.datetime.fromisoformat(raw))
            return f"{d.day} {d:%B %Y} {d:%H:%M}"
        except ValueError:
            return raw
    if kind == "DecimalField":
        try:
            value = Decimal(raw)
            return f"{value.normalize():,f}"
        except ArithmeticError:
            return raw
    return raw if len(raw) <= 300 else raw[:300] + "…"


def history_entries(queryset):
    """LogEntry rows as who, when, what, and each field's old → new value in words."""
    entries = []
    for log in queryset:
        model = HISTORY_MODELS.get((log.content_type.app_label, log.content_type.model))
        changes = []
        for name, values in (log.changes_dict or {}).items():
            if name in HIDDEN_HISTORY_FIELDS or model is None:
                continue
            if log.action == 0 and name in ("revision", "state", "not_available"):
                continue  # a new record's defaults say nothing
            try:
                model_field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a field since removed
                continue
            if not getattr(model_field, "concrete", False):
                continue
            old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
            old_text, new_text = _display(model_field, old), _display(model_field, new)
            if old_text == new_text:
                continue
            label = HISTORY_LABELS.get(name) or str(model_field.verbose_name).capitalize()
            changes.append(HistoryChange(label, old_text, new_text))
        if not changes:
            continue
        actor = log.actor
        who = (actor.get_full_name() or actor.get_username()) if actor else "The system"
        if model is QuarterlyReturn:
            what = "Return"
        elif model is Measurement:
            what = log.object_repr.split(" in ")[0]
        else:
            what = log.object_repr.replace("Update on ", "Action ")
        action = {0: "Created", 1: "Changed", 2: "Deleted"}.get(log.action, "Changed")
        entries.append(HistoryEntry(log.timestamp, who, what, action, changes))
    return entries


def history_queryset(ret):
    """One query for the return's history: the return, its measurements and its action updates."""
    measurement_ids = Measurement.objects.filter(kpi__sub_strand_id=ret.sub_strand_id, period_id=ret.period_id).values("pk")
    update_ids = ActionUpdate.objects.filter(quarterly_return_id=ret.pk).values("pk")
    return (
        LogEntry.objects.filter(
            Q(content_type__app_label="reporting", content_type__model="quarterlyreturn", object_id=ret.pk)
            | Q(content_type__app_label="kpis", content_type__model="measurement", object_id__in=measurement_ids)
            | Q(content_type__app_label="reporting", content_type__model="actionupdate", object_id__in=update_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def return_history(ret):
    return history_entries(history_queryset(ret))


# -- what is missing -----------------------------------------------------------------------------

def missing_items(ret, kpis, measurements):
    """What a return still lacks before it can be submitted, in words (no queries)."""
    if ret is None:
        return ["Not started"]
    missing = []
    if not ret.overall_rag:
        missing.append("Overall status")
    if not ret.commentary.strip():
        missing.append("Commentary")
    for kpi in kpis:
        m = measurements.get(kpi.id)
        if m is None or not m.has_figure:
            missing.append(f"{kpi.code} {kpi.title}")
    return missing


# -- My returns ----------------------------------------------------------------------------------

@dataclass
class MyReturnRow:
    sub_strand: SubStrand
    ret: QuarterlyReturn | None
    state: str
    missing: list
    overdue: bool

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def tag_class(self):
        return STATE_TAG_CLASSES[self.state]


def _sub_strands_for(user):
    subs = SubStrand.objects.select_related("objective", "lead_officer").order_by("objective__number", "order")
    if roles_of(user) & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return subs
    return subs.filter(id__in=editable_sub_strand_ids(user))


def my_returns(user, *, period=None, today=None):
    """The open period (or the one given) and a row per sub-strand the user fills in (the Economy Cell:
    all), with its state, what is missing and whether it is overdue. Four queries whatever the size."""
    from objectives.selectors import open_period

    period = period or open_period()
    if period is None:
        return None, []
    today = today or timezone.localdate()
    subs = list(_sub_strands_for(user))
    sub_ids = [s.id for s in subs]
    returns = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period, sub_strand_id__in=sub_ids)}
    kpis_by_sub = {}
    kpis = list(KPI.objects.filter(sub_strand_id__in=sub_ids, is_active=True).order_by("order", "code"))
    for kpi in kpis:
        kpis_by_sub.setdefault(kpi.sub_strand_id, []).append(kpi)
    measurements = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period=period)}
    rows = []
    for sub in subs:
        ret = returns.get(sub.id)
        state = ret.state if ret else NOT_STARTED
        missing = missing_items(ret, kpis_by_sub.get(sub.id, []), measurements) if is_outstanding(state) else []
        rows.append(MyReturnRow(sub, ret, state, missing, is_overdue(state, period, today)))
    return period, rows


# -- the review queue ----------------------------------------------------------------------------

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
        return MOVEMENT_WORDS[movement(self.before.rag if self.before else None, self.now.rag if self.now else None)]


@dataclass
class ReviewRow:
    ret: QuarterlyReturn
    previous: QuarterlyReturn | None
    kpi_changes: list

    @property
    def overall_movement(self):
        return MOVEMENT_WORDS[movement(self.previous.overall_rag if self.previous else None, self.ret.overall_rag)]

    @property
    def commentary_changed(self):
        return self.previous is None or self.previous.commentary.strip() != self.ret.commentary.strip()


def review_queue(user):
    """Each submitted return the user may see, with what changed since the quarter before: the
    overall status, each KPI's figure and RAG, and whether the commentary was rewritten. Five queries."""
    submitted = list(
        visible_returns(user).filter(state=WorkflowState.SUBMITTED)
        .select_related("period", "sub_strand__objective", "submitted_by")
        .order_by("period__financial_year", "period__quarter", "sub_strand__objective__number", "sub_strand__order")
    )
    if not submitted:
        return []
    periods = {r.period_id: r.period for r in submitted}
    previous_keys = {}
    for period in periods.values():
        fy, q = (period.financial_year, period.quarter - 1) if period.quarter > 1 else (period.financial_year - 1, 4)
        previous_keys[period.id] = (fy, q)
    sub_ids = {r.sub_strand_id for r in submitted}
    wanted = Q()
    for fy, q in set(previous_keys.values()):
        wanted |= Q(period__financial_year=fy, period__quarter=q)
    previous_returns = {
        (r.sub_strand_id, r.period.financial_year, r.period.quarter): r
        for r in visible_returns(user).filter(wanted, sub_strand_id__in=sub_ids).select_related("period")
    }
    kpis = list(KPI.objects.filter(sub_strand_id__in=sub_ids, is_active=True).order_by("order", "code"))
    measurements = {}
    period_filter = Q(period_id__in=list(periods)) | wanted
    for m in visible_measurements(user).filter(period_filter, kpi__in=kpis).select_related("period"):
        measurements[(m.kpi_id, m.period.financial_year, m.period.quarter)] = m
    rows = []
    for ret in submitted:
        fy, q = previous_keys[ret.period_id]
        changes = [
            KpiChange(
                kpi,
                measurements.get((kpi.id, ret.period.financial_year, ret.period.quarter)),
                measurements.get((kpi.id, fy, q)),
            )
            for kpi in kpis
            if kpi.sub_strand_id == ret.sub_strand_id
        ]
        rows.append(ReviewRow(ret, previous_returns.get((ret.sub_strand_id, fy, q)), changes))
    return rows


def returns_by_ids(ids):
    """Returns chosen by id (bulk approval), with what the permission check and messages need."""
    return list(QuarterlyReturn.objects.filter(pk__in=ids).select_related("period", "sub_strand"))


# -- the reporting calendar ----------------------------------------------------------------------

@dataclass
class CalendarCell:
    period: ReportingPeriod
    ret: QuarterlyReturn | None
    state: str | None  # None: the period is not open yet
    overdue: bool

    @property
    def state_label(self):
        return "Not open yet" if self.state is None else STATE_LABELS[self.state]

    @property
    def tag_class(self):
        return "govuk-tag--grey" if self.state is None else STATE_TAG_CLASSES[self.state]


@dataclass
class CalendarRow:
    sub_strand: SubStrand
    cells: list


def calendar_years():
    """[(2023, "2023/24"), ...]: the financial years that have periods."""
    years = ReportingPeriod.objects.order_by("financial_year").values_list("financial_year", flat=True).distinct()
    return [(y, financial_year_label(y)) for y in years]


def period_calendar(user, *, financial_year=None, today=None):
    """A financial year's periods with their governance dates, and per sub-strand the state of each
    period's return, overdue ones marked. Three queries whatever the size."""
    today = today or timezone.localdate()
    if financial_year is None:
        from objectives.selectors import open_period

        current = open_period()
        financial_year = current.financial_year if current else (today.year if today.month >= 4 else today.year - 1)
    periods = list(ReportingPeriod.objects.filter(financial_year=financial_year).order_by("quarter"))
    subs = list(SubStrand.objects.select_related("objective", "lead_officer").order_by("objective__number", "order"))
    returns = {
        (r.sub_strand_id, r.period_id): r
        for r in QuarterlyReturn.objects.filter(period__in=periods).only("id", "sub_strand_id", "period_id", "state", "overall_rag")
    }
    rows = []
    for sub in subs:
        cells = []
        for period in periods:
            ret = returns.get((sub.id, period.id))
            if period.state == ReportingPeriod.State.NOT_OPEN and ret is None:
                cells.append(CalendarCell(period, None, None, False))
                continue
            state = ret.state if ret else NOT_STARTED
            cells.append(CalendarCell(period, ret, state, is_overdue(state, period, today)))
        rows.append(CalendarRow(sub, cells))
    return financial_year, periods, rows
