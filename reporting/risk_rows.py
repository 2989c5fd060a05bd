"""A risk as the pages show it (the register, the heat map, the dashboard, what needs attention): its
latest review the person may see up to a period, its current, target and inherent scores and whether
it is outside appetite, each asked of the rules (reporting.access RISK_REVIEWS and RISKS through
reporting.risks.selectors; reporting.risks.scoring). Beside reporting.attention and
reporting.kpi_summaries, outside the domain packages, because the dashboard reads it and the risk
register's pages (reporting.risk_register.pages) build on the dashboard's tables and KPI lines.

A fixed number of queries whatever the number of risks (the tests pin the count at two sizes).
"""
from dataclasses import dataclass

from objectives.council import council
from reporting.access import SEEN_BY_READERS
from reporting.models import Risk, RiskMatrix, RiskReview
from reporting.risks import scoring
from reporting.risks.selectors import latest_reviews, visible_risks

BAND_TAGS = {colour: f"app-risk-band--{colour}" for colour in ("green", "yellow", "amber", "red")}  # static/css/app.css


def the_matrix():
    """The council's matrix with its levels and bands, read once for a page (three queries)."""
    matrix = RiskMatrix.for_council(council())
    return RiskMatrix.objects.prefetch_related("levels", "bands").get(pk=matrix.pk)


score_of = scoring.score_of  # a Score of a likelihood and an impact on the matrix (None when either is missing)


@dataclass
class RiskRow:
    """A risk as the register, the heat map and the dashboard show it."""

    risk: Risk
    review: RiskReview | None  # its latest review the person may see, up to the period
    current: object  # scoring.Score, or None without a review
    target: object  # scoring.Score
    inherent: object  # scoring.Score
    outside: bool | None  # outside appetite (None without a current score)
    appetite: int

    @property
    def is_draft(self):
        return self.review is not None and self.review.state not in SEEN_BY_READERS

    @property
    def direction(self):
        return self.review.get_direction_display() if self.review is not None and self.review.direction else ""

    @property
    def owner_name(self):
        from objectives.roles import person_name

        name = person_name(self.risk.owner) if self.risk.owner_id else ""
        title = self.risk.owner_title or ""
        return ", ".join(part for part in (name, title) if part) or "No owner"

    @property
    def current_sort(self):
        return self.current.score if self.current is not None else -1

    @property
    def outside_sort(self):
        return -1 if self.outside is None else int(self.outside)

    @property
    def next_review_sort(self):
        return self.risk.next_review_date.toordinal() if self.risk.next_review_date else 10**7

    @property
    def target_sort(self):
        return self.target.score if self.target is not None else -1


def within_and_outside(matrix):
    """The matrix's words for within its appetite ("Within risk appetite"), and for outside it
    ("Outside risk appetite"; "Not within: <their words>" where theirs do not start with "Within")."""
    within = matrix.appetite_words or "Within risk appetite"
    if within.startswith("Within "):
        return within, "Outside " + within[len("Within "):]
    return within, f"Not within: {within[:1].lower()}{within[1:]}"


def appetite_words(matrix, row):
    """'Within risk appetite (up to 9)' / 'Outside risk appetite (above 9)', in the matrix's words."""
    if row.outside is None:
        return "No current score"
    within, outside = within_and_outside(matrix)
    return f"{outside} (above {row.appetite})" if row.outside else f"{within} (up to {row.appetite})"


def risk_rows(*, user, strategy, period=None, risks=None, matrix=None):
    """[RiskRow] of the strategy's risks the user may see (or of `risks`, a Risk queryset), scored by
    their latest visible review up to `period`. A fixed number of queries."""
    matrix = matrix or the_matrix()
    if risks is None:
        risks = visible_risks(user, strategy)
    risks = list(risks.select_related("owner", "category", "objective", "sub_strand", "strategy"))
    reviews = latest_reviews(risks, user, period=period)
    rows = []
    for risk in risks:
        risk.matrix = matrix  # the page's matrix, as Risk.matrix keeps it once read: no query per risk
        review = reviews.get(risk.id)
        current = score_of(matrix, review.current_likelihood, review.current_impact) if review else None
        appetite = scoring.appetite_of(risk)
        rows.append(RiskRow(
            risk=risk, review=review, current=current,
            target=score_of(matrix, risk.target_likelihood, risk.target_impact),
            inherent=score_of(matrix, risk.inherent_likelihood, risk.inherent_impact),
            outside=scoring.outside_appetite(risk, current.score) if current is not None else None,
            appetite=appetite,
        ))
    return rows


def has_risks(*, user, strategy):
    """Has the strategy a risk the user may see?"""
    return strategy is not None and visible_risks(user, strategy).exists()


def outside_appetite_rows(*, user, strategy, period):
    """The risks outside appetite as at `period` (their latest visible review up to it), most serious first."""
    if strategy is None:
        return []
    rows = [row for row in risk_rows(user=user, strategy=strategy, period=period) if row.outside]
    return sorted(rows, key=lambda row: (-row.current.score, row.risk.order, row.risk.reference))
