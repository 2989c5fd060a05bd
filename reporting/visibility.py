"""What each user may see of returns and figures: the one place that joins measurements to their return's state.

A measurement is shown to a reader only when its sub-strand's return for the period it was
reported in is approved or published. Officers also see their own sub-strands' work in progress;
the Economy Cell, approvers and the administrator see everything.
"""
from django.db.models import Exists, OuterRef, Q

from kpis.models import Measurement
from objectives.permissions import READER_VISIBLE_STATES, Role, editable_sub_strand_ids, roles_of, sees_all_drafts
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


def _approved_return_exists():
    return Exists(
        QuarterlyReturn.objects.filter(
            sub_strand_id=OuterRef("kpi__sub_strand_id"), period_id=OuterRef("period_id"), state__in=READER_VISIBLE_STATES
        )
    )


def published_measurements():
    """Measurements of approved or published returns: what a reader may see."""
    return Measurement.objects.filter(_approved_return_exists())


def visible_measurements(user):
    qs = Measurement.objects.all()
    if sees_all_drafts(user):
        return qs
    condition = _approved_return_exists()
    if Role.OFFICER in roles_of(user):
        condition = condition | Q(kpi__sub_strand_id__in=editable_sub_strand_ids(user))
    return qs.filter(condition)
