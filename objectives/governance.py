"""The governance calendar (section 4.1 of a briefing note): a strategy's periods as rows, a
column for each name of their governance events and one for the dashboard update deadline. The
one home of how the calendar is laid out: the briefing note, its workbook, the calendar page and
setting up a year all read it.
"""
from dataclasses import dataclass, field

DEADLINE = ""  # the deadline column's key: no event has an empty name
DEFAULT_DEADLINE_HEADING = "Dashboard update deadline"


@dataclass
class Column:
    key: str  # the events' name, or DEADLINE
    heading: str
    audience: str = ""


@dataclass
class Row:
    period: object  # a ReportingPeriod, or None for the row of events that recur
    label: str
    cells: list = field(default_factory=list)  # (column key, date or None, words) for each column


def deadline_heading(strategy):
    return (getattr(strategy, "deadline_heading", "") or "").strip() or DEFAULT_DEADLINE_HEADING


def columns(strategy, periods):
    """The calendar's columns for these periods (their events prefetched): each event name once,
    in the order the events give, the deadline at the strategy's column for it."""
    seen = {}
    for period in periods:
        for event in period.events.all():
            if event.name not in seen:
                seen[event.name] = (event.order, len(seen), event.audience)
    named = [Column(name, name, audience) for name, (_o, _i, audience) in sorted(seen.items(), key=lambda kv: kv[1][:2])]
    at = min(max((getattr(strategy, "deadline_column", 2) or 1) - 1, 0), len(named))
    return named[:at] + [Column(DEADLINE, deadline_heading(strategy))] + named[at:]


def rows(periods, cols):
    """A row per period with each column's date; led, when an event recurs (its frequency given,
    e.g. 'Monthly'), by a row saying so under its column."""
    found = []
    recurring = {e.name: e.frequency for p in periods for e in p.events.all() if e.frequency}
    if recurring:
        found.append(Row(None, "All year", [(c.key, None, recurring.get(c.key, "")) for c in cols]))
    found += [Row(period, period.label, cells(period, cols)) for period in periods]
    return found


def cells(period, cols):
    """A period's row: (column key, date or None, words) for each column."""
    dates = {e.name: e.date for e in period.events.all()}
    dates[DEADLINE] = period.dashboard_deadline
    return [(c.key, dates.get(c.key), "") for c in cols]
