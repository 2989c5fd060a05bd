"""The latest figure of each KPI and its shown RAG, worked out in the database."""
import datetime

import pytest
from django.utils import timezone

from kpis.models import KPI, Measurement
from kpis.figures import RECENT_QUARTERS, latest_measurements
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory


@pytest.fixture
def quarters(db):
    """Twelve quarters, 2021/22 Q1 to 2023/24 Q4, created newest first (ids do not follow time)."""
    return sorted((PeriodFactory(financial_year=fy, quarter=q) for fy in (2023, 2022, 2021) for q in (4, 3, 2, 1)),
                  key=lambda p: (p.financial_year, p.quarter))


def test_it_finds_a_figure_older_than_the_recent_quarters(quarters):
    assert len(quarters) > RECENT_QUARTERS + 1
    old_only, recent, none = KPIFactory(), KPIFactory(), KPIFactory()
    oldest = MeasurementFactory(kpi=old_only, period=quarters[0], value=7)
    MeasurementFactory(kpi=recent, period=quarters[0], value=1)
    newest = MeasurementFactory(kpi=recent, period=quarters[-2], value=2)
    MeasurementFactory(kpi=recent, period=quarters[-1], value=None, milestone_status="")  # no figure: skipped
    latest = latest_measurements(Measurement.objects.all(), KPI.objects.all(), quarters[-1])
    assert latest[old_only.id].id == oldest.id
    assert latest[recent.id].id == newest.id
    assert none.id not in latest
    assert latest[recent.id].period == quarters[-2]  # periods are attached


def test_it_never_looks_past_the_period(quarters):
    kpi = KPIFactory()
    early = MeasurementFactory(kpi=kpi, period=quarters[3], value=3)
    MeasurementFactory(kpi=kpi, period=quarters[5], value=5)
    assert latest_measurements(Measurement.objects.all(), KPI.objects.all(), quarters[4])[kpi.id].id == early.id


def test_the_shown_rag_in_sql_is_the_shown_rag_in_python(quarters):
    kpi = KPIFactory()
    cases = [
        dict(rag_calculated="green"),
        dict(rag_calculated="green", rag_override="red", override_reason="Known problem"),
        dict(rag_calculated=""),
        dict(rag_calculated="amber", frozen_at=timezone.now(), frozen_rag="red"),
        dict(rag_calculated="amber", frozen_at=timezone.now(), frozen_rag=""),
    ]
    for period, fields in zip(quarters, cases):
        MeasurementFactory(kpi=kpi, period=period, **fields)
    rows = Measurement.objects.annotate(shown=Measurement.shown_rag_expression())
    assert [m.shown for m in rows] == [m.rag for m in rows]
    assert [m.rag for m in rows.order_by("period__financial_year", "period__quarter")] == ["green", "red", None, "red", None]


def test_it_can_keep_only_the_figures_asked_for(quarters):
    from django.db.models import Q

    green, red = KPIFactory(), KPIFactory()
    MeasurementFactory(kpi=green, period=quarters[-1], rag_calculated="green")
    MeasurementFactory(kpi=red, period=quarters[-1], rag_calculated="red", expected_date=datetime.date(2024, 1, 1))
    latest = latest_measurements(Measurement.objects.all(), KPI.objects.all(), quarters[-1], where=Q(shown_rag="red"))
    assert list(latest) == [red.id]
