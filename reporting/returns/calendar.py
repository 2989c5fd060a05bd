"""The reporting calendar: a financial year's periods with their governance dates, and per
sub-strand the state of each period's return, overdue ones marked."""
from dataclasses import dataclass

from django.utils import timezone

from kpis.figures import financial_year_of
from objectives.models import ReportingPeriod, SubStrand, financial_year_label
from objectives.selectors import open_period
from reporting.models import QuarterlyReturn
from reporting.workflow import NOT_STARTED, is_overdue, state_label


@dataclass
class CalendarCell:
    period: ReportingPeriod
    ret: QuarterlyReturn | None
    state: str | None  # None: the period is not open yet
    overdue: bool

    @property
    def state_label(self):
        return "Not open yet" if self.state is None else state_label(self.state)



@dataclass
class CalendarRow:
    sub_strand: SubStrand
    cells: list


def calendar_years():
    """[(2023, "2023/24"), ...]: the financial years that have periods."""
    years = ReportingPeriod.objects.order_by("financial_year").values_list("financial_year", flat=True).distinct()
    return [(y, financial_year_label(y)) for y in years]


def period_calendar(user, *, financial_year=None, today=None):
    """A financial year's periods with their governance dates, and per sub-strand the state of each
    period's return, overdue ones marked. Three queries whatever the size."""
    today = today or timezone.localdate()
    if financial_year is None:
        current = open_period()
        financial_year = current.financial_year if current else financial_year_of(today)
    periods = list(ReportingPeriod.objects.filter(financial_year=financial_year).order_by("quarter"))
    subs = list(SubStrand.objects.select_related("objective", "lead_officer").order_by("objective__number", "order"))
    returns = {
        (r.sub_strand_id, r.period_id): r
        for r in QuarterlyReturn.objects.filter(period__in=periods).only("id", "sub_strand_id", "period_id", "state", "overall_rag")
    }
    rows = []
    for sub in subs:
        cells = []
        for period in periods:
            ret = returns.get((sub.id, period.id))
            if period.state == ReportingPeriod.State.NOT_OPEN and ret is None:
                cells.append(CalendarCell(period, None, None, False))
                continue
            state = ret.state if ret else NOT_STARTED
            cells.append(CalendarCell(period, ret, state, is_overdue(state, period, today)))
        rows.append(CalendarRow(sub, cells))
    return financial_year, periods, rows
