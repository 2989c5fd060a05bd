"""Reads of sub-strands' overall statuses over time, for the movement every page shows.

The rule of movement (compare with the latest earlier rated status, skipping quarters with none)
is `kpis.rag.movements`; these find the statuses it compares, through a visibility-filtered
queryset of returns (reporting.access), so that each audience sees movement between the statuses
it may see.
"""
from django.db.models import OuterRef, Q, Subquery

from objectives.models import SubStrand
from reporting.models import QuarterlyReturn


def before(period, prefix="period__"):
    """Q() for periods earlier than `period`."""
    return Q(**{f"{prefix}financial_year__lt": period.financial_year}) | Q(
        **{f"{prefix}financial_year": period.financial_year, f"{prefix}quarter__lt": period.quarter}
    )


def rated_before(returns, sub_strand_ids, period):
    """{sub-strand id: its latest return in `returns` with an overall status, before `period`}.

    `returns` is a visibility-filtered queryset of QuarterlyReturn. One query whatever the size."""
    sub_strand_ids = list(sub_strand_ids)
    # Nothing visible (`.none()`, for a user with no role): no query. As a subquery it would compare
    # ids with an empty text literal, which PostgreSQL refuses.
    if period is None or not sub_strand_ids or returns.query.is_empty():
        return {}
    latest = (
        returns.filter(before(period), sub_strand_id=OuterRef("pk")).exclude(overall_rag="")
        .order_by("-period__financial_year", "-period__quarter")
    )
    ids = (
        SubStrand.objects.filter(id__in=sub_strand_ids).order_by()
        .annotate(previous_id=Subquery(latest.values("id")[:1])).values("previous_id")
    )
    found = QuarterlyReturn.objects.filter(id__in=ids).select_related("period").order_by()
    return {ret.sub_strand_id: ret for ret in found}


def status(ret):
    """(period, overall status or None) of a return, for kpis.rag.movements."""
    return ret.period, (ret.overall_rag or None)
