"""What the dashboard may be asked to show: its default period and the lead services to filter
by. Read by the filters and the selectors alike (so that neither imports the other)."""
from django.db.models import Exists, OuterRef

from objectives.models import ReportingPeriod, SubStrand
from reporting.access import SEEN_BY_READERS, SUB_STRANDS
from reporting.models import QuarterlyReturn


def default_period(strategy=None):
    """The strategy's latest period with an approved or published return, else its open period, else
    its latest."""
    latest_first = ReportingPeriod.objects.order_by("-end_date")
    if strategy is not None:
        latest_first = latest_first.filter(strategy=strategy)
    with_approved = latest_first.filter(
        Exists(QuarterlyReturn.objects.filter(period=OuterRef("pk"), state__in=SEEN_BY_READERS))).first()
    if with_approved:
        return with_approved
    return latest_first.filter(state=ReportingPeriod.State.OPEN).first() or latest_first.first()


def lead_services(strategy=None, *, user=None):
    """The distinct lead services (of the strategy's sub-strands that `user` reads), for the dashboard
    filter. One query."""
    subs = SubStrand.objects.exclude(lead_service="")
    if user is not None:
        subs = SUB_STRANDS.filter(user, subs)
    if strategy is not None:
        subs = subs.filter(objective__strategy=strategy)
    return sorted(set(subs.values_list("lead_service", flat=True)))
