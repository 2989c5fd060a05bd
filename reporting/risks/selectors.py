"""Reads of the risk register, through the access rules (reporting.access RISKS, RISK_REVIEWS), each
in a fixed number of queries."""
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import Prefetch, Q

from objectives.council import council
from objectives.models import ReportingPeriod
from reporting.access import RISK_REVIEWS, RISKS
from reporting.models import Risk, RiskAction, RiskMatrix, RiskReview, WorkflowState
from reporting.returns.history import history_entries
from reporting.risks import scoring
from reporting.workflow import NOT_STARTED, is_outstanding

DECIDED = (WorkflowState.SUBMITTED, WorkflowState.APPROVED, WorkflowState.PUBLISHED)


def visible_risks(user, strategy):
    """The strategy's risks this user may see, in the register's order, with what a list shows."""
    return (RISKS.filter(user, Risk.objects.filter(strategy=strategy))
            .select_related("strategy", "objective", "sub_strand", "owner", "category").order_by("order", "reference"))


def latest_reviews(risks, user, period=None):
    """{risk id: the latest review of each risk this user may see} (as at `period`: that period's or an
    earlier one's, else the latest of all). Two queries, whatever the number of risks."""
    risks = list(risks)
    reviews = RISK_REVIEWS.filter(user, RiskReview.objects.filter(risk__in=[r.pk for r in risks]))
    if period is not None:
        reviews = reviews.filter(period__strategy_id=period.strategy_id, period__start_date__lte=period.start_date)
    latest = {}
    for review in reviews.select_related("period").order_by("risk_id", "period__start_date"):
        latest[review.risk_id] = review
    by_id = {r.pk: r for r in risks}
    for review in latest.values():
        review.risk = by_id[review.risk_id]
    return latest


def scores_over_time(risk, user):
    """The risk's approved (and published) reviews this user may see, earliest first, each with its
    `score` (reporting.risks.scoring.Score): its scores over time."""
    reviews = list(RISK_REVIEWS.filter(user, risk.reviews.filter(state__in=[WorkflowState.APPROVED,
                                                                           WorkflowState.PUBLISHED]))
                   .select_related("period").order_by("period__start_date"))
    for review in reviews:
        review.risk = risk
        review.score = scoring.current_score(review)
    return reviews


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: object
    count: int
    references: list


def heat_map(risks, period, user):
    """The matrix's cells, highest likelihood first, each with how many of `risks` have their latest
    review this user may see (as at `period`) scored there: [[HeatCell by impact] by likelihood]."""
    matrix = RiskMatrix.for_council(council())
    latest = latest_reviews(risks, user, period)
    counts = {}
    for review in latest.values():
        if review.current_likelihood and review.current_impact:
            counts.setdefault((review.current_likelihood, review.current_impact), []).append(review.risk.reference)
    rows = []
    for likelihood in reversed(matrix.likelihood_levels()):
        row = []
        for impact in matrix.impact_levels():
            value = likelihood.value * impact.value
            found = counts.get((likelihood.value, impact.value), [])
            row.append(HeatCell(likelihood.value, impact.value, value, scoring.band_of(matrix, value), len(found),
                                sorted(found)))
        rows.append(row)
    return rows


# -- the workflow's lists: the owner's reviews, the approver's queue, what is outstanding -------------


def risk_at(strategy_slug, reference):
    """The risk at an address (its strategy's slug and its reference), or None."""
    return (Risk.objects.select_related("strategy", "owner", "category", "objective", "sub_strand")
            .filter(strategy__slug=strategy_slug, reference=reference).first())


def review_page_objects(strategy_slug, reference, period_slug):
    """(risk, period, review or an unsaved draft) for a review's address, or None where any is not found."""
    risk = risk_at(strategy_slug, reference)
    if risk is None:
        return None
    period = ReportingPeriod.objects.filter(slug=period_slug, strategy_id=risk.strategy_id).first()
    if period is None:
        return None
    review = RiskReview.objects.filter(risk=risk, period=period).first()
    if review is None:
        review = RiskReview(risk=risk, period=period, state=WorkflowState.DRAFT, version=0)
    review.risk, review.period = risk, period
    return risk, period, review


def actions_of(risk):
    return list(RiskAction.objects.filter(risk=risk).order_by("order", "pk"))


def reviews_of_period(period, risks):
    """Each of `risks`' review for the period (an unsaved draft where none has been started)."""
    existing = {r.risk_id: r for r in RiskReview.objects.filter(period=period, risk__in=[r.pk for r in risks])}
    found = []
    for risk in risks:
        review = existing.get(risk.pk) or RiskReview(risk=risk, period=period, state=WorkflowState.DRAFT, version=0)
        review.risk, review.period = risk, period
        found.append(review)
    return found


def my_risk_reviews(user, period):
    """The reviews of the risks this user owns for the period (started or not), in the register's order."""
    if period is None or not getattr(user, "is_authenticated", False):
        return []
    risks = list(Risk.objects.filter(owner=user, strategy_id=period.strategy_id).select_related("strategy", "owner")
                 .order_by("order", "reference"))
    return reviews_of_period(period, risks)


def submitted_reviews(user, period=None):
    """The risk reviews waiting for approval (of a period, or of every period), for the review queue."""
    reviews = RISK_REVIEWS.filter(user, RiskReview.objects.filter(state=WorkflowState.SUBMITTED))
    if period is not None:
        reviews = reviews.filter(period=period)
    return list(reviews.select_related("risk__strategy", "risk__owner", "period", "submitted_by")
                .order_by("period__start_date", "risk__order", "risk__reference"))


def outstanding_reviews(period):
    """Each review of the period not yet submitted (not started, a draft or returned) of a risk with
    an owner, by owner: {owner: [review]}. Three queries."""
    risks = list(Risk.objects.filter(strategy_id=period.strategy_id, owner__isnull=False)
                 .select_related("owner", "strategy").order_by("order", "reference"))
    theirs = {}
    for review in reviews_of_period(period, risks):
        if is_outstanding(review.state if review.pk else NOT_STARTED):
            theirs.setdefault(review.risk.owner, []).append(review)
    return theirs


def with_actions(risks):
    """`risks` with their actions read in one query."""
    return risks.prefetch_related(Prefetch("actions", queryset=RiskAction.objects.order_by("order", "pk")))


def review_history(review):
    """The review's history in words (who changed what and when), with its risk's actions', as a
    return's (reporting.returns.history). One query."""
    action_ids = RiskAction.objects.filter(risk_id=review.risk_id).values("pk")
    entries = (LogEntry.objects.filter(
        Q(content_type__app_label="reporting", content_type__model="riskreview", object_id=review.pk)
        | Q(content_type__app_label="reporting", content_type__model="riskaction", object_id__in=action_ids,
            timestamp__gte=review.created_at))
        .select_related("actor", "content_type").order_by("-timestamp", "-pk"))
    return history_entries(entries)
