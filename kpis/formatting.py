"""Figures written the way a council officer writes them: '£35m', '£860,000', '12.5%', '1,200 sq m'.

Plain text, no HTML: pages, the Word documents and the workbook all use these.
"""
from decimal import Decimal

from kpis.models import KPI

UNIT_SUFFIX = {KPI.Unit.PERCENT: "%", KPI.Unit.SQM: " sq m", KPI.Unit.FTE: " FTE", KPI.Unit.YEARS: " years"}


def plain_number(value):
    """Thousands separators and no trailing zeros: 640.000 → '640', 1234.50 → '1,234.5'."""
    d = Decimal(value).normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return format(d, ",f")


def format_money(value):
    """£35m and £1.25m for whole-looking millions; otherwise every pound: £860,000, £1,234,567, £12.50."""
    d = Decimal(value)
    millions = d / Decimal(1_000_000)
    if abs(d) >= 1_000_000 and millions == millions.quantize(Decimal("0.01")):
        return f"£{plain_number(millions)}m"
    if d != d.to_integral_value():
        return f"£{d:,.2f}"
    return f"£{plain_number(d)}"


def format_kpi_value(value, unit=KPI.Unit.NUMBER):
    """A KPI's figure with its unit; '' for no value."""
    if value is None:
        return ""
    if unit == KPI.Unit.GBP:
        return format_money(value)
    return plain_number(value) + UNIT_SUFFIX.get(unit, "")


def measurement_text(measurement, *, kpi=None, missing="Not entered"):
    """A measurement in words: its value, its milestone status, or 'Not yet available (expected …)'."""
    if measurement is None:
        return missing
    kpi = kpi or measurement.kpi
    if measurement.not_available:
        if measurement.expected_date:
            return f"Not yet available (expected {measurement.expected_date.day} {measurement.expected_date:%B %Y})"
        return "Not yet available"
    if measurement.milestone_status:
        return measurement.get_milestone_status_display()
    if measurement.value is not None:
        return format_kpi_value(measurement.value, kpi.unit)
    return missing
