"""Who may do what, and who may see what: written once, for every page, export, CSV, chart and
document.

Two kinds of rule live here, and nowhere else:

- **Who may take a step** (`can` / `require`): a table of small predicates (django-rules), one
  rule per action. These answer only *who*: whether the step may be taken now (state, period,
  version, completeness) is the step's question (`reporting.steps`), which asks this table first.
- **Who may see an object** (`Visibility`): each rule written once and used both as a test of one
  object (`RETURNS.test(user, ret)`) and as its queryset twin (`RETURNS.filter(user, qs)`).
  Readers (Cabinet Member, scrutiny members) see what has been approved and nothing else; officers
  also see their own work in progress; the Economy Cell, approvers and the administrator see all.
- **The public** (`PUBLIC`: anyone on the public pages under /public/, and any request not signed
  in) is the most restricted audience: what has been *published*, that is approved and then
  released by issuing its quarter's briefing (a correction approved after that is published at
  once). Never a draft, a submitted or returned return, nor an approved one whose briefing is still
  to be issued. Each Visibility rule below says what the public sees beside what readers see.

`can` uses a RuleSet of our own rather than Django's `user.has_perm`: Django answers yes to every
`has_perm` of an active superuser, which would skip the draft rules below for the administrator
account whatever they say, and a second authentication backend would make the answer depend on
the order of AUTHENTICATION_BACKENDS.
"""
import operator
from dataclasses import dataclass
from functools import reduce

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from kpis.figures import latest_as_at
from kpis.models import Measurement
from objectives.council import role_name
from objectives.models import ReportingPeriod
from objectives.roles import (
    Role, editable_sub_strand_ids, owned_action_ids, readable_strategy_ids, reads_strategy, roles_of,
)
from reporting import workflow
from reporting.models import ActionUpdate, Briefing, QuarterlyReturn, Risk, RiskReview, WorkflowState

# The public: the audience of the public pages, whoever is signed in, and of any request not signed in.
PUBLIC = AnonymousUser()


def is_the_public(user):
    """Is this the public (nobody signed in)? The most restricted audience: published data only."""
    return not getattr(user, "is_authenticated", False)


# -- predicates ----------------------------------------------------------------------------------


def role(*wanted):
    """A predicate true for users holding any of these roles (the administrator holds them all)."""
    names = {*wanted, Role.ADMINISTRATOR}

    @rules.predicate(name="role:" + "|".join(sorted(names)))
    def holds(user):
        return bool(roles_of(user) & names)

    return holds


@rules.predicate
def signed_in_with_a_role(user):
    return bool(roles_of(user))


is_officer = role(Role.OFFICER)
is_coordinator = role(Role.COORDINATOR)
is_approver = role(Role.APPROVER)
sees_all_drafts = role(Role.COORDINATOR, Role.APPROVER)
is_administrator = role()


@rules.predicate
def sees_drafts(user):
    """Everyone but readers sees work in progress (officers only their own)."""
    return bool(roles_of(user) & {Role.OFFICER, Role.COORDINATOR, Role.APPROVER, Role.ADMINISTRATOR})


def sees_drafts_of(user, sub_strand_id):
    """May this user see a sub-strand's work in progress (its drafts, and its history, which holds
    every draft value)? The Economy Cell, approvers, and officers who edit it."""
    return sees_all_drafts(user) or (Role.OFFICER in roles_of(user) and sub_strand_id in editable_sub_strand_ids(user))


def _path(obj, dotted):
    for name in dotted.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


@rules.predicate
def edits_its_sub_strand(user, obj):
    """An officer named as lead or editor of the object's sub-strand."""
    return Role.OFFICER in roles_of(user) and _path(obj, "sub_strand_id") in editable_sub_strand_ids(user)


@rules.predicate
def owns_its_action(user, obj):
    """An officer who owns the plan action (named as an owner, or editing its sub-strand)."""
    if obj is None:
        return False
    action_id = obj.pk if obj._meta.model_name == "action" else obj.action_id
    return Role.OFFICER in roles_of(user) and action_id in owned_action_ids(user)


@rules.predicate
def owns_its_risk(user, obj):
    """An officer named as the owner of the risk (of a risk's review, the risk reviewed)."""
    if obj is None or Role.OFFICER not in roles_of(user):
        return False
    risk = obj if isinstance(obj, Risk) else getattr(obj, "risk", None)
    return risk is not None and risk.owner_id == user.pk


def owned_risk_owner_ids(user):
    """The owner ids an officer's own risks have: theirs (a Visibility's `owned`)."""
    return {user.pk}


# -- who may take each step ----------------------------------------------------------------------

RULES = rules.RuleSet()
for name, predicate in {
    # Reading
    "view_dashboard": signed_in_with_a_role,
    "view_calendar": is_coordinator | is_approver,
    "view_review_queue": is_coordinator | is_approver,
    "view_my_returns": is_officer | is_coordinator,
    "export_workbook": signed_in_with_a_role,
    "read_api": signed_in_with_a_role,
    # Quarterly returns
    # Whether the period takes entry is the step's question (reporting.steps, workflow.entry_refusal).
    "edit_return": is_coordinator | edits_its_sub_strand,
    "submit_return": is_coordinator | edits_its_sub_strand,
    "approve_return": is_approver,
    "send_back_return": is_approver | is_coordinator,
    "reopen_return": is_coordinator | is_approver,
    "chase_returns": is_coordinator,
    # Periods, years, briefings, imports
    "manage_periods": is_coordinator,
    "set_up_year": is_coordinator,
    "onboard_strategy": is_administrator,  # the onboarding workbook: the strategy itself (reporting/workbooks/onboarding.py)
    "set_targets": is_coordinator,
    "record_change_of_process": is_coordinator,  # a KPI's variation limits recalculated from a period (reporting/variation/)
    "edit_briefing": is_coordinator,
    "issue_briefing": is_approver,
    "reissue_briefing": is_approver,
    # The spreadsheet route: officers for their own sub-strands (each return is checked against
    # edit_return), the Economy Cell for all.
    "import_returns": is_coordinator | is_officer,
    # Action plans
    "start_action_update": is_coordinator | owns_its_action,
    "edit_action_update": is_coordinator | owns_its_action,
    "submit_action_update": is_coordinator | owns_its_action,
    "approve_action_update": is_approver,
    "send_back_action_update": is_approver | is_coordinator,
    "edit_plan_report": is_coordinator,
    # The risk register (reporting/risks/): the owner reviews each period, the approver decides.
    "edit_risk_review": is_coordinator | owns_its_risk,
    "submit_risk_review": is_coordinator | owns_its_risk,
    "approve_risk_review": is_approver,
    "send_back_risk_review": is_approver | is_coordinator,
    "manage_risks": is_coordinator,
}.items():
    RULES.add_rule(name, predicate)

def can(user, action, obj=None):
    """May `user` (the person) do `action` (to `obj`)? Unknown actions are refused, never allowed."""
    if action not in RULES:
        raise KeyError(f"No permission rule called {action!r}.")
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(RULES.test_rule(action, user, obj))


def require(user, action, obj=None):
    """Raise PermissionDenied (a 403 page) unless the user may do it."""
    if not can(user, action, obj):
        raise PermissionDenied(refusal(user, action))


# What each rule lets a person do, as the end of "that role cannot …" (a sentence, never the rule's
# name taken apart: "set the up year", "start the action update"). Every rule has its words (tested).
ACTION_WORDS = {
    "view_dashboard": "view the dashboard",
    "view_calendar": "view the reporting calendar",
    "view_review_queue": "view the review queue",
    "view_my_returns": "fill in returns",
    "export_workbook": "download the briefing workbook",
    "read_api": "read the API",
    "edit_return": "edit this return",
    "submit_return": "submit this return",
    "approve_return": "approve returns",
    "send_back_return": "send back a return",
    "reopen_return": "reopen an approved return",
    "chase_returns": "send reminders about returns",
    "manage_periods": "open or close reporting periods",
    "set_up_year": "set up a new year",
    "onboard_strategy": "load a strategy from the onboarding workbook",
    "set_targets": "set the KPIs' targets for a year",
    "record_change_of_process": "record or remove a change of process for a KPI",
    "edit_briefing": "edit the briefing",
    "issue_briefing": "issue the briefing",
    "reissue_briefing": "issue the briefing again",
    "import_returns": "import returns from a workbook",
    "start_action_update": "start an update on a recommendation",
    "edit_action_update": "edit an update on a recommendation",
    "submit_action_update": "submit an update on a recommendation",
    "approve_action_update": "approve an update on a recommendation",
    "send_back_action_update": "send back an update on a recommendation",
    "edit_plan_report": "edit an action plan report",
    "edit_risk_review": "review this risk",
    "submit_risk_review": "submit this risk's review",
    "approve_risk_review": "approve risk reviews",
    "send_back_risk_review": "send back a risk review",
    "manage_risks": "raise or change a risk in the register",
}


def refusal(user, action):
    """Why a step is refused, in words: who the user is signed in as, and what their role cannot do."""
    what = ACTION_WORDS.get(action) or action.replace("_", " ")
    roles = sorted(role_name(role) for role in roles_of(user))  # in the council's words
    if not roles:
        return f"Your account has no role in the tracker yet, so it cannot {what}."
    held = " and ".join(roles)
    return f"You are signed in as {user.get_full_name() or user.get_username()} ({held}), and that role cannot {what}."


# -- who may see each object: an object rule beside its queryset twin ----------------------------


@dataclass(frozen=True)
class Visibility:
    """Who sees objects of one kind. Readers see the ones approved for them (`for_readers`, as a
    filter, and `is_for_readers`, the same test on one object: approved, or approved and published;
    an issued briefing); officers also see the ones they own
    (`owner_field` in `owned(user)`); the Economy Cell, approvers and the administrator see all.
    The public sees fewer still (`public` and `is_public`; None: none of them)."""

    for_readers: Q
    is_for_readers: object  # obj -> bool, the same condition as `for_readers`
    owner_field: str | None = None
    owned: object = None  # user -> ids
    public: Q | None = None
    is_public: object = None  # obj -> bool, the same condition as `public`
    strategy_field: str | None = None  # the path to the object's strategy, for readers of some strategies only

    def filter(self, user, queryset):
        """The objects of `queryset` this user may see."""
        if is_the_public(user):
            return queryset.none() if self.public is None else queryset.filter(self.public)
        if sees_all_drafts(user):
            return queryset
        if not roles_of(user):
            return queryset.none()
        return self.of_read_strategies(user, queryset.filter(reduce(operator.or_, self._conditions(user))))

    def of_read_strategies(self, user, queryset):
        """`queryset` kept to the strategies a reader reads (objectives.roles.readable_strategy_ids)."""
        ids = readable_strategy_ids(user) if self.strategy_field else None
        return queryset if ids is None else queryset.filter(**{f"{self.strategy_field}__in": ids})

    def reads(self, user, obj):
        """Does this user read `obj`'s strategy (always, for a kind with no strategy_field)?"""
        if not self.strategy_field or readable_strategy_ids(user) is None:
            return True  # without reading the object's strategy: no query for everyone else
        return reads_strategy(user, _path(obj, self.strategy_field))

    def test(self, user, obj):
        """May this user see `obj`? The same answer as `filter`, for one object."""
        if is_the_public(user):
            return self.is_public is not None and bool(self.is_public(obj))
        if sees_all_drafts(user):
            return True
        if not roles_of(user):
            return False
        if self.is_for_readers(obj):
            return self.reads(user, obj)
        return self._owns(user) and _path(obj, self.owner_field) in self.owned(user)

    def _owns(self, user):
        return self.owner_field is not None and Role.OFFICER in roles_of(user)

    def _conditions(self, user):
        yield self.for_readers
        if self._owns(user):
            yield Q(**{f"{self.owner_field}__in": self.owned(user)})


SEEN_BY_READERS = workflow.APPROVED  # approved and published: the states readers see
SEEN_BY_THE_PUBLIC = frozenset({WorkflowState.PUBLISHED})  # published: the state the public sees
PUBLISHED_PERIOD = ReportingPeriod.State.PUBLISHED

RETURNS = Visibility(
    for_readers=Q(state__in=SEEN_BY_READERS), is_for_readers=lambda ret: ret.state in SEEN_BY_READERS,
    owner_field="sub_strand_id", owned=editable_sub_strand_ids,
    public=Q(state__in=SEEN_BY_THE_PUBLIC), is_public=lambda ret: ret.state in SEEN_BY_THE_PUBLIC,
    strategy_field="period__strategy_id",
)
# A figure is approved with its return, which freezes it (kpis.services.freeze_measurement):
# frozen figures are exactly the figures of approved and published returns. Issuing a briefing
# publishes its period with every approved return of it, and a return approved in a published
# period is published at once: so the frozen figures of published periods are exactly the figures
# of published returns (a test checks both ways agree).
MEASUREMENTS = Visibility(
    for_readers=Q(frozen_at__isnull=False), is_for_readers=lambda m: m.frozen_at is not None,
    owner_field="kpi__sub_strand_id", owned=editable_sub_strand_ids,
    public=Q(frozen_at__isnull=False, period__state=PUBLISHED_PERIOD),
    is_public=lambda m: m.frozen_at is not None and m.period.state == PUBLISHED_PERIOD,
    strategy_field="period__strategy_id",
)
PLAN_UPDATES = Visibility(  # the public pages hold no action plans: the public sees no update
    for_readers=Q(state__in=SEEN_BY_READERS), is_for_readers=lambda au: au.state in SEEN_BY_READERS,
    owner_field="action_id", owned=owned_action_ids,  # plans are read by every reader: no strategy_field
)
BRIEFINGS = Visibility(
    for_readers=Q(state=Briefing.State.ISSUED), is_for_readers=lambda b: b.state == Briefing.State.ISSUED,
    public=Q(state=Briefing.State.ISSUED), is_public=lambda b: b.state == Briefing.State.ISSUED,
    strategy_field="period__strategy_id",
)
# A risk's review: readers see approved ones, the public published ones of risks not exempt; an
# officer who owns the risk also sees its drafts.
RISK_REVIEWS = Visibility(
    for_readers=Q(state__in=SEEN_BY_READERS), is_for_readers=lambda review: review.state in SEEN_BY_READERS,
    owner_field="risk__owner_id", owned=owned_risk_owner_ids,
    public=Q(state__in=SEEN_BY_THE_PUBLIC, risk__exempt=False),
    is_public=lambda review: review.state in SEEN_BY_THE_PUBLIC and not review.risk.exempt,
    strategy_field="risk__strategy_id",
)


def _has_review(states):
    return Q(Exists(RiskReview.objects.filter(risk=OuterRef("pk"), state__in=states)))


def _risk_has_review(risk, states):
    return risk.pk is not None and risk.reviews.filter(state__in=states).exists()


# A risk: the staff see every one; a reader one with a review they may see (approved); its owner
# their own; the public a risk with a published review and never an exempt one.
RISKS = Visibility(
    for_readers=_has_review(SEEN_BY_READERS), is_for_readers=lambda risk: _risk_has_review(risk, SEEN_BY_READERS),
    owner_field="owner_id", owned=owned_risk_owner_ids,
    public=Q(exempt=False) & _has_review(SEEN_BY_THE_PUBLIC),
    is_public=lambda risk: not risk.exempt and _risk_has_review(risk, SEEN_BY_THE_PUBLIC),
    strategy_field="strategy_id",
)


# -- a strategy's structure and targets: read by the strategy's readers --------------------------


# Why a reader of some strategies only may not read another's page, in words that do not name it.
NOT_ITS_READER = "The strategy this belongs to is read by the readers it names, and you are not one of them."


@dataclass(frozen=True)
class Structure:
    """Who reads a part of a strategy's structure: the strategy itself, its objectives, sub-strands,
    KPIs and their targets, its periods (and so everything of a period: its briefing, workbook and
    calendar). Everyone reads them but a reader of some strategies only (where the council names a
    strategy's readers, `Strategy.readers`: objectives.roles.readable_strategy_ids), who reads those
    of the strategies they read, as the Visibility rules' `strategy_field` keeps their figures and
    texts. The public pages show what is published, of every strategy: the public is not limited here.

    `strategy_path` is the path from the object to its strategy ("" for a strategy itself); `filter`
    is the queryset twin of `test`; `require` refuses with the reason (a 403 page)."""

    strategy_path: str

    def filter(self, user, queryset):
        """The objects of `queryset` this user reads."""
        ids = readable_strategy_ids(user)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.strategy_path or 'pk'}__in": ids})

    def strategy_id(self, obj):
        return obj.pk if not self.strategy_path else _path(obj, f"{self.strategy_path}_id")

    def test(self, user, obj):
        """Does this user read `obj` (the same answer as `filter`, for one object)?"""
        if readable_strategy_ids(user) is None:
            return True  # without reading the object's strategy: no query for everyone else
        return reads_strategy(user, self.strategy_id(obj))

    def require(self, user, obj):
        """Raise PermissionDenied, saying why, unless this user reads `obj`'s strategy."""
        if not self.test(user, obj):
            raise PermissionDenied(NOT_ITS_READER)


STRATEGIES = Structure("")
OBJECTIVES = Structure("strategy")
SUB_STRANDS = Structure("objective__strategy")
KPIS = Structure("sub_strand__objective__strategy")
PERIODS = Structure("strategy")


def audience(user):
    """What this person may see, as a key (for what readers' pages keep: reporting.readers_cache):
    two people with the same audience see the same objects under every rule above, so they may be
    shown the same content. The public; the Economy Cell and approvers (everything, drafts included);
    an officer (their own work in progress: theirs alone); a reader, by the strategies they read. Each
    holds the person's roles too, so no two roles ever share content."""
    if is_the_public(user):
        return ("public",)
    roles = tuple(sorted(roles_of(user)))
    if sees_all_drafts(user):
        return ("all", roles)
    if MEASUREMENTS._owns(user) or RETURNS._owns(user) or PLAN_UPDATES._owns(user):
        return ("own", roles, user.pk)
    ids = readable_strategy_ids(user)
    return ("readers", roles, "every strategy" if ids is None else tuple(sorted(ids)))


def reported_states(user):
    """The return states that reader pages and papers (the briefing, the dashboard's approved
    columns) report to `user`: approved and published for anyone signed in, published only for the public."""
    return SEEN_BY_THE_PUBLIC if is_the_public(user) else SEEN_BY_READERS


def reported_figures(user):
    """Q() for the figures reader pages and papers report to `user`: approved ones; for the public, published ones."""
    return MEASUREMENTS.public if is_the_public(user) else MEASUREMENTS.for_readers


# -- the querysets every page, export and document reads through -----------------------------------


def visible_returns(user):
    return RETURNS.filter(user, QuarterlyReturn.objects.all())


def visible_measurements(user):
    return MEASUREMENTS.filter(user, Measurement.objects.all())


def latest_visible_measurements(user, period):
    """Each KPI's latest figure as at `period` that this user may see (kpis.figures.latest_as_at):
    the latest approved one; for the Economy Cell, approvers, and an officer's own sub-strands, the
    latest of any state; for the public, the latest published one. The same rule as MEASUREMENTS,
    applied to a figure's place in its series."""
    approved = latest_as_at(period, approved_only=True)
    any_state = latest_as_at(period, approved_only=False)
    qs = Measurement.objects.all()
    if is_the_public(user):
        # The latest approved figure, if it is published. Where a later quarter's figure was
        # approved but its quarter never published, the KPI shows no figure rather than an older one.
        return qs.filter(approved & MEASUREMENTS.public)
    if sees_all_drafts(user):
        return qs.filter(any_state)
    if not roles_of(user):
        return qs.none()
    if MEASUREMENTS._owns(user):
        own = Q(**{f"{MEASUREMENTS.owner_field}__in": MEASUREMENTS.owned(user)})
        return qs.filter((own & any_state) | (~own & approved))
    return MEASUREMENTS.of_read_strategies(user, qs.filter(approved))


def reported_measurements(user=None):
    """The figures readers see, whoever asks (a briefing reports what has been approved); for the
    public, the published ones."""
    return Measurement.objects.filter(MEASUREMENTS.for_readers if user is None else reported_figures(user))


def visible_plan_updates(user):
    """Updates of action-plan rounds (not those inside a quarterly return) this user may see."""
    return PLAN_UPDATES.filter(user, ActionUpdate.objects.filter(plan_update__isnull=False))


def visible_risk_reviews(user):
    return RISK_REVIEWS.filter(user, RiskReview.objects.all())


def visible_risk_objects(user):
    """The risks this user may see (RISKS); reporting.risks.selectors.visible_risks narrows to a strategy."""
    return RISKS.filter(user, Risk.objects.all())
