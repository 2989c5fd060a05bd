"""Reads for setting up a financial year: its quarters' dates proposed from the year before, and
each KPI's target beside last year's."""
import datetime
from dataclasses import dataclass

from django.utils.functional import lazy

from kpis.models import KPI, Target
from objectives.council import terms
from objectives.models import ReportingPeriod, financial_year_label, quarter_dates

DATE_FIELDS = [  # each period's governance dates, labelled in the council's words when shown
    ("dashboard_deadline", "Dashboard update deadline"),
    ("economy_cell_meeting", lazy(lambda: f"{terms().coordinator.one} meeting", str)()),
    ("cabinet_member_briefing", lazy(lambda: f"{terms().reader.one} briefing", str)()),
    ("scrutiny_meeting", lazy(lambda: f"{terms().reader.one} / {terms().scrutiny.one}", str)()),
]


def a_year_later(date):
    """The same day a year later (29 February becomes 28 February)."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + 1)
    except ValueError:
        return date.replace(year=date.year + 1, day=28)


@dataclass
class ProposedQuarter:
    quarter: int
    label: str
    start: datetime.date
    end: datetime.date
    existing: ReportingPeriod | None
    dates: dict  # field -> date: the same quarter's dates a year earlier, a year on
    governance_notes: str


def proposed_year(financial_year):
    """The year's four quarters: those set up already, and for the others the dates of the same
    quarter a year earlier, moved on a year, for the coordinator to adjust. Two queries."""
    existing = {p.quarter: p for p in ReportingPeriod.objects.filter(financial_year=financial_year)}
    before = {p.quarter: p for p in ReportingPeriod.objects.filter(financial_year=financial_year - 1)}
    quarters = []
    for q in (1, 2, 3, 4):
        start, end = quarter_dates(financial_year, q)
        earlier = before.get(q)
        dates = {name: a_year_later(getattr(earlier, name)) if earlier else None for name, _ in DATE_FIELDS}
        quarters.append(ProposedQuarter(q, f"{financial_year_label(financial_year)} Q{q}", start, end, existing.get(q),
                                        dates, earlier.governance_notes if earlier else ""))
    return quarters


@dataclass
class TargetRow:
    kpi: KPI
    last_year: Target | None
    this_year: Target | None


def target_rows(financial_year):
    """Each active KPI that is measured against a number (not a milestone), by sub-strand, with its
    primary target for the year and for the year before. Two queries."""
    kpis = list(KPI.objects.filter(is_active=True).exclude(direction="milestone")
                .select_related("sub_strand__objective").order_by("sub_strand__objective__number", "sub_strand__order", "order", "code"))
    targets = {(t.kpi_id, t.financial_year): t for t in Target.objects.filter(
        kpi__in=kpis, financial_year__in=[financial_year, financial_year - 1], is_primary=True)}
    return [TargetRow(k, targets.get((k.id, financial_year - 1)), targets.get((k.id, financial_year))) for k in kpis]
