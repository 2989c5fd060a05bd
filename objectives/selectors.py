"""Reads of the strategy's structure."""
from django.db.models import Prefetch

from objectives.council import NO_COUNCIL, council_name  # noqa: F401 - read there, once
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand


def objectives_with_sub_strands(strategy=None):
    qs = StrategicObjective.objects.select_related("strategy").prefetch_related(
        Prefetch("sub_strands", queryset=SubStrand.objects.select_related("lead_officer").order_by("order"))
    )
    if strategy is not None:
        qs = qs.filter(strategy=strategy)
    return qs.order_by("strategy__name", "number")


def open_period(strategy=None, *, among=None):
    """The period open for entry: the strategy's (one at a time), or with none given the latest of
    any strategy's open ones. `among`: the strategy's periods, read already (the calendar reads them
    all), to choose from without a query."""
    if among is not None:
        found = [p for p in among if p.state == ReportingPeriod.State.OPEN
                 and (strategy is None or p.strategy_id == strategy.pk)]
        return max(found, key=lambda p: p.end_date, default=None)
    found = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN)
    if strategy is not None:
        found = found.filter(strategy=strategy)
    return found.order_by("-end_date").first()


def get_period(slug):
    return ReportingPeriod.objects.filter(slug=slug).first()



def sub_strands_reporting_in(period):
    """The sub-strands that report in a period: its strategy's own (ReportingPeriod.reports)."""
    return SubStrand.objects.filter(objective__strategy_id=period.strategy_id)
