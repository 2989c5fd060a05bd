"""A sub-strand's overall status over time: the baseline every movement is told against, and the
status a period counts under on the dashboard (its counts and its status filter alike).

**The baseline.** A status's movement ("Improved", "Worsened since 2023/24 Q1") is told against
its baseline: the sub-strand's latest earlier status that the person may see as approved (approved
or published; for the public, published), skipping periods with no status. A draft, a submitted
or a returned status is never a baseline, for three reasons:

- it may still change: "Improved" against a draft could become "Worsened" with nobody touching
  the return being read;
- what has been approved is what the briefing reports and what readers see: were a draft a
  baseline for those who may see drafts, the approver would read one movement in the review queue
  and another in the briefing and the dashboard for the same return;
- the approver decides against what was last approved, not against work in progress.

A draft still has a movement of its own (against the baseline), labelled as a draft where shown.
A figure's baseline is likewise the KPI's latest approved figure as at the period before
(`figure_baselines`). `kpis.rag.movements` compares; this module says which statuses may be compared with
(`baseline_returns`, and its object twin `may_be_baseline`), and finds them, in one query whatever
the size. The dashboard, the sub-strand page, the review queue, the briefing (page and Word), the
workbook, the open data and the API all ask here.

**A period's status** (`with_period_status`): Red, Amber or Green when the person may see it as
approved; "not approved" for a status still in the workflow (a draft, submitted or returned: the
Economy Cell and approvers see these); "none" with no status at all. The dashboard counts by it and
filters by it, so that `?status=red` lists exactly the sub-strands the Red count counts.
"""
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from kpis.figures import latest_as_at
from kpis.rag import movements
from objectives.models import SubStrand
from reporting.access import SEEN_BY_READERS, visible_returns
from reporting.models import QuarterlyReturn

NOT_APPROVED = "not_approved"
NO_STATUS = "none"


def baseline_returns(user):
    """The returns `user` may see that may be a baseline: approved or published (the public:
    published), with an overall status (every approved return has one)."""
    return visible_returns(user).filter(state__in=SEEN_BY_READERS).exclude(overall_rag="")


def may_be_baseline(ret):
    """The object twin of `baseline_returns`, for a return the user may see."""
    return ret.state in SEEN_BY_READERS and bool(ret.overall_rag)


def status(ret):
    """(period, overall status or None, whether it may be a baseline) of a return, for kpis.rag.movements."""
    return ret.period, (ret.overall_rag or None), may_be_baseline(ret)


def movement(ret, baseline):
    """The movement of return `ret` against its baseline return (or None): a kpis.rag.Movement."""
    return movements([status(ret)], before=status(baseline) if baseline is not None else None)[0]


def figure_baselines(period):
    """Q() for the figures this period's figures are compared with: each KPI's latest approved
    figure as at `period` (kpis.figures.latest_as_at), never a draft; the person's visibility
    (reporting.access) applies on top. The review queue and the briefing's "KPIs that turned Red or
    Amber" compare with these."""
    return latest_as_at(period, approved_only=True)


def _latest_baseline(user, *, sub_strand, before_key):
    return (baseline_returns(user).filter(sub_strand_id=sub_strand, period_key__lt=before_key)
            .order_by("-period_key").values("id")[:1])


def _fetch(ids):
    return (QuarterlyReturn.objects.filter(id__in=ids).select_related("period").order_by()
            .only("id", "sub_strand_id", "period", "state", "overall_rag", "is_synthetic", "period_key"))


def rated_before(user, sub_strand_ids, period):
    """{sub-strand id: its baseline before `period`}: the latest return before `period` that
    `user` may see as approved. One query whatever the size."""
    sub_strand_ids = list(sub_strand_ids)
    if period is None or not sub_strand_ids:
        return {}
    latest = _latest_baseline(user, sub_strand=OuterRef("pk"), before_key=period.order_key)
    if latest.query.is_empty():
        return {}  # an empty queryset would compile to an untyped NULL subquery, which PostgreSQL cannot compare with an id
    ids = SubStrand.objects.filter(id__in=sub_strand_ids).order_by().annotate(baseline_id=Subquery(latest)).values("baseline_id")
    return {ret.sub_strand_id: ret for ret in _fetch(ids)}


def baselines_of(user, returns):
    """{return id: its baseline return, or None} for returns of any periods (a page of the API).
    One query whatever the size: the baselines are fetched together, and each return's is the
    latest of its sub-strand's before it (a baseline of a later return of the same sub-strand is
    never later than that return's own baseline, so it cannot be mistaken for it)."""
    returns = list(returns)
    if not returns:
        return {}
    latest = _latest_baseline(user, sub_strand=OuterRef("sub_strand_id"), before_key=OuterRef("period_key"))
    found = []
    if not latest.query.is_empty():
        ids = (QuarterlyReturn.objects.filter(id__in=[r.id for r in returns]).order_by()
               .annotate(baseline_id=Subquery(latest)).values("baseline_id"))
        found = sorted(_fetch(ids), key=lambda b: b.period_key)
    result = {}
    for ret in returns:
        earlier = [b for b in found if b.sub_strand_id == ret.sub_strand_id and b.period_key < ret.period_key]
        result[ret.id] = earlier[-1] if earlier else None
    return result


def with_period_status(sub_strands, *, user, period):
    """`sub_strands` (a SubStrand queryset) annotated with `period_status`: the status each counts
    under in `period` for `user`: "red", "amber" or "green" when `user` may see it as approved
    (the public: published), NOT_APPROVED for a status still in the workflow (a draft, submitted
    or returned), NO_STATUS for none. The dashboard's counts and its status filter both read it.
    A subquery of the same query: no query of its own."""
    none = Value(NO_STATUS, output_field=CharField())
    shown = visible_returns(user).filter(period=period, sub_strand_id=OuterRef("pk")).exclude(overall_rag="")
    if period is None or shown.query.is_empty():
        return sub_strands.annotate(period_status=none)
    counted = shown.annotate(counted=Case(When(state__in=SEEN_BY_READERS, then=F("overall_rag")),
                                          default=Value(NOT_APPROVED), output_field=CharField()))
    return sub_strands.annotate(period_status=Coalesce(Subquery(counted.values("counted")[:1]), none))
