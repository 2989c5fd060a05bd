"""The briefing's optional risk section: the risks that need the Cabinet Member's eye this period,
from approved reviews only (whoever reads it, as the rest of the briefing).

A risk is in it when its approved review of the period puts it outside appetite (reporting.risks.
scoring.outside_appetite), or when its current score rose since its last approved review of an
earlier period. Each line gives the score in words and its band as a word ("SR1 Loss of the main
contractor: Likely (4) x Major (4) = 16, High; outside appetite (above 12); up from 9 in 2023/24
Q1"). An exempt risk (not for publication) is never in it: the briefing's readers' copy is the one
the public pages show once it is published.

The section is typed text, as "What needs attention" is: the lines as the reviews stand now until
the Economy Cell edits them, and kept as issued (`Briefing.risks_text`, written at issue)."""
import re
from dataclasses import dataclass

from reporting import access
from reporting.models import Risk, RiskReview
from reporting.risks.report import matrix_with_levels
from reporting.risks.scoring import Score, appetite_of, outside_appetite, score_of

NO_RISKS = "No risk is outside appetite and no risk's score rose in its approved review this period."
RISK_LINE = re.compile(r"^(?:(\d{1,3}[.)])|[-•*])\s+(\S.*)$")


@dataclass
class RiskLine:
    """One risk the section names, from its approved review of the period."""

    risk: Risk
    score: Score
    outside: bool
    appetite: int | None
    previous: Score | None
    previous_period: object  # the period of the review before, or None

    @property
    def rose(self):
        return self.previous is not None and self.score.score > self.previous.score

    @property
    def sentence(self):
        parts = [f"{self.risk.reference} {self.risk.title}: {self.score.words}"]
        if self.outside:
            parts.append(f"outside appetite (above {self.appetite})")
        if self.rose:
            parts.append(f"up from {self.previous.score} in {self.previous_period.label}")
        return "; ".join(parts)


def approved_reviews(period):
    """The period's reviews readers may see (approved or published), of the strategy's risks that
    are not exempt, with their risks and matrices. One query."""
    return (RiskReview.objects.filter(access.RISK_REVIEWS.for_readers, period=period, risk__strategy_id=period.strategy_id,
                                      risk__exempt=False)
            .select_related("risk__strategy", "risk__category"))


def earlier_reviews(risk_ids, period):
    """Each risk's latest approved review of a period before `period`: {risk id: review}. One query."""
    found = {}
    reviews = (RiskReview.objects.filter(access.RISK_REVIEWS.for_readers, risk_id__in=risk_ids,
                                         period__start_date__lt=period.start_date)
               .select_related("period").order_by("risk_id", "-period__start_date"))
    for review in reviews:
        found.setdefault(review.risk_id, review)
    return found


def risk_lines(period):
    """The risks the section names, most serious first (current score, then reference). Two queries
    and the matrix's (levels and bands, once)."""
    reviews = list(approved_reviews(period))
    matrix = matrix_with_levels()
    before = earlier_reviews([r.risk_id for r in reviews], period)
    lines = []
    for review in reviews:
        risk = review.risk
        risk.matrix = matrix
        score = score_of(matrix, review.current_likelihood, review.current_impact)
        earlier = before.get(review.risk_id)
        previous = score_of(matrix, earlier.current_likelihood, earlier.current_impact) if earlier else None
        line = RiskLine(risk=risk, score=score, outside=outside_appetite(risk, score.score), appetite=appetite_of(risk),
                        previous=previous, previous_period=earlier.period if earlier else None)
        if line.outside or line.rose:
            lines.append(line)
    lines.sort(key=lambda line: (-line.score.score, line.risk.reference))
    return lines


def as_text(lines):
    """The lines as the briefing's typed text, one numbered line a risk, which the Economy Cell may edit."""
    return "\n".join(f"{n}. {line.sentence}" for n, line in enumerate(lines, start=1))


def suggested_risks(period):
    return as_text(risk_lines(period))


@dataclass
class RiskItem:
    """A line of the section as the note writes it: its number, the risk it opens with (its
    reference, and title where the line gives it: `lead`, linked to the risk's page) and the rest."""

    marker: str
    risk: Risk | None
    lead: str
    rest: str


def risk_items(text, risks_by_reference):
    """The section's text as items, each line that opens with a risk's reference linked to that risk."""
    items = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        match = RISK_LINE.match(line)
        marker, words = (match.group(1) or "", match.group(2)) if match else ("", line)
        reference = words.split(" ", 1)[0].rstrip(":")
        risk = risks_by_reference.get(reference)
        lead = ""
        if risk is not None:
            lead = f"{risk.reference} {risk.title}" if words.startswith(f"{risk.reference} {risk.title}") else reference
        items.append(RiskItem(marker=marker, risk=risk, lead=lead, rest=words[len(lead):]))
    return items


def briefing_risk_items(period, briefing):
    """The section's items: the Economy Cell's text when they wrote one (and always once issued), else
    the lines as the approved reviews stand now. Exempt risks are never linked."""
    text = briefing.risks_text
    if not (text or "").strip():
        text = suggested_risks(period)
    risks = Risk.objects.filter(strategy_id=period.strategy_id, exempt=False).select_related("strategy")
    return risk_items(text, {r.reference: r for r in risks})
