"""Action plan pages: the list of plans, and one plan's numbered recommendations."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from objectives.permissions import require
from objectives.selectors_plans import plan_with_actions, plans_with_status_counts, status_breakdown


@login_required
def action_plans(request):
    """Every action plan, with how many recommendations are complete, on track, at risk or superseded."""
    require(request.user, "view_dashboard")
    plans = plans_with_status_counts()
    for plan in plans:
        plan.status_breakdown = status_breakdown(plan)
    return render(request, "objectives/action_plans.html", {"plans": plans})


@login_required
def action_plan(request, plan):
    """One plan: each recommendation's wording, who made it, owner, timescale, milestones and status."""
    require(request.user, "view_dashboard")
    found = plan_with_actions(plan)
    if found is None:
        raise Http404("There is no action plan at this address.")
    return render(request, "objectives/action_plan.html", {"plan": found, "actions": found.actions.all()})
