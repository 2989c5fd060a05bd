"""A figure's freshness, written once: when a KPI's next figure is due, and whether its latest
figure is *stale* (older than its cadence allows). Plain functions, no database: pages, the
dashboard's count and list, the briefing and "what needs attention" ask `freshness`.

- A figure's data period ends on its `data_for_end` (the period the data is *for*), else on the
  last day of the period it was reported in.
- Its next figure is due when the next data period has ended and the KPI's data lag has passed:
  the data period's end + the KPI's cadence (1, 3, 6 or 12 months; with no cadence recorded, its
  strategy's reporting period) + `KPI.data_lag_months` ("figures arrive N months after the period
  ends"). A quarterly KPI with a lag of one month whose latest figure is for April–June 2023 has its
  next figure due on 31 October 2023.
- Stale: that day has passed (it is before the day the freshness is judged on, `as_at_date`).
- "Not yet available" is not stale: the officer said the figure is late, gave the date it is
  expected and (in the commentary) why. Its next figure is due on that date, and once the date has
  passed it is *overdue*, which is said as such (reporting.dashboard.selectors.listed_because).
- A KPI with no figure yet is neither: there is nothing to be out of date.
"""
import calendar
import datetime
from dataclasses import dataclass
from enum import Enum

from objectives import cadence as cadences

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12, "academic_year": 12}


class State(Enum):
    DUE = "due"  # up to date: the next figure is due on a day still to come
    STALE = "stale"
    NOT_YET_AVAILABLE = "not_yet_available"
    NO_FIGURE = "no_figure"


def add_months(day, months):
    """`day` moved on by whole months, a month's last day to the month's last day (30 June + 3
    months is 30 September; 31 March + 3 months is 30 June)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return datetime.date(year, month, last)
    return datetime.date(year, month, min(day.day, last))


def long_date(day):
    """'5 March 2024'."""
    return f"{day.day} {day:%B %Y}"


def as_at_date(period, today):
    """The day a period's figures are judged fresh or stale on: its last day, or today while it runs
    (so that a briefing or a dashboard as at a past period says the same whenever it is read)."""
    if period is None:
        return today
    return min(today, period.end_date)


def cadence_months(kpi, period):
    """How many months one of the KPI's figures covers: its data cadence, else its strategy's
    reporting period (the period the figure was reported in)."""
    if kpi.cadence in CADENCE_MONTHS:
        return CADENCE_MONTHS[kpi.cadence]
    return cadences.MONTHS.get(getattr(period, "cadence", cadences.QUARTERLY), 3)


def data_end(measurement):
    """The last day of the period a figure is for."""
    return measurement.data_for_end or measurement.period.end_date


def data_label(measurement):
    """The period a figure is for, in words: its 'data for' text, else the period it was reported in."""
    return (measurement.data_for or "").strip() or measurement.period.label


@dataclass(frozen=True)
class Freshness:
    state: State
    due: datetime.date | None = None  # when the next figure is due (the expected date, when not yet available)
    data_for: str = ""  # the period the latest figure is for
    on: datetime.date | None = None  # the day it was judged on

    @property
    def is_stale(self):
        return self.state is State.STALE

    @property
    def is_overdue(self):
        """A figure not yet available whose expected date has passed."""
        return self.state is State.NOT_YET_AVAILABLE and self.due is not None and self.due < self.on

    @property
    def words(self):
        """What the KPI page says: 'Next figure due: 31 October 2023', 'Stale: the latest figure is
        for Q1 2023/24, due again by 31 October 2023', 'Not yet available: the figure for … is expected
        by …'."""
        if self.state is State.DUE:
            return f"Next figure due: {long_date(self.due)}"
        if self.state is State.STALE:
            return f"Stale: the latest figure is for {self.data_for}, due again by {long_date(self.due)}"
        if self.state is State.NOT_YET_AVAILABLE:
            if self.due is None:
                return f"Not yet available: the figure for {self.data_for} has no expected date"
            late = ", and is now overdue" if self.is_overdue else ""
            return f"Not yet available: the figure for {self.data_for} is expected by {long_date(self.due)}{late}"
        return "No figure reported yet"


NO_FIGURE = Freshness(State.NO_FIGURE)


def freshness(kpi, latest, *, on):
    """The freshness of `kpi` whose latest entry (a Measurement with a figure, a milestone status or
    "not yet available", its period attached; or None) is `latest`, judged on the day `on`."""
    if latest is None:
        return NO_FIGURE
    label = data_label(latest)
    if latest.not_available:
        return Freshness(State.NOT_YET_AVAILABLE, due=latest.expected_date, data_for=label, on=on)
    due = add_months(data_end(latest), cadence_months(kpi, latest.period) + (kpi.data_lag_months or 0))
    return Freshness(State.STALE if due < on else State.DUE, due=due, data_for=label, on=on)
