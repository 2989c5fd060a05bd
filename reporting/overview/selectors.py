"""Reads for the overview page."""
from objectives.selectors import objectives_with_sub_strands
from reporting.access import visible_returns


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
