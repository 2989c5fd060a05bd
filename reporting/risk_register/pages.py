"""Reads for the risk register's pages: the register's rows, a risk's page and the heat map, each of
what the person may see (reporting.access RISKS and RISK_REVIEWS, through reporting.risks.selectors)
and scored by the matrix's rules (reporting.risks.scoring): no page decides a band, an appetite or
who sees what.

A risk's current score is its latest review the person may see, up to the chosen period (a reader:
the latest approved; staff: the latest of any state, marked as not yet approved). The register is
read whole (a council's register is tens of risks, a few hundred at most) and then filtered by what
its score says (band, appetite, cell), sorted and paged: a fixed number of queries whatever its size
(the tests pin the count at two sizes).
"""
from dataclasses import dataclass, field

from django.db.models import Prefetch

from objectives.models import ReportingPeriod
from reporting.access import KPIS, PERIODS, RISK_REVIEWS, SEEN_BY_READERS, sees_drafts
from reporting.dashboard.choices import default_period
from reporting.dashboard.pages import kpi_lines
from reporting.models import Risk, RiskAction, RiskMatrix, RiskReview
from reporting.risk_rows import RiskRow, appetite_words, risk_rows, score_of, the_matrix
from reporting.risks import scoring
from reporting.risks.selectors import heat_map

def periods_of(user, strategy):
    """The strategy's periods the user may see, latest first."""
    found = ReportingPeriod.objects.filter(strategy=strategy).order_by("-end_date")
    return list(PERIODS.filter(user, found))


def period_before(periods, period):
    """The period before `period` among `periods` (latest first), or None."""
    later = [p for p in periods if p.end_date < period.end_date]
    return later[0] if later else None


def default_risk_period(user, strategy, periods=None):
    """The latest period with a review the user may see, else the latest period."""
    periods = periods if periods is not None else periods_of(user, strategy)
    if not periods:
        return None
    seen = RISK_REVIEWS.filter(user, RiskReview.objects.filter(risk__strategy=strategy, period__in=periods))
    latest = seen.order_by("-period__end_date").values_list("period_id", flat=True).first()
    return next((p for p in periods if p.id == latest), periods[0])


# -- a risk's page -------------------------------------------------------------------------------


@dataclass
class HistoryLine:
    review: RiskReview
    score: object  # scoring.Score
    is_draft: bool


@dataclass
class RiskPage:
    risk: Risk
    row: RiskRow
    matrix: RiskMatrix
    history: list  # [HistoryLine], oldest first
    actions: list
    kpis: list  # reporting.dashboard.pages.KPILine
    appetite_words: str
    period: ReportingPeriod | None = None
    sees_drafts: bool = False
    objective_name: str = ""
    sub_strand_name: str = ""
    review_link: str = ""
    extra: dict = field(default_factory=dict)


def risk_page(*, user, risk):
    """A risk's page for the user (who may see the risk: reporting.access RISKS, asked by the view)."""
    risk = (Risk.objects.filter(pk=risk.pk).select_related("owner", "category", "objective", "sub_strand__objective",
                                                           "strategy")
            .prefetch_related(Prefetch("actions", queryset=RiskAction.objects.order_by("order", "pk"))).get())
    matrix = the_matrix()
    period = default_period(risk.strategy)  # its KPIs as the dashboard shows them
    if period is not None and not PERIODS.test(user, period):
        period = None
    row = risk_rows(user=user, strategy=risk.strategy, risks=Risk.objects.filter(pk=risk.pk), matrix=matrix)[0]
    row.risk = risk
    reviews = RISK_REVIEWS.filter(user, risk.reviews.select_related("period")).order_by("period__end_date")
    history = [HistoryLine(review=r, score=score_of(matrix, r.current_likelihood, r.current_impact),
                           is_draft=r.state not in SEEN_BY_READERS) for r in reviews]
    kpis = KPIS.filter(user, risk.kpis.select_related("sub_strand__objective")).order_by(
        "sub_strand__objective__number", "sub_strand__order", "code")
    return RiskPage(
        risk=risk, row=row, matrix=matrix, history=history, actions=list(risk.actions.all()),
        kpis=kpi_lines(user=user, kpis=kpis, period=period), appetite_words=appetite_words(matrix, row),
        period=period, sees_drafts=sees_drafts(user),
    )


# -- the heat map --------------------------------------------------------------------------------


@dataclass
class Cell:
    likelihood: object  # RiskLevel
    impact: object  # RiskLevel
    score: int
    band: object  # RiskBand
    count: int = 0
    before: int | None = None  # the count in the period before (None: no period before)
    risks: list = field(default_factory=list)


@dataclass
class HeatMap:
    matrix: RiskMatrix
    period: ReportingPeriod | None
    before: ReportingPeriod | None
    rows: list  # [(likelihood level, [Cell]...)], the highest likelihood first
    impacts: list  # the impact levels, lowest first
    placed: list  # [(RiskRow, Cell)] this period, most serious first
    unscored: list  # [RiskRow] with no review the person may see up to the period
    periods: list = field(default_factory=list)
    sees_drafts: bool = False  # reviews not yet approved are on the map (reporting.access.sees_drafts)


def heat_map_page(*, user, strategy, period=None):
    """The matrix as a grid: in each cell the number of risks whose latest visible review up to
    `period` (default: the latest with a review) puts them there, beside the period before."""
    matrix = the_matrix()
    periods = periods_of(user, strategy) if strategy else []
    if period is None:
        period = default_risk_period(user, strategy, periods) if strategy else None
    before = period_before(periods, period) if period else None
    rows_now = risk_rows(user=user, strategy=strategy, period=period, matrix=matrix) if strategy and period else []
    likelihoods, impacts = matrix.likelihood_levels(), matrix.impact_levels()
    risks = [row.risk for row in rows_now]
    # the counts: the register's selector (reporting.risks.selectors.heat_map), this period and the one before
    counted_now = {(c.likelihood, c.impact): c for row in heat_map(risks, period, user) for c in row} if risks else {}
    counted_before = {(c.likelihood, c.impact): c for row in heat_map(risks, before, user) for c in row} \
        if risks and before else {}
    cells = {}
    for lk in likelihoods:
        for im in impacts:
            value = scoring.score(lk.value, im.value)
            now, was = counted_now.get((lk.value, im.value)), counted_before.get((lk.value, im.value))
            cells[(lk.value, im.value)] = Cell(likelihood=lk, impact=im, score=value, band=scoring.band_of(matrix, value),
                                               count=now.count if now else 0,
                                               before=(was.count if was else 0) if before else None)
    placed = []
    for row in rows_now:
        cell = cells.get((row.current.likelihood, row.current.impact)) if row.current is not None else None
        if cell is not None:
            cell.risks.append(row)
            placed.append((row, cell))
    grid = [(lk, [cells[(lk.value, im.value)] for im in impacts]) for lk in reversed(likelihoods)]
    placed.sort(key=lambda pair: (-pair[1].score, -pair[1].likelihood.value, pair[0].risk.order, pair[0].risk.reference))
    return HeatMap(matrix=matrix, period=period, before=before, rows=grid, impacts=impacts, placed=placed,
                   unscored=[row for row in rows_now if row.current is None], periods=periods,
                   sees_drafts=bool(sees_drafts(user)))
