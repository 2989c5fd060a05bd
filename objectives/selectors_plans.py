"""Reads of action plans: their numbered recommendations, owners, milestones and status.

These read the plan's own data only (this app never imports `reporting`); the update rounds and
committee reports of a plan are read by reporting/selectors/plans.py.
"""
from django.db.models import Count, Prefetch, Q

from objectives.models import Action, ActionPlan, Milestone, Strategy

# The statuses the Cabinet Member's dashboard counts, in the order it shows them.
COUNTED_STATUSES = [
    Action.Status.COMPLETE,
    Action.Status.ON_TRACK,
    Action.Status.AT_RISK,
    Action.Status.NOT_STARTED,
    Action.Status.SUPERSEDED,
    Action.Status.UNASSESSED,
]


def _status_count_annotations():
    annotations = {"action_count": Count("actions")}
    for status in COUNTED_STATUSES:
        annotations[f"count_{status.value}"] = Count("actions", filter=Q(actions__status=status.value))
    return annotations


def plans_with_status_counts(strategy=None):
    """Every action plan (with a strategy given: its plans, and on the first strategy's pages also
    the plans of no strategy, which are the council's as a whole) with how many of its
    recommendations are complete, on track, at risk…

    One query whatever the number of plans and actions (two with a strategy given).
    """
    plans = ActionPlan.objects.select_related("strategy")
    if strategy is not None:
        first = Strategy.objects.order_by("pk").values_list("pk", flat=True).first()
        plans = plans.filter(Q(strategy=strategy) | Q(strategy__isnull=True) if strategy.pk == first else Q(strategy=strategy))
    return list(plans.annotate(**_status_count_annotations()).order_by("name"))


def status_breakdown(plan):
    """[(status value, label, count)] for a plan annotated by plans_with_status_counts()."""
    return [(s.value, s.label, getattr(plan, f"count_{s.value}", 0)) for s in COUNTED_STATUSES]


def plan_with_actions(slug):
    """A plan with its actions, each with its sub-strand, owners and milestones (four queries), or None."""
    actions = Action.objects.select_related("sub_strand").prefetch_related(
        "owners", Prefetch("milestones", queryset=Milestone.objects.order_by("order", "due_date"))
    ).order_by("number")
    return (
        ActionPlan.objects.select_related("strategy")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .filter(slug=slug)
        .first()
    )
