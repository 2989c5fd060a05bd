"""Reads of returns, each filtered by what the reader may see."""
from django.db.models import Q

from objectives.permissions import READER_VISIBLE_STATES, Role, editable_sub_strand_ids, roles_of, sees_all_drafts
from objectives.selectors import objectives_with_sub_strands
from reporting.models import QuarterlyReturn


def visible_returns(user):
    """The returns this user may read: all for the Economy Cell and approvers; approved and published
    ones plus their own sub-strands' for officers; approved and published only for readers."""
    qs = QuarterlyReturn.objects.all()
    if sees_all_drafts(user):
        return qs
    visible = Q(state__in=READER_VISIBLE_STATES)
    if Role.OFFICER in roles_of(user):
        visible |= Q(sub_strand_id__in=editable_sub_strand_ids(user))
    return qs.filter(visible)


def published_returns():
    """What a reader sees: approved and published returns only."""
    return QuarterlyReturn.objects.filter(state__in=READER_VISIBLE_STATES)


def overview(user):
    """The objectives, their sub-strands, and each sub-strand's latest status this user may see.

    Three queries whatever the size: objectives, sub-strands, returns.
    """
    returns = (
        visible_returns(user)
        .select_related("period")
        .order_by("sub_strand_id", "-period__financial_year", "-period__quarter")
    )
    objectives = list(objectives_with_sub_strands())
    sub_ids = [s.id for o in objectives for s in o.sub_strands.all()]
    latest = {}
    for ret in returns.filter(sub_strand_id__in=sub_ids):
        latest.setdefault(ret.sub_strand_id, ret)
    for objective in objectives:
        for sub in objective.sub_strands.all():
            sub.latest_return = latest.get(sub.id)
    return objectives
