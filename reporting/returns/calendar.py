"""The reporting calendar: a financial year's periods with their governance dates, and per
sub-strand the state of each period's return, overdue and late ones marked, and a flag where there
is nobody to send a reminder to."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from kpis.figures import financial_year_of
from objectives import governance
from objectives.models import GovernanceEvent, ReportingPeriod, SubStrand, financial_year_label
from objectives.selectors import open_period
from reporting.models import QuarterlyReturn
from reporting.notifications import people_to_remind
from reporting.steps import CLOSE_PERIOD, OPEN_PERIOD
from reporting.workflow import NOT_STARTED, chase_refusal, is_late, is_outstanding, is_overdue, state_label


@dataclass
class CalendarCell:
    period: ReportingPeriod
    state: str | None  # None: the period is not open yet
    overdue: bool
    late: bool = False  # not approved, and the period's briefing has been issued
    url: str = ""  # the return's page, for a period opened (reversed here, not once a cell in the template)

    @property
    def state_label(self):
        return "Not open yet" if self.state is None else state_label(self.state)


@dataclass
class CalendarRow:
    sub_strand: SubStrand
    cells: list
    nobody_to_remind: bool = False  # no lead or editor with an email address


@dataclass(frozen=True)
class Years:
    """The financial years the calendar moves between: those with periods, the one shown, and the
    years either side of it (each always offered, set up or not)."""

    shown: int
    with_periods: list  # [(2023, "2023/24")]

    @property
    def previous(self):
        return (self.shown - 1, financial_year_label(self.shown - 1))

    @property
    def next(self):
        return (self.shown + 1, financial_year_label(self.shown + 1))

    @property
    def links(self):
        """The years to link to, each once, in order: [(year, label, how)], `how` "previous" or "next" for
        a year either side not set up (said as "Previous year: 2022/23"), "shown" for the one shown, else
        "set up". A year either side that is set up is linked among them, not a second time."""
        listed = dict(self.with_periods)
        listed.setdefault(self.shown, financial_year_label(self.shown))
        links = [(y, label, "shown" if y == self.shown else "set up") for y, label in sorted(listed.items())]
        if self.previous[0] not in listed:
            links.insert(0, (*self.previous, "previous"))
        if self.next[0] not in listed:
            links.append((*self.next, "next"))
        return links

    @property
    def next_is_set_up(self):
        return any(y == self.shown + 1 for y, _ in self.with_periods)


def strategy_periods(strategy):
    """Every period of the strategy, of every year (a few a year), read once for the calendar: the year it
    opens at, the years it links to and the year shown are all taken from them. None without a strategy."""
    if strategy is None:
        return None
    return list(ReportingPeriod.objects.filter(strategy=strategy).order_by("financial_year", "number"))


def calendar_years(strategy, every_period=None):
    """[(2023, "2023/24"), ...]: the financial years in which the strategy has periods (from
    `every_period`, strategy_periods, when given)."""
    if every_period is not None:
        years = sorted({p.financial_year for p in every_period})
    else:
        years = (ReportingPeriod.objects.filter(strategy=strategy).order_by("financial_year")
                 .values_list("financial_year", flat=True).distinct())
    return [(y, financial_year_label(y)) for y in years]


def default_year(strategy, today=None, every_period=None):
    """The year the calendar opens at: the open period's; else this financial year if it has
    periods; else the latest earlier year that has some (never an empty year while one has
    periods); else the first year set up. `every_period`: strategy_periods, when read already."""
    current = open_period(strategy, among=every_period)
    if current is not None:
        return current.financial_year
    this_year = financial_year_of(today or timezone.localdate())
    years = [y for y, _ in calendar_years(strategy, every_period)]
    if not years or this_year in years:
        return this_year
    earlier = [y for y in years if y < this_year]
    return earlier[-1] if earlier else years[0]


_SUB_STRAND = "sub-strand-slug"  # stands for a sub-strand's slug in a return's address (period_calendar)


def period_calendar(user, *, strategy, financial_year=None, today=None, every_period=None):
    """A strategy's financial year: its periods with their governance events (laid out by
    objectives.governance), and per sub-strand the state of each period's return, overdue and late
    ones marked; whether each period may be opened or closed now. `every_period`: strategy_periods,
    when read already (the page reads them once, for the years too). Five queries with it, six without,
    whatever the size (whether another period is open is asked of the periods read)."""
    today = today or timezone.localdate()
    if every_period is None:
        every_period = strategy_periods(strategy)
    if financial_year is None:
        financial_year = default_year(strategy, today, every_period)
    periods = [p for p in every_period or () if p.financial_year == financial_year]
    for period in periods:  # whether another is open, asked of them (reporting.workflow.another_open_period)
        period.strategy_periods = every_period
    # A period's events in their order (GovernanceEvent's own ordering, within a period), without the joins
    # to period and strategy that ordering across periods needs
    prefetch_related_objects(periods, Prefetch("events", queryset=GovernanceEvent.objects.order_by("order", "date")))
    columns = governance.columns(strategy, periods)
    for period in periods:
        period.calendar_cells = governance.cells(period, columns)
    # The sub-strands with what the page says of them and of their lead and editors (who a reminder reaches):
    # the long texts and the people's other columns left unread
    people = ("id", "username", "first_name", "last_name", "email", "is_active")
    subs = list(SubStrand.objects.filter(objective__strategy=strategy).select_related("objective", "lead_officer")
                .only("id", "name", "slug", "reports_as_objective", "objective__name", "lead_officer_id",
                      *(f"lead_officer__{f}" for f in people))
                .prefetch_related(Prefetch("editors", queryset=get_user_model().objects.only(*people)))
                .order_by("objective__number", "order"))
    # Each return's state, read as values: the page shows nothing else of a return
    states = {(sub_id, period_id): state for sub_id, period_id, state in
              QuarterlyReturn.objects.filter(period__in=periods).order_by().values_list("sub_strand_id", "period_id", "state")}
    # Each return's page: the address reversed once a period, the sub-strand's slug put in its place (a
    # slug needs no quoting), not reversed once a cell.
    addresses = {period.pk: reverse("return", args=[period.slug, _SUB_STRAND]) for period in periods}
    # The rules (overdue, late, may be chased) asked once for each state a period's returns are in, not once a cell
    answers = {}

    def answer(state, period):
        key = (state, period.pk)
        if key not in answers:
            answers[key] = (is_overdue(state, period, today), is_late(state, period),
                            is_outstanding(state), chase_refusal(state, period) is None)
        return answers[key]

    rows = []
    for sub in subs:
        cells = []
        for period in periods:
            state = states.get((sub.id, period.id))
            if state is None and period.state == ReportingPeriod.State.NOT_OPEN:
                cells.append(CalendarCell(period, None, False))
                continue
            state = state or NOT_STARTED
            overdue, late, _outstanding, _chased = answer(state, period)
            cells.append(CalendarCell(period, state, overdue, late, addresses[period.pk].replace(_SUB_STRAND, sub.slug)))
        rows.append(CalendarRow(sub, cells, nobody_to_remind=not people_to_remind(sub)))
    for column, period in enumerate(periods):  # how many are still to be submitted, and how many of them a reminder can reach
        cells = [(row, row.cells[column]) for row in rows if row.cells[column].state is not None]
        period.outstanding = sum(1 for _, cell in cells if answer(cell.state, period)[2])
        # "Remind everyone outstanding (5)": the returns a reminder may go about (the chasing rule, as the
        # REMIND_RETURN step asks it) and that have someone to send it to
        period.remindable = sum(1 for row, cell in cells if answer(cell.state, period)[3] and not row.nobody_to_remind)
        # Opening and closing as the steps answer them
        period.may_open, period.may_close = OPEN_PERIOD.offer(user, period), CLOSE_PERIOD.offer(user, period)
    return financial_year, periods, columns, rows
