"""Reads for quarterly returns: the return page and "My returns". Each is read in a fixed number
of queries whatever its size (tests pin the counts), and each filters what the user may see
(reporting.access). The review queue is in reporting.returns.review, the calendar in
reporting.returns.calendar, a return's history in reporting.returns.history.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, FilteredRelation, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kpis.figures import RatingContext, bar_text, rating_contexts
from kpis.formatting import format_kpi_value, measurement_text
from kpis.models import KPI, Measurement
from kpis.outlook import outlook_texts, year_end_outlooks
from kpis.rag import MilestoneStatus, override_of, suggested_overall
from objectives.models import Action, ReportingPeriod, SubStrand
from objectives.roles import Role, editable_sub_strand_ids, editors_by_sub_strand, editors_of, roles_of
from objectives.selectors import open_period
from reporting import steps
from reporting.access import sees_drafts_of, visible_measurements, visible_returns
from reporting.models import ActionUpdate, QuarterlyReturn, ReturnRevision, WorkflowState
from reporting.returns.completeness import FigureFacts, KpiFacts, saved_return_problems
from reporting.returns.history import return_history
from reporting.workflow import APPROVED, NOT_STARTED, OUTSTANDING, is_outstanding, is_overdue

# -- finding a return ----------------------------------------------------------------------------

def return_for(period_slug, sub_strand_slug):
    """The return of a sub-strand for a period, or an unsaved draft (version 0) when not started. 404s on bad slugs."""
    ret = (
        QuarterlyReturn.objects.select_related("period", "sub_strand__objective", "sub_strand__lead_officer", "updated_by",
                                               "submitted_by", "approved_by")
        .filter(period__slug=period_slug, sub_strand__slug=sub_strand_slug)
        .order_by("pk").first()  # one at most (both slugs are unique): no ordering's joins
    )
    if ret is None:  # not started (or no such period or sub-strand: 404)
        period = get_object_or_404(ReportingPeriod, slug=period_slug)
        sub_strand = get_object_or_404(SubStrand.objects.select_related("objective", "lead_officer"), slug=sub_strand_slug)
        if not period.reports(sub_strand):  # another strategy's period: there is no such return
            raise Http404("No such return.")
        ret = QuarterlyReturn(period=period, sub_strand=sub_strand, state=WorkflowState.DRAFT, version=0)
    return ret


def prefill(sub_strand, period):
    """What a new return starts from: the last period's commentary and each action's narrative and status."""
    return prefills([sub_strand.id], period)[sub_strand.id]


def prefills(sub_strand_ids, period):
    """prefill() for several sub-strands' new returns of one period ({sub-strand id: what it starts
    from}), in at most three queries however many (the return template fills in every return at once)."""
    starts = {sub_id: {"commentary": "", "actions": {}} for sub_id in sub_strand_ids}
    previous_period = period.previous() if starts else None
    if previous_period is None:
        return starts
    previous = {r.pk: r for r in QuarterlyReturn.objects.filter(sub_strand_id__in=starts, period=previous_period)}
    for ret in previous.values():
        starts[ret.sub_strand_id]["commentary"] = ret.commentary
    if previous:
        for update in ActionUpdate.objects.filter(quarterly_return_id__in=previous):
            actions = starts[previous[update.quarterly_return_id].sub_strand_id]["actions"]
            actions[update.action_id] = {"narrative": update.narrative, "status": update.status}
    return starts


def get_period(period_slug):
    return get_object_or_404(ReportingPeriod, slug=period_slug)


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
    outlook: object = None  # kpis.trajectory.Outlook: now and at the year's end; None without a target

    @property
    def current_text(self):
        return figure_text(self.measurement, self.kpi)

    @property
    def previous_text(self):
        return figure_text(self.previous, self.kpi)

    @property
    def bar_text(self):
        """What the rules compare with, in words: 'Target 640 (Local Plan requirement) for 2023/24'."""
        return bar_text(self.kpi, self.context)

    @property
    def outlook_text(self):
        """The outlook's figures in words (kpis.outlook.outlook_texts), or None."""
        return outlook_texts(self.kpi, self.outlook)


@dataclass
class ActionRow:
    action: Action
    update: ActionUpdate | None
    previous: ActionUpdate | None
    fields: dict = field(default_factory=dict)


def return_offers(user, ret):
    """What `user` may do on the return page: each step as reporting.steps answers it, a button
    (truthy) or the reason where it would be. Asked for each person (the page's content is kept for
    everyone of the same audience, reporting.readers_cache; these are not)."""
    offers = {
        "edit": steps.SAVE_RETURN.offer(user, ret),
        "submit": steps.SUBMIT_RETURN.offer(user, ret),
        "approve": steps.APPROVE_RETURN.offer(user, ret),
        "send_back": steps.SEND_BACK_RETURN.offer(user, ret),
        "reopen": steps.REOPEN_RETURN.offer(user, ret),
        "chase": steps.REMIND_RETURN.offer(user, ret),
    }
    if ret.pk is None:  # nothing to decide on, correct or chase in a return nobody has started but the reminder
        offers.update(approve=steps.Offer(hidden=True), send_back=steps.Offer(hidden=True), reopen=steps.Offer(hidden=True))
    return offers


def return_page(user, ret, *, kpis=None, actions=None, offers=None):
    """Everything the return page shows beside the form: KPI rows with last quarter's figures, action
    rows, last quarter's return, the revisions, the history and what the user may do; and under
    "form_data" what the return form would read again (its KPIs, actions, figures and updates). A
    fixed number of queries however many KPIs, actions and history entries there are. `kpis` and
    `actions`, in the form's order, when a form has read them already; `offers`, return_offers(),
    when the view has asked them already."""
    period, sub = ret.period, ret.sub_strand
    # Last period's return, with its period (one query); the period alone where it has none the person may see.
    previous_return = (visible_returns(user).filter(sub_strand=sub, period=Subquery(period.previous_query().values("pk")[:1]))
                       .select_related("period").order_by("pk").first())
    previous_period = previous_return.period if previous_return is not None else period.previous()
    if kpis is None:
        kpis = list(KPI.objects.filter(sub_strand=sub, is_active=True).order_by("order", "code"))
    # Each figure's period is the one asked for: given to it, not joined and read again for each.
    current = {m.kpi_id: _in(m, period) for m in Measurement.objects.filter(kpi__in=kpis, period=period).order_by()}
    previous = {}
    if previous_period is not None:
        previous = {m.kpi_id: _in(m, previous_period)
                    for m in visible_measurements(user).filter(kpi__in=kpis, period=previous_period).order_by()}
    contexts = rating_contexts(kpis, period, current)
    # Now and at the year's end (kpis.outlook), from the targets just read and the figures the person may see.
    outlooks = year_end_outlooks(kpis, period.financial_year, measurements=visible_measurements(user),
                                 targets={k.id: contexts[k.id].target for k in kpis})
    kpi_rows = [KpiRow(k, current.get(k.id), previous.get(k.id), contexts[k.id], outlook=outlooks.get(k.id)) for k in kpis]

    if actions is None:
        actions = list(Action.objects.filter(sub_strand=sub).select_related("plan").order_by("plan__name", "number"))
    updates = {}
    if ret.pk and actions:
        updates = {u.action_id: u for u in ActionUpdate.objects.filter(quarterly_return=ret)}
    previous_updates = {}
    if previous_return is not None and actions:
        previous_updates = {u.action_id: u for u in ActionUpdate.objects.filter(quarterly_return=previous_return)}
    action_rows = [ActionRow(a, updates.get(a.id), previous_updates.get(a.id)) for a in actions]

    rags = [row.measurement.rag if row.measurement else None for row in kpi_rows]
    if offers is None:
        offers = return_offers(user, ret)
    chase = bool(offers["chase"])
    revisions = []
    if ret.pk and ret.revision > 1:  # a revision is kept only when a correction reopens the return
        revisions = list(ReturnRevision.objects.filter(quarterly_return=ret).select_related("approved_by", "reopened_by"))
    units = {k.code: k.unit for k in kpis}
    for revision in revisions:
        for m in revision.snapshot.get("measurements", []):
            m["shown"] = snapshot_figure_text(m, units.get(m.get("kpi")))
            # What the rules said is kept in snapshots made since overrides are said (rules_basis None: not kept).
            m["override"] = override_of(shown=m.get("rag") or None, override=m.get("rag_override") or None,
                                        reason=m.get("override_reason", ""), rules_rag=m.get("rag_calculated") or None,
                                        rules_basis=m.get("rag_basis") if "rag_calculated" in m else None)
    return {
        "kpi_rows": kpi_rows,
        "action_rows": action_rows,
        "previous_period": previous_period,
        "previous_return": previous_return,
        "suggested_overall": suggested_overall(rags),
        "revisions": revisions,
        # The history holds every draft value: only for those who may see this sub-strand's drafts.
        "history": return_history(ret, kpis) if ret.pk and sees_drafts_of(user, ret.sub_strand_id) else None,
        # Each step as reporting.steps answers it: a button (truthy), or the reason where it would be.
        "may": offers,
        "nobody_to_remind": chase and not editors_of(sub),
        "overdue": is_overdue(ret.state if ret.pk else None, period, timezone.localdate()),
        "outstanding": is_outstanding(ret.state if ret.pk else None),
        "form_data": {"kpis": kpis, "actions": actions, "measurements": current, "updates": updates if ret.pk else None},
    }


def _in(measurement, period):
    measurement.period = period
    return measurement


def snapshot_figure_text(m, unit):
    """A figure of a kept revision (reporting.returns.corrections.snapshot_of) in words, with its unit."""
    if m.get("not_available"):
        expected = m.get("expected_date")
        if expected:
            day = datetime.date.fromisoformat(expected[:10])
            return f"Not yet available (expected {day.day} {day:%B %Y})"
        return "Not yet available"
    if m.get("milestone_status") in MilestoneStatus.values:
        return MilestoneStatus(m["milestone_status"]).label
    if m.get("value") not in (None, ""):
        return format_kpi_value(Decimal(m["value"]), unit or KPI.Unit.NUMBER)
    return "Not entered"


# -- My returns ----------------------------------------------------------------------------------

def missing_items(ret, kpis, measurements):
    """What a return still lacks before it can be submitted: exactly what Submit would refuse
    (reporting.returns.completeness), in its words. No queries."""
    if ret is None:
        return ["Not started"]
    return list(saved_return_problems(ret, kpis, measurements).values())



@dataclass
class MyReturnRow:
    sub_strand: SubStrand
    ret: QuarterlyReturn | None
    state: str
    missing: list
    overdue: bool
    period: ReportingPeriod | None = None
    nobody_to_remind: bool = False
    chase: steps.Offer | None = None  # "Send a reminder" (reporting.steps.REMIND_RETURN), or why not, or nothing


def _chase_offer(user, sub, ret, period):
    """REMIND_RETURN as this row offers it, asked of the row's return (an unsaved one where none is
    started) with its sub-strand and period as already read: no query."""
    ret = ret if ret is not None else QuarterlyReturn(sub_strand=sub, period=period)
    ret.sub_strand, ret.period = sub, period
    return steps.REMIND_RETURN.offer(user, ret)



def _sub_strands_for(user):
    """The sub-strands whose returns the user fills in (the Economy Cell: all); their editors are read
    with editors_by_sub_strand, for editors_of."""
    subs = SubStrand.objects.select_related("objective", "lead_officer").order_by("objective__number", "order")
    if fills_in_every_return(user):
        return subs
    return subs.filter(id__in=editable_sub_strand_ids(user))


def fills_in_every_return(user):
    """Whether My returns lists every sub-strand's return for this person (the Economy Cell, the
    administrator), rather than those they lead or edit."""
    return bool(roles_of(user) & {Role.COORDINATOR, Role.ADMINISTRATOR})


def my_sub_strands_key(user):
    """Whose returns My returns lists (_sub_strands_for), as a part of the key it is kept under
    (reporting.readers_cache): "all" for the Economy Cell, else the ids of the sub-strands the person
    leads or edits (an approver who is an officer too shares the approvers' audience, not their
    sub-strands)."""
    return "all" if fills_in_every_return(user) else tuple(sorted(editable_sub_strand_ids(user)))


def my_returns_page(user, *, strategy=None, today=None):
    """What My returns shows: the open period and its rows (my_returns), and the late returns
    (late_returns), of the strategy if given, from one read of the user's sub-strands; overdue as at
    `today` (the day the page is kept for: reporting.returns.views.my_returns)."""
    subs = _sub_strands_for(user)
    if strategy is not None:
        subs = subs.filter(objective__strategy=strategy)
    subs = list(subs)
    editors = editors_by_sub_strand(s.id for s in subs)
    period, rows = my_returns(user, strategy=strategy, today=today, sub_strands=subs, editors=editors)
    late = late_returns(user, strategy, sub_strands=subs, editors=editors)
    return {"period": period, "rows": rows, "late": late, **late_chasing(user, late)}


def late_chasing(user, late):
    """Whether any late return may be chased (`late_chased`: the table's Chase column), and if none
    may, why not, once for each period (`late_not_chased`: REMIND_RETURN's reasons, asked of each
    period's returns rather than written on every row)."""
    if any(row.chase and row.chase.shown for row in late):
        return {"late_chased": True, "late_not_chased": []}
    periods = {row.period.pk: row.period for row in late}
    reasons = [_chase_offer(user, None, None, period).reason for period in periods.values()]
    return {"late_chased": False, "late_not_chased": [reason for reason in reasons if reason]}


# A figure's FigureFacts.FIELDS read beside its KPI (through KPI.measurements, as `figure`).
FIGURE_OF_KPI = tuple(f"figure__{name.removesuffix('_id')}" for name in FigureFacts.FIELDS)


def my_returns(user, *, strategy=None, period=None, today=None, sub_strands=None, editors=None):
    """The strategy's open period (or the one given) and a row per sub-strand of it the user fills in
    (the Economy Cell: all), with its state, what is missing and whether it is overdue. Five queries
    whatever the size; three when given `sub_strands`, the user's as _sub_strands_for reads them, and
    `editors`, theirs as editors_by_sub_strand reads them."""
    period = period or open_period(strategy)
    if period is None:
        return None, []
    if strategy is not None and period.strategy_id == strategy.pk:
        period.strategy = strategy  # read already: the page names it (its register's "Raise a risk")
    today = today or timezone.localdate()
    if sub_strands is None:
        subs = list(_sub_strands_for(user).filter(objective__strategy_id=period.strategy_id))
    else:
        subs = [s for s in sub_strands if s.objective.strategy_id == period.strategy_id]
    sub_ids = [s.id for s in subs]
    if editors is None:
        editors = editors_by_sub_strand(sub_ids)
    returns = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period, sub_strand_id__in=sub_ids).order_by()}
    # What is missing is asked only of a return started and still outstanding: only their KPIs and
    # figures are read, through the returns, each KPI with its figure of the period beside it (one
    # query, whatever the data).
    kpis = (KPI.objects.filter(sub_strand_id__in=sub_ids, is_active=True, sub_strand__returns__period=period,
                               sub_strand__returns__state__in=OUTSTANDING)
            .annotate(figure=FilteredRelation("measurements", condition=Q(measurements__period=period))))
    width = len(KpiFacts.FIELDS)
    kpis_by_sub, measurements = {}, {}
    for row in kpis.order_by("order", "code").values_list(*KpiFacts.FIELDS, *FIGURE_OF_KPI):
        kpi = KpiFacts(row[:width])
        kpis_by_sub.setdefault(kpi.sub_strand_id, []).append(kpi)
        if row[width] is not None:  # the figure's KPI: none entered yet when there is none
            measurements[kpi.id] = FigureFacts(row[width:])
    rows = []
    for sub in subs:
        ret = returns.get(sub.id)
        state = ret.state if ret else NOT_STARTED
        missing = missing_items(ret, kpis_by_sub.get(sub.id, []), measurements) if is_outstanding(state) else []
        rows.append(MyReturnRow(sub, ret, state, missing, is_overdue(state, period, today), period,
                                nobody_to_remind=not editors_of(sub, editors=editors.get(sub.id, ())),
                                chase=_chase_offer(user, sub, ret, period)))
    return period, rows


def late_returns(user, strategy=None, *, sub_strands=None, editors=None):
    """The late returns this user fills in (the Economy Cell: all): those of published periods not
    approved yet. Every started one (a draft, returned, or waiting for approval) of any published
    period; and, for the latest published period, the sub-strands that never started theirs. Newest
    period first; of the strategy's periods and sub-strands, if given. Seven queries whatever the
    size (four with no late return started, and five with none outstanding); two fewer when given
    `sub_strands`, the user's as _sub_strands_for reads them, and `editors`, theirs as
    editors_by_sub_strand reads them."""
    published = ReportingPeriod.objects.filter(state=ReportingPeriod.State.PUBLISHED)
    if strategy is not None:
        published = published.filter(strategy=strategy)
    latest = published.order_by("-end_date").first()
    if latest is None:
        return []
    if sub_strands is None:
        mine = _sub_strands_for(user)
        if strategy is not None:
            mine = mine.filter(objective__strategy=strategy)
    else:
        mine = [s for s in sub_strands if strategy is None or s.objective.strategy_id == strategy.id]
    subs = {s.id: s for s in mine}
    if editors is None:
        editors = editors_by_sub_strand(subs)
    # In one read, as plain values: the returns of published periods not approved yet (started late
    # returns), and which sub-strands have a return of the latest published period. The started ones
    # are then read whole, with their periods, only when there are any (as a rule there are none).
    found = (QuarterlyReturn.objects.filter(period__in=published, sub_strand_id__in=list(subs))
             .filter(~Q(state__in=APPROVED) | Q(period=latest)).order_by().values_list("id", "sub_strand_id", "period_id", "state"))
    have_latest, started_ids = set(), []
    for pk, sub_id, period_id, state in found:
        if period_id == latest.pk:
            have_latest.add(sub_id)
        if state not in APPROVED:
            started_ids.append(pk)
    started = []
    if started_ids:
        started = list(QuarterlyReturn.objects.filter(pk__in=started_ids).select_related("period").order_by())  # rows are sorted below
    # Only the KPIs and figures of the late returns still outstanding (what is missing is asked of
    # those alone): a council whose late returns are few reads few, and with none reads none.
    outstanding = [r for r in started if is_outstanding(r.state)]
    by_sub, measurements = {}, {}
    if outstanding:  # none: nothing to ask, and no query built to find nothing
        for kpi in map(KpiFacts, KPI.objects.filter(sub_strand_id__in={r.sub_strand_id for r in outstanding}, is_active=True)
                       .order_by("order", "code").values_list(*KpiFacts.FIELDS)):
            by_sub.setdefault(kpi.sub_strand_id, []).append(kpi)
        measurements = {(m.kpi_id, m.period_id): m for m in map(FigureFacts, Measurement.objects.filter(
            kpi__is_active=True, kpi__sub_strand__returns__in=[r.id for r in outstanding], kpi__sub_strand__returns__period=F("period"))
            .order_by().values_list(*FigureFacts.FIELDS))}
    rows = []
    for ret in started:
        sub = subs[ret.sub_strand_id]
        theirs = {k.id: measurements[(k.id, ret.period_id)] for k in by_sub.get(sub.id, []) if (k.id, ret.period_id) in measurements}
        missing = missing_items(ret, by_sub.get(sub.id, []), theirs) if is_outstanding(ret.state) else []
        rows.append(MyReturnRow(sub, ret, ret.state, missing, False, ret.period,
                                nobody_to_remind=not editors_of(sub, editors=editors.get(sub.id, ())),
                                chase=_chase_offer(user, sub, ret, ret.period)))
    for sub in subs.values():
        if sub.id not in have_latest:
            rows.append(MyReturnRow(sub, None, NOT_STARTED, ["Not started"], False, latest,
                                    nobody_to_remind=not editors_of(sub, editors=editors.get(sub.id, ())),
                                    chase=_chase_offer(user, sub, None, latest)))
    order = {s_id: i for i, s_id in enumerate(subs)}
    rows.sort(key=lambda r: (-r.period.order_key, order[r.sub_strand.id]))
    return rows


