"""Reads for the workbooks page: each period with the files this user may download or import."""
from dataclasses import dataclass

from objectives.models import ReportingPeriod
from reporting.access import BRIEFINGS, can
from reporting.models import Briefing
from reporting.workflow import PERIOD_TAKES_NEW_RETURNS


@dataclass
class PeriodFiles:
    period: ReportingPeriod
    briefing_state: str  # "issued", "draft" or "" (none yet)
    may_download_note: bool
    may_import: bool


def export_periods(user):
    """Every reporting period, latest first, with what this user may do with its files. Two queries."""
    periods = list(ReportingPeriod.objects.order_by("-financial_year", "-quarter"))
    briefings = {b.period_id: b for b in Briefing.objects.only("id", "period_id", "state")}
    may_import = can(user, "import_returns")
    rows = []
    for period in periods:
        briefing = briefings.get(period.id) or Briefing(period=period)  # not started yet: a draft
        rows.append(PeriodFiles(
            period=period,
            briefing_state=briefing.state if briefing.pk else "",
            may_download_note=BRIEFINGS.test(user, briefing),
            may_import=may_import and period.state in PERIOD_TAKES_NEW_RETURNS,
        ))
    return rows
