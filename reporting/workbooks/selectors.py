"""Reads for the workbooks page: each period with the files this user may download or import."""
from dataclasses import dataclass

from objectives.models import ReportingPeriod
from objectives.permissions import can
from reporting.models import Briefing


@dataclass
class PeriodFiles:
    period: ReportingPeriod
    briefing_state: str  # "issued", "draft" or "" (none yet)
    may_download_note: bool
    may_import: bool


def export_periods(user):
    """Every reporting period, latest first, with what this user may do with its files. Two queries."""
    periods = list(ReportingPeriod.objects.order_by("-financial_year", "-quarter"))
    states = dict(Briefing.objects.values_list("period_id", "state"))
    may_import = can(user, "import_returns")
    rows = []
    for period in periods:
        state = states.get(period.id, "")
        probe = Briefing(period=period, state=state or Briefing.State.DRAFT)
        rows.append(PeriodFiles(
            period=period,
            briefing_state=state,
            may_download_note=can(user, "view_briefing", probe),
            may_import=may_import and period.state in (ReportingPeriod.State.OPEN, ReportingPeriod.State.CLOSED),
        ))
    return rows
