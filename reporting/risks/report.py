"""The risk register report for the Audit / Governance committee, as plain data: the page and the
Word document (reporting.risks.docx, and so its PDF) are both built from `risk_report_contents`, so
they always say the same things in the same order.

Laid out as the committee papers are (reporting.plans.report): the cover fields (Report to, Date of
meeting, Summary, Recommendation(s), the contact officer), then the body: 1. the register at a
glance (how many risks, by band, outside appetite), 2. the heat map as a table (impact down the
side, likelihood across, each cell's count with its band in words: never colour alone), 3. the
register table, 4. each risk's detail (if … then …, its scores, controls, actions, the review's
commentary and the KPIs that warn of it).

From approved data only, whoever reads it: each risk's latest review as at the period that readers
may see (approved or published: reporting.access.RISK_REVIEWS.for_readers). An exempt risk is never in it unless the
Economy Cell ticked "include exempt risks (not for publication)" on the cover, and then the paper
says so on its cover. A fixed number of queries whatever the number of risks."""
from dataclasses import dataclass, field

from django.db.models import Prefetch

from kpis.models import KPI
from objectives.council import council
from objectives.roles import person_name
from reporting import access
from reporting.documents.text import text_blocks
from reporting.models import Risk, RiskAction, RiskMatrix, RiskReport, RiskReview
from reporting.risks import scoring

NOT_FOR_PUBLICATION = ("NOT FOR PUBLICATION: this report includes exempt risks. It is for members only and must not "
                       "be published.")
NO_RISKS = "No risk review has been approved for this period yet."
REGISTER_HEADINGS = ["Ref.", "Risk", "Owner", "Inherent score", "Current score", "Direction of travel", "Target score",
                     "Appetite"]
REGISTER_WIDTHS = [7, 13, 16, 11, 17, 13, 11, 12]
# A band's colour on the page: GOV.UK's tag of that colour, always with the band's name in it.
BAND_TAGS = {"green": "govuk-tag--green", "yellow": "govuk-tag--yellow", "amber": "govuk-tag--orange",
             "red": "govuk-tag--red"}


def band_tag(band):
    return BAND_TAGS.get(band.colour, "govuk-tag--grey") if band is not None else "govuk-tag--grey"


def matrix_with_levels():
    """The council's matrix with its levels and bands read once (two queries after the first)."""
    matrix = RiskMatrix.for_council(council())
    return (RiskMatrix.objects.filter(pk=matrix.pk)
            .prefetch_related("levels", "bands").get())


score_of = scoring.score_of  # a score on the matrix (scoring.Score), or None without one


def short(found):
    """A score as the register's narrow columns give it: "20, Very high" (the detail gives it in full)."""
    return f"{found.score}, {found.band_name}" if found is not None else "–"


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: object  # RiskBand
    count: int
    references: list

    @property
    def tag(self):
        return band_tag(self.band)

    @property
    def text(self):
        """What the table's cell says: the count and the band in words ("2, High")."""
        return f"{self.count}\n{self.band.name}" if self.band else str(self.count)


@dataclass
class HeatMap:
    likelihood_levels: list  # RiskLevel, lowest first (the columns)
    rows: list  # [(impact RiskLevel, [HeatCell])], the highest impact first

    @property
    def headings(self):
        return ["Impact \\ Likelihood", *[f"{level.name} ({level.value})" for level in self.likelihood_levels]]


@dataclass
class RegisterRow:
    risk: Risk
    review: RiskReview
    inherent: object  # scoring.Score
    current: object
    target: object
    outside: bool
    appetite: int | None
    appetite_words: str
    owner: str
    direction: str
    reviewed_in: str = ""  # the period of its latest approved review, when not this one
    commentary_blocks: list = field(default_factory=list)
    progress_blocks: list = field(default_factory=list)
    controls_blocks: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    kpis: list = field(default_factory=list)

    @property
    def tag(self):
        return band_tag(self.current.band)

    @property
    def inherent_short(self):
        return short(self.inherent)

    @property
    def target_short(self):
        return short(self.target)

    @property
    def cells(self):
        """The register table's row (a band cell as (colour, words): its word on its colour)."""
        return [self.risk.reference, self.risk.title + (" (exempt)" if self.risk.exempt else ""), self.owner,
                self.inherent_short, (self.current.band.colour if self.current.band else None, self.current.words),
                self.direction or "–", self.target_short, self.appetite_words]


@dataclass
class Report:
    period: object
    strategy: object
    cover: RiskReport
    title: str
    matrix: RiskMatrix
    rows: list
    heat_map: HeatMap
    by_band: list  # [(band, count)]
    outside_count: int
    includes_exempt: bool
    exempt_left_out: int
    summary_blocks: list
    recommendations_blocks: list
    contact: list  # [(label, value)]

    @property
    def not_for_publication(self):
        return NOT_FOR_PUBLICATION if self.includes_exempt else ""

    @property
    def at_a_glance(self):
        """The register at a glance, in sentences."""
        n = len(self.rows)
        if not n:
            return [NO_RISKS]
        earlier = sum(1 for row in self.rows if row.reviewed_in)
        lines = [f"{n} risk{'s' if n != 1 else ''} in the register as at {self.period.label}, each scored by its "
                 f"latest approved review" + (f" ({earlier} not reviewed this period)." if earlier else ".")]
        lines.append("By current score: " + "; ".join(f"{band.name} {count}" for band, count in self.by_band) + ".")
        appetite = f"{self.outside_count} outside appetite" if self.outside_count else "None outside appetite"
        lines.append(f"{appetite}; the others: {self.matrix.appetite_words.lower()}.")
        if self.includes_exempt:
            lines.append("Exempt risks are included: this report is not for publication.")
        return lines


def cover_of(period):
    """The period's report cover, saved or a new one (unsaved)."""
    return RiskReport.objects.filter(period=period).first() or RiskReport(period=period)


def title_of(cover, period):
    return cover.title or f"Risk register report – {period.label}"


def _reviews(period):
    """Each risk's latest approved (or published) review as at the period: the register as it stood
    then (a risk not reviewed this period keeps its last approved score, and says when). Three queries."""
    reviews = (RiskReview.objects.filter(access.RISK_REVIEWS.for_readers, risk__strategy_id=period.strategy_id,
                                         period__strategy_id=period.strategy_id,
                                         period__start_date__lte=period.start_date,
                                         current_likelihood__isnull=False, current_impact__isnull=False)
               .select_related("risk__strategy", "risk__category", "risk__owner", "period")
               .prefetch_related(Prefetch("risk__actions", queryset=RiskAction.objects.order_by("order", "pk")),
                                 Prefetch("risk__kpis", queryset=KPI.objects.order_by("code")))
               .order_by("risk__order", "risk__reference", "-period__start_date"))
    latest = {}
    for review in reviews:
        latest.setdefault(review.risk_id, review)
    return list(latest.values())


def heat_map_of(matrix, rows):
    """The matrix as a table: a row per impact level (the highest first), a cell per likelihood level."""
    likelihoods, impacts = matrix.likelihood_levels(), matrix.impact_levels()
    where = {}
    for row in rows:
        where.setdefault((row.current.likelihood, row.current.impact), []).append(row.risk.reference)
    table = []
    for impact in reversed(impacts):
        cells = []
        for likelihood in likelihoods:
            refs = where.get((likelihood.value, impact.value), [])
            s = scoring.score(likelihood.value, impact.value)
            cells.append(HeatCell(likelihood=likelihood.value, impact=impact.value, score=s,
                                  band=scoring.band_of(matrix, s), count=len(refs), references=refs))
        table.append((impact, cells))
    return HeatMap(likelihood_levels=likelihoods, rows=table)


def register_row(matrix, review, period):
    risk = review.risk
    risk.matrix = matrix
    current = score_of(matrix, review.current_likelihood, review.current_impact)
    outside = scoring.outside_appetite(risk, current.score)
    appetite = scoring.appetite_of(risk)
    return RegisterRow(
        risk=risk, review=review, current=current, outside=outside, appetite=appetite,
        inherent=score_of(matrix, risk.inherent_likelihood, risk.inherent_impact),
        target=score_of(matrix, risk.target_likelihood, risk.target_impact),
        appetite_words=f"Outside appetite (above {appetite})" if outside else matrix.appetite_words,
        owner=risk.owner_title or person_name(risk.owner, nobody="–"),
        direction=review.get_direction_display() if review.direction else "",
        reviewed_in="" if review.period_id == period.id else review.period.label,
        commentary_blocks=text_blocks(review.commentary), progress_blocks=text_blocks(review.actions_progress),
        controls_blocks=text_blocks(risk.controls), actions=list(risk.actions.all()), kpis=list(risk.kpis.all()),
    )


def risk_report_contents(period, *, include_exempt=None):
    """Everything the risk register report shows, page and Word document alike (see the module).
    `include_exempt`: the cover's choice unless given. Seven queries, whatever the number of risks."""
    cover = cover_of(period)
    exempt = cover.include_exempt if include_exempt is None else include_exempt
    matrix = matrix_with_levels()
    reviews = _reviews(period)
    left_out = sum(1 for r in reviews if r.risk.exempt) if not exempt else 0
    rows = [register_row(matrix, r, period) for r in reviews if exempt or not r.risk.exempt]
    counts = {}
    for row in rows:
        if row.current.band is not None:
            counts[row.current.band.pk] = counts.get(row.current.band.pk, 0) + 1
    bands = sorted(matrix.bands.all(), key=lambda b: b.lowest_score, reverse=True)
    contact = [("Contact Officer", cover.contact_officer), ("Telephone Number", cover.contact_telephone),
               ("Email Address", cover.contact_email)]
    return Report(
        period=period, strategy=period.strategy, cover=cover, title=title_of(cover, period), matrix=matrix, rows=rows,
        heat_map=heat_map_of(matrix, rows), by_band=[(b, counts.get(b.pk, 0)) for b in bands],
        outside_count=sum(1 for r in rows if r.outside), includes_exempt=exempt,
        exempt_left_out=left_out, summary_blocks=text_blocks(cover.summary),
        recommendations_blocks=text_blocks(cover.recommendations), contact=contact,
    )
