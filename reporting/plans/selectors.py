"""Reads of action-plan update rounds and each recommendation's update, each filtered by what the
user may see (reporting.access). The committee report is read by reporting.plans.report."""
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q

from objectives.models import Action, ActionPlan
from objectives.roles import Role, owned_action_ids, roles_of
from objectives.selectors_plans import plans_with_status_counts, status_breakdown
from reporting.access import SEEN_BY_READERS, can, sees_all_drafts, sees_drafts, visible_plan_updates
from reporting.models import ActionUpdate, FigureBreakdownItem, OutputFigure, PlanUpdate, WorkflowState

# -- plans and rounds ----------------------------------------------------------------------------


def get_plan(slug):
    return ActionPlan.objects.filter(slug=slug).first()


def get_plan_update(plan_slug, update_slug):
    """A round of a plan, with its plan (one query), or None."""
    return PlanUpdate.objects.select_related("plan").filter(plan__slug=plan_slug, slug=update_slug).first()


def previous_plan_update(plan, before=None):
    """The latest round of a plan (before a date, if given): the one a new round carries its cover from."""
    qs = PlanUpdate.objects.filter(plan=plan)
    if before is not None:
        qs = qs.filter(as_at__lt=before)
    return qs.order_by("-as_at", "-pk").first()


def plan_status_counts(strategy=None):
    """Per plan: how many recommendations are complete, on track, at risk, not started, superseded.

    For the Cabinet Member's dashboard (templates/reporting/plans/_dashboard_panel.html). The
    statuses are the plans' own, which change only when an update is approved, so a reader never
    sees a status from an unapproved update. One query.
    """
    plans = plans_with_status_counts(strategy)
    for plan in plans:
        plan.status_breakdown = status_breakdown(plan)
        counts = {value: count for value, _, count in plan.status_breakdown}
        plan.complete_count = counts["complete"]
        plan.on_track_count = counts["on_track"]
        plan.at_risk_count = counts["at_risk"]
        plan.superseded_count = counts["superseded"]
    return plans


def plan_rounds(plan, user):
    """The plan's update rounds, newest first, each with how many updates are approved and, for
    those who may see work in progress, how many are not yet. Two queries."""
    approved = Q(action_updates__state__in=SEEN_BY_READERS)
    in_progress = ~Q(action_updates__state__in=SEEN_BY_READERS) & Q(action_updates__isnull=False)
    if not sees_all_drafts(user) and Role.OFFICER in roles_of(user):
        in_progress &= Q(action_updates__action_id__in=owned_action_ids(user))
    rounds = list(
        PlanUpdate.objects.filter(plan=plan)
        .annotate(approved_count=Count("action_updates", filter=approved),
                  in_progress_count=Count("action_updates", filter=in_progress))
        .order_by("-as_at", "-pk")
    )
    shows_work = sees_drafts(user)
    for r in rounds:
        if not shows_work:
            r.in_progress_count = None
    return rounds


@dataclass
class ProgressRow:
    action: Action
    update: ActionUpdate | None
    may_start: bool


def round_progress(plan_update, user):
    """Every recommendation of the plan with its update in this round (if the user may see it) and
    whether the user may start one. Three queries whatever the size (actions, updates, ownership)."""
    actions = list(Action.objects.filter(plan_id=plan_update.plan_id).order_by("number"))
    updates = {
        u.action_id: u
        for u in visible_plan_updates(user).filter(plan_update=plan_update).select_related("updated_by")
    }
    existing = set(ActionUpdate.objects.filter(plan_update=plan_update).values_list("action_id", flat=True))
    rows = []
    for action in actions:
        may_start = action.id not in existing and can(user, "start_action_update", action)
        rows.append(ProgressRow(action=action, update=updates.get(action.id), may_start=may_start))
    return rows


def startable_actions(plan_update, user):
    """The recommendations this user may start an update for in this round: theirs, with none yet.

    A queryset (for the form's choice field) of those the permission rule allows."""
    qs = Action.objects.filter(plan_id=plan_update.plan_id).exclude(updates__plan_update=plan_update).order_by("number")
    allowed = [a.pk for a in qs if can(user, "start_action_update", a)]
    return qs.filter(pk__in=allowed)


def may_enter_updates(plan_update, user):
    """May this user enter an update on any recommendation of the round's plan? (The permission
    rule decides, recommendation by recommendation; one query for the actions, one for ownership.)"""
    return any(can(user, "start_action_update", a) for a in Action.objects.filter(plan_id=plan_update.plan_id))


def figures_prefetch():
    return Prefetch(
        "figures",
        queryset=OutputFigure.objects.order_by("order").prefetch_related(
            Prefetch("breakdown", queryset=FigureBreakdownItem.objects.order_by("order"))
        ),
    )


def get_action_update(plan_update, number):
    """The update on recommendation `number` in this round, with its action and figures, or None."""
    return (
        ActionUpdate.objects.select_related("action", "plan_update__plan", "updated_by", "approved_by")
        .prefetch_related(figures_prefetch())
        .filter(plan_update=plan_update, action__number=number)
        .first()
    )


STATE_LABELS = {value: label.lower() for value, label in WorkflowState.choices}


def action_update_history(action_update):
    """Who changed this update (and its figures) and when, newest first."""
    types = ContentType.objects.get_for_models(ActionUpdate, OutputFigure)
    figure_ids = [str(f.pk) for f in action_update.figures.all()]
    entries = (
        LogEntry.objects.filter(
            Q(content_type=types[ActionUpdate], object_pk=str(action_update.pk))
            | Q(content_type=types[OutputFigure], object_pk__in=figure_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        changes = entry.changes_dict or {}
        fields = sorted(k for k in changes if k not in {"version", "updated_at", "updated_by"})
        state = changes.get("state")
        history.append({
            "timestamp": entry.timestamp,
            "actor": entry.actor,
            "what": ("Figure: " + entry.object_repr) if entry.content_type_id == types[OutputFigure].id else "Update",
            "action": entry.get_action_display(),
            "fields": fields,
            "state_change": [STATE_LABELS.get(v, v) for v in state] if state and len(state) == 2 else None,
        })
    return history


def submitted_action_updates():
    """Plan updates waiting for approval, oldest first, for a review queue (two queries)."""
    return list(
        ActionUpdate.objects.filter(plan_update__isnull=False, state=WorkflowState.SUBMITTED)
        .select_related("action", "plan_update__plan", "updated_by")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
