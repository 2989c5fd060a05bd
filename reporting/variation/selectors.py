"""Reads for recording a KPI's change of process: the periods it may be recorded from."""
from kpis.models import ChangeOfProcess, Measurement


def series_periods(kpi):
    """The periods of the KPI's figures (numbers, any state), oldest first: a change of process is
    recorded from one of them after the first (the limits need figures before it). One query."""
    figures = (Measurement.objects.filter(kpi=kpi, value__isnull=False).select_related("period")
               .order_by("period_key"))
    return [m.period for m in figures]


def changes_of(kpi):
    """The KPI's changes of process recorded, oldest first, with who recorded them. One query."""
    return list(ChangeOfProcess.objects.filter(kpi=kpi).select_related("period", "recorded_by")
                .order_by("period__end_date"))
