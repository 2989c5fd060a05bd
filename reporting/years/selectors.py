"""Reads for setting up a financial year: a strategy's periods, their deadlines and governance
events proposed from the year before, and each KPI's target beside last year's."""
import datetime
from dataclasses import dataclass

from kpis.models import KPI, Target
from objectives import cadence as cadences
from objectives.models import ReportingPeriod

def a_year_later(date):
    """The same day a year later (29 February becomes 28 February)."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + 1)
    except ValueError:
        return date.replace(year=date.year + 1, day=28)


@dataclass
class ProposedEvent:
    name: str
    date: datetime.date | None  # the same event a year earlier, a year on
    audience: str
    frequency: str
    order: int


@dataclass
class ProposedPeriod:
    number: int
    label: str
    start: datetime.date
    end: datetime.date
    existing: ReportingPeriod | None
    deadline: datetime.date | None  # the same period's deadline a year earlier, a year on
    events: list  # of ProposedEvent: the same period's events a year earlier
    governance_notes: str


def proposed_year(financial_year, strategy):
    """The strategy's periods of the year (quarters, half-years or months, as its cadence says):
    those set up already, and for the others the deadline and governance events of the same period
    a year earlier, moved on a year, for the coordinator to adjust. Three queries."""
    how_often = strategy.cadence
    existing = {p.number: p for p in ReportingPeriod.objects.filter(strategy=strategy, financial_year=financial_year)}
    before = {p.number: p for p in ReportingPeriod.objects.filter(strategy=strategy, financial_year=financial_year - 1)
              .prefetch_related("events")}
    proposed = []
    for number in cadences.numbers(how_often):
        start, end = cadences.dates(financial_year, number, how_often)
        earlier = before.get(number)
        events = [ProposedEvent(e.name, a_year_later(e.date), e.audience, e.frequency, e.order)
                  for e in (earlier.events.all() if earlier else [])]
        proposed.append(ProposedPeriod(
            number, cadences.label(financial_year, number, how_often), start, end, existing.get(number),
            a_year_later(earlier.dashboard_deadline) if earlier else None, events,
            earlier.governance_notes if earlier else ""))
    return proposed


@dataclass
class TargetRow:
    kpi: KPI
    last_year: Target | None
    this_year: Target | None


def target_rows(financial_year, strategy=None):
    """Each active KPI (of the strategy, if given) that is measured against a number (not a
    milestone), by sub-strand, with its primary target for the year and for the year before. Two queries."""
    kpis = KPI.objects.filter(is_active=True).exclude(direction="milestone")
    if strategy is not None:
        kpis = kpis.filter(sub_strand__objective__strategy=strategy)
    kpis = list(kpis
                .select_related("sub_strand__objective").order_by("sub_strand__objective__number", "sub_strand__order", "order", "code"))
    targets = {(t.kpi_id, t.financial_year): t for t in Target.objects.filter(
        kpi__in=kpis, financial_year__in=[financial_year, financial_year - 1], is_primary=True)}
    return [TargetRow(k, targets.get((k.id, financial_year - 1)), targets.get((k.id, financial_year))) for k in kpis]
