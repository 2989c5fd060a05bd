"""Reads for the workbooks page: each period with the files this user may download or import."""
from dataclasses import dataclass

from django.db.models import Count

from objectives.models import ReportingPeriod, SubStrand
from reporting.access import BRIEFINGS, PERIODS, SEEN_BY_READERS, can
from reporting.models import Briefing, QuarterlyReturn
from reporting.workflow import PERIOD_TAKES_NEW_RETURNS


@dataclass
class PeriodFiles:
    period: ReportingPeriod
    briefing_state: str  # "issued", "draft" or "" (none yet)
    may_download_note: bool
    may_import: bool


def export_periods(user, strategy=None):
    """Every reporting period (of the strategy, if given), latest first, with what this user may do
    with its files. Four queries."""
    periods = PERIODS.filter(user, ReportingPeriod.objects.order_by("-end_date"))  # a reader's strategies only
    periods = list(periods.filter(strategy=strategy) if strategy is not None else periods)
    briefings = {b.period_id: b for b in Briefing.objects.only("id", "period_id", "state")}
    may_import = can(user, "import_returns")
    # A published period takes imports only while it has late returns (not all approved).
    approved = dict(QuarterlyReturn.objects.filter(period__state=ReportingPeriod.State.PUBLISHED, state__in=SEEN_BY_READERS)
                    .values_list("period_id").annotate(n=Count("id")).order_by())
    sub_strands = dict(SubStrand.objects.values_list("objective__strategy_id").annotate(n=Count("id")).order_by())
    rows = []
    for period in periods:
        briefing = briefings.get(period.id) or Briefing(period=period)  # not started yet: a draft
        rows.append(PeriodFiles(
            period=period,
            briefing_state=briefing.state if briefing.pk else "",
            may_download_note=BRIEFINGS.test(user, briefing),
            may_import=may_import and period.state in PERIOD_TAKES_NEW_RETURNS and (
                period.state != ReportingPeriod.State.PUBLISHED or approved.get(period.id, 0) < sub_strands.get(period.strategy_id, 0)),
        ))
    return rows
