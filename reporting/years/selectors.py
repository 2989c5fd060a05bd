"""Reads for setting up a financial year: a strategy's periods, their deadlines and governance
events proposed from the year before, and each KPI's target beside last year's."""
import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Q

from kpis.models import KPI, Target
from kpis.numbers import whole_number
from kpis.services import target_version
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
    others: list = field(default_factory=list)  # the KPI's other targets for the year (not the one its RAG uses)
    choose: object = None  # reporting.steps.Offer: whether the person may choose another of them for the RAG


# The targets page shows this many KPIs at a time (a council of 60 KPIs fits on one page; one of 1,200 KPIs
# gets 24 pages, each as quick to draw as the first): README, Performance.
TARGETS_PER_PAGE = 50


def _targeted_kpis(strategy=None):
    """The active KPIs rated against a target (targeted: not a milestone, not contextual)."""
    kpis = KPI.objects.filter(is_active=True, kind=KPI.Kind.TARGETED)
    if strategy is not None:
        kpis = kpis.filter(sub_strand__objective__strategy=strategy)
    # The page shows a KPI's code, title, unit and direction under its sub-strand's full name: the long texts
    # (description, sources) are left unread.
    return (kpis.select_related("sub_strand__objective")
            .defer("description", "data_source", "source_notes", "sub_strand__objective__description")
            .order_by("sub_strand__objective__number", "sub_strand__order", "order", "code"))


def _rows(financial_year, kpis):
    """Each KPI's primary targets for the year and the year before, and its other targets for the year:
    one query. Ordered within each KPI only (as Target's own ordering orders a KPI's targets), without the
    joins to sub-strand and objective that ordering across KPIs needs: the rows come in the KPIs' order."""
    targets, others = {}, {}
    for t in (Target.objects.filter(Q(is_primary=True) | Q(financial_year=financial_year), kpi__in=kpis,
                                    financial_year__in=[financial_year, financial_year - 1])
              .order_by("financial_year", "-is_primary", "kind")):
        if t.is_primary:
            targets[(t.kpi_id, t.financial_year)] = t
        else:
            others.setdefault(t.kpi_id, []).append(t)
    return [TargetRow(k, targets.get((k.id, financial_year - 1)), targets.get((k.id, financial_year)), others.get(k.id, []))
            for k in kpis]


def target_rows(financial_year, strategy=None, *, kpi_ids=None):
    """Each active KPI (of the strategy, if given) that is measured against a number (not a
    milestone), by sub-strand, with its primary target for the year and for the year before; only
    those of `kpi_ids`, when given. Two queries."""
    kpis = _targeted_kpis(strategy)
    if kpi_ids is not None:
        kpis = kpis.filter(id__in=kpi_ids)
    return _rows(financial_year, list(kpis))


def target_page(financial_year, strategy=None, number=1):
    """One page of target_rows (TARGETS_PER_PAGE of them; a page number out of range is the last
    page), as a Django Page whose object_list is its rows. Three queries whatever the size."""
    page = Paginator(_targeted_kpis(strategy), TARGETS_PER_PAGE).get_page(number)
    page.object_list = _rows(financial_year, list(page.object_list))
    return page


def strategy_of_form(posted):
    """The strategy a targets page was opened for, from the id its form carries; None when it
    carries none, or one that is not a strategy's."""
    from objectives.models import Strategy

    pk = whole_number(posted, minimum=1)
    return Strategy.objects.filter(pk=pk).first() if pk is not None else None


@dataclass
class TargetSlot:
    """A KPI's primary target for a year as it is now (`target`, None when it has none), for the save
    that asks whether it is still as the page showed it (`version`, reporting.steps.SET_TARGET); who
    changed it last and when (`updated_by`, `updated_at`) from its history, for the refusal."""

    kpi: KPI
    financial_year: int
    target: Target | None
    opened: str = ""  # the version the page was opened at

    @property
    def version(self):
        return target_version(self.target)

    @cached_property
    def last_change(self):
        """The latest history entry of the target now, or of the one the page showed (replaced or
        removed since), or None. One query."""
        from auditlog.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        pks = {str(self.target.pk)} if self.target is not None else set()
        opened_pk = self.opened.partition(":")[0]
        if opened_pk.isdigit():
            pks.add(opened_pk)
        if not pks:
            return None
        return (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Target), object_pk__in=pks)
                .select_related("actor").order_by("-timestamp", "-pk").first())

    @property
    def updated_by(self):
        return self.last_change.actor if self.last_change else None

    @property
    def updated_by_id(self):
        return self.last_change.actor_id if self.last_change else None

    @property
    def updated_at(self):
        return self.last_change.timestamp if self.last_change else None
