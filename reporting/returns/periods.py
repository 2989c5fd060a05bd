"""Writes of reporting periods: open one for entry (one of a strategy at a time, which the database
holds too: the one_open_period_per_strategy constraint), close it.

Each step goes through `reporting.workflow.PERIOD`; publishing a period is the briefing's issue
(reporting.briefings.services).
"""
from django.db import IntegrityError, transaction

from objectives.models import ReportingPeriod
from reporting import notifications
from reporting.returns.services import ReturnWorkflowError, recorded_as
from reporting.steps import CLOSE_PERIOD, OPEN_PERIOD
from reporting.workflow import PERIOD


def _lock_period(period):
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


def open_period(*, period, by, dashboard_deadline=None):
    """Open a period for entry (one at a time), optionally setting its dashboard update deadline."""
    with transaction.atomic(), recorded_as(by):
        period = _lock_period(period)
        OPEN_PERIOD.guard(by, period, errors={None: ReturnWorkflowError})
        if dashboard_deadline is not None:
            if period.deadline_refusal(dashboard_deadline):
                raise ReturnWorkflowError(period.deadline_refusal(dashboard_deadline))
            period.dashboard_deadline = dashboard_deadline
        PERIOD.move("open", period)
        period.version += 1
        try:
            with transaction.atomic():
                period.save()
        except IntegrityError as exc:  # another period opened at the same moment (the one_open_period_per_strategy constraint)
            other = ReportingPeriod.objects.filter(strategy_id=period.strategy_id, state=ReportingPeriod.State.OPEN).exclude(pk=period.pk).first()
            name = other.label if other is not None else "Another period"
            raise ReturnWorkflowError(
                f"{name} was opened a moment ago, so {period.label} has not been opened: one period is open at a time. "
                f"Close {name} first if {period.label} should be open instead."
            ) from exc
        notifications.period_opened(period, by=by)
        return period


def close_period(*, period, by):
    """Close a period: officers can no longer change its returns (the Economy Cell still can)."""
    with transaction.atomic(), recorded_as(by):
        period = _lock_period(period)
        CLOSE_PERIOD.guard(by, period, errors={None: ReturnWorkflowError})
        PERIOD.move("close", period)
        period.version += 1
        period.save()
        return period


