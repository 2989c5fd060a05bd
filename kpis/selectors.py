"""Reads of KPIs, targets and measurements, with the joins the pages need."""
from kpis.models import KPI, Measurement, Target


def financial_year_of(date):
    """The financial year (April–March) a date falls in: 5 March 2024 is in 2023/24, so 2023."""
    return date.year if date.month >= 4 else date.year - 1


def target_year(measurement):
    """The year whose target a figure is judged against: the year the data is *for* where known."""
    if measurement.data_for_end:
        return financial_year_of(measurement.data_for_end)
    return measurement.period.financial_year


def primary_target(kpi, financial_year):
    """The target the RAG is measured against, or None (then the previous year's value is the bar)."""
    return Target.objects.filter(kpi=kpi, financial_year=financial_year, is_primary=True).first()


def previous_value(measurement):
    """The previous year's value of the same KPI: the same quarter a year earlier, or, for annual
    figures, the latest earlier figure."""
    earlier = Measurement.objects.filter(kpi=measurement.kpi, value__isnull=False).exclude(pk=measurement.pk)
    period = measurement.period
    same_quarter = earlier.filter(period__financial_year=period.financial_year - 1, period__quarter=period.quarter).first()
    if same_quarter:
        return same_quarter.value
    if measurement.kpi.cadence in {KPI.Cadence.ANNUAL, KPI.Cadence.ACADEMIC_YEAR}:
        latest = (
            earlier.filter(period__financial_year__lt=period.financial_year)
            .order_by("-period__financial_year", "-period__quarter")
            .first()
        )
        if latest:
            return latest.value
    return None


def kpis_of_sub_strand(sub_strand):
    return KPI.objects.filter(sub_strand=sub_strand, is_active=True).order_by("order", "code")


def measurements_for(sub_strand, period):
    """This period's measurements of a sub-strand's KPIs, keyed by KPI id."""
    qs = Measurement.objects.filter(kpi__sub_strand=sub_strand, period=period).select_related("kpi", "period")
    return {m.kpi_id: m for m in qs}
