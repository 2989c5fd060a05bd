"""The latest figure of each KPI as at a period, and its shown RAG, worked out in the database."""
import datetime
import random

import pytest
from django.db.models import Q
from django.utils import timezone

from kpis.figures import latest_as_at, with_periods
from kpis.models import Measurement, index_figures
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory


@pytest.fixture
def quarters(db):
    """Twelve quarters, 2021/22 Q1 to 2023/24 Q4, created newest first (ids do not follow time)."""
    return sorted((PeriodFactory(financial_year=fy, number=q) for fy in (2023, 2022, 2021) for q in (4, 3, 2, 1)),
                  key=lambda p: (p.financial_year, p.number))


def latest(period, *, approved_only=False, where=None):
    rows = Measurement.objects.filter(latest_as_at(period, approved_only=approved_only))
    if where is not None:
        rows = rows.annotate(shown_rag=Measurement.shown_rag_expression()).filter(where)
    return {m.kpi_id: m for m in with_periods(rows)}


def test_it_finds_a_figure_however_old(quarters):
    old_only, recent, none = KPIFactory(), KPIFactory(), KPIFactory()
    oldest = MeasurementFactory(kpi=old_only, period=quarters[0], value=7)
    MeasurementFactory(kpi=recent, period=quarters[0], value=1)
    newest = MeasurementFactory(kpi=recent, period=quarters[-2], value=2)
    MeasurementFactory(kpi=recent, period=quarters[-1], value=None, milestone_status="")  # no figure: skipped
    found = latest(quarters[-1])
    assert found[old_only.id].id == oldest.id
    assert found[recent.id].id == newest.id
    assert none.id not in found
    assert found[recent.id].period == quarters[-2]  # periods are attached


def test_it_never_looks_past_the_period(quarters):
    kpi = KPIFactory()
    early = MeasurementFactory(kpi=kpi, period=quarters[3], value=3)
    MeasurementFactory(kpi=kpi, period=quarters[5], value=5)
    assert latest(quarters[4])[kpi.id].id == early.id


def test_readers_latest_figure_is_the_latest_approved_one(quarters):
    kpi = KPIFactory()
    approved = MeasurementFactory(kpi=kpi, period=quarters[2], value=3, frozen_at=timezone.now())
    draft = MeasurementFactory(kpi=kpi, period=quarters[3], value=4)
    assert latest(quarters[-1])[kpi.id].id == draft.id
    assert latest(quarters[-1], approved_only=True)[kpi.id].id == approved.id
    draft.frozen_at = timezone.now()  # approved in its turn
    draft.save()
    assert latest(quarters[-1], approved_only=True)[kpi.id].id == draft.id
    draft.delete()
    assert latest(quarters[-1], approved_only=True)[kpi.id].id == approved.id


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
    assert [m.rag for m in rows.order_by("period__financial_year", "period__number")] == ["green", "red", None, "red", None]


def test_it_can_keep_only_the_figures_asked_for(quarters):
    green, red = KPIFactory(), KPIFactory()
    MeasurementFactory(kpi=green, period=quarters[-1], rag_calculated="green")
    MeasurementFactory(kpi=red, period=quarters[-1], rag_calculated="red", expected_date=datetime.date(2024, 1, 1))
    assert list(latest(quarters[-1], where=Q(shown_rag="red"))) == [red.id]


def oracle(kpi_rows, period, approved_only):
    """The rule in plain Python: the newest figure reported in the period or before."""
    candidates = [m for m in kpi_rows if m.has_figure and (m.period.financial_year, m.period.number)
                  <= (period.financial_year, period.number) and (m.frozen_at is not None or not approved_only)]
    return max(candidates, key=lambda m: (m.period.financial_year, m.period.number)).id if candidates else None


def test_the_series_answers_as_the_rule_does_through_every_change(quarters):
    """Random figures, approvals, withdrawals and deletions: after each, the filter agrees with the
    rule for every period and both audiences."""
    rng = random.Random(7)
    kpis = [KPIFactory() for _ in range(3)]
    for step in range(60):
        kpi, period = rng.choice(kpis), rng.choice(quarters)
        m = Measurement.objects.filter(kpi=kpi, period=period).first()
        action = rng.choice(["write", "write", "approve", "unapprove", "delete"])
        if action == "write":
            fields = rng.choice([{"value": rng.randint(1, 9)}, {"value": None}, {"value": None, "not_available": True}])
            if m is None:
                MeasurementFactory(kpi=kpi, period=period, **fields)
            else:
                for name, value in {"value": None, "not_available": False, **fields}.items():
                    setattr(m, name, value)
                m.save()
        elif m is not None and action == "delete":
            m.delete()
        elif m is not None:
            m.frozen_at = timezone.now() if action == "approve" else None
            m.save()
        rows = list(Measurement.objects.select_related("period"))
        for period in quarters:
            for approved_only in (False, True):
                found = latest(period, approved_only=approved_only)
                for kpi in kpis:
                    expected = oracle([r for r in rows if r.kpi_id == kpi.id], period, approved_only)
                    assert getattr(found.get(kpi.id), "id", None) == expected, (step, action, period, approved_only)


def test_bulk_writes_are_placed_in_their_series_by_index_figures(quarters):
    kpi = KPIFactory()
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, period=p, period_key=p.order_key, value=i) for i, p in enumerate(quarters[:3])
    )
    assert len(Measurement.objects.filter(latest_as_at(quarters[-1], approved_only=False))) == 3  # not placed yet
    index_figures([kpi.id])
    assert latest(quarters[-1])[kpi.id].period == quarters[2]
