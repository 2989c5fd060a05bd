"""The reporting calendar: a financial year's periods with their governance dates, and per
sub-strand the state of each period's return, overdue and late ones marked, and a flag where there
is nobody to send a reminder to."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from kpis.figures import financial_year_of
from objectives import governance
from objectives.models import ReportingPeriod, SubStrand, financial_year_label
from objectives.selectors import open_period
from reporting.models import QuarterlyReturn
from reporting.notifications import people_to_remind
from reporting.steps import CLOSE_PERIOD, OPEN_PERIOD
from reporting.workflow import NOT_STARTED, chase_refusal, is_late, is_outstanding, is_overdue, state_label


@dataclass
class CalendarCell:
    period: ReportingPeriod
    ret: QuarterlyReturn | None
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


def calendar_years(strategy):
    """[(2023, "2023/24"), ...]: the financial years in which the strategy has periods."""
    years = (ReportingPeriod.objects.filter(strategy=strategy).order_by("financial_year")
             .values_list("financial_year", flat=True).distinct())
    return [(y, financial_year_label(y)) for y in years]


def default_year(strategy, today=None):
    """The year the calendar opens at: the open period's; else this financial year if it has
    periods; else the latest earlier year that has some (never an empty year while one has
    periods); else the first year set up."""
    current = open_period(strategy)
    if current is not None:
        return current.financial_year
    this_year = financial_year_of(today or timezone.localdate())
    years = [y for y, _ in calendar_years(strategy)]
    if not years or this_year in years:
        return this_year
    earlier = [y for y in years if y < this_year]
    return earlier[-1] if earlier else years[0]


_SUB_STRAND = "sub-strand-slug"  # stands for a sub-strand's slug in a return's address (period_calendar)


def period_calendar(user, *, strategy, financial_year=None, today=None):
    """A strategy's financial year: its periods with their governance events (laid out by
    objectives.governance), and per sub-strand the state of each period's return, overdue and late
    ones marked; whether each period may be opened or closed now. Five queries, and one a period of
    the year, whatever the size."""
    today = today or timezone.localdate()
    if financial_year is None:
        financial_year = default_year(strategy, today)
    periods = list(ReportingPeriod.objects.filter(strategy=strategy, financial_year=financial_year)
                   .prefetch_related("events").order_by("number"))
    columns = governance.columns(strategy, periods)
    for period in periods:
        period.calendar_cells = governance.cells(period, columns)
    subs = list(SubStrand.objects.filter(objective__strategy=strategy).select_related("objective", "lead_officer")
                .prefetch_related("editors").order_by("objective__number", "order"))
    returns = {
        (r.sub_strand_id, r.period_id): r
        for r in QuarterlyReturn.objects.filter(period__in=periods).only("id", "sub_strand_id", "period_id", "state", "overall_rag")
    }
    # Each return's page: the address reversed once a period, the sub-strand's slug put in its place (a
    # slug needs no quoting), not reversed once a cell.
    addresses = {period.pk: reverse("return", args=[period.slug, _SUB_STRAND]) for period in periods}
    rows = []
    for sub in subs:
        cells = []
        for period in periods:
            ret = returns.get((sub.id, period.id))
            if period.state == ReportingPeriod.State.NOT_OPEN and ret is None:
                cells.append(CalendarCell(period, None, None, False))
                continue
            state = ret.state if ret else NOT_STARTED
            cells.append(CalendarCell(period, ret, state, is_overdue(state, period, today), is_late(state, period),
                                      addresses[period.pk].replace(_SUB_STRAND, sub.slug)))
        rows.append(CalendarRow(sub, cells, nobody_to_remind=not people_to_remind(sub)))
    for period in periods:  # how many are still to be submitted, and how many of them a reminder can reach
        cells = [(row, cell) for row in rows for cell in row.cells if cell.period.pk == period.pk and cell.state is not None]
        period.outstanding = sum(1 for _, cell in cells if is_outstanding(cell.state))
        # "Remind everyone outstanding (5)": the returns a reminder may go about (the chasing rule, as the
        # REMIND_RETURN step asks it) and that have someone to send it to
        period.remindable = sum(1 for row, cell in cells
                                if chase_refusal(cell.state, period) is None and not row.nobody_to_remind)
        # Opening and closing as the steps answer them (one query a period: is another one open?)
        period.may_open, period.may_close = OPEN_PERIOD.offer(user, period), CLOSE_PERIOD.offer(user, period)
    return financial_year, periods, columns, rows
