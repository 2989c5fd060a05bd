"""Synthetic demonstration history: earlier quarters of clearly made-up returns and figures, so
that trends and movements can be seen. For demonstration only.

Everything written here is flagged `is_synthetic=True` (returns and measurements), its commentary
says it is synthetic, and the periods it creates say so in their governance notes; every page
that shows any of it carries the synthetic banner. `make run` never adds it; run
`python manage.py add_synthetic_history` to add it and `--remove` to take it away again.
"""
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kpis.models import KPI, Measurement
from kpis.rag import RAG, MilestoneStatus
from kpis.services import freeze_measurement
from objectives.council import main_strategy
from objectives.models import ReportingPeriod, SubStrand, quarter_dates
from reporting.models import Briefing, QuarterlyReturn, WorkflowState

SYNTHETIC_NOTE = "Synthetic demonstration period, not the council's data (added by add_synthetic_history)."
SYNTHETIC_COMMENTARY = (
    "SYNTHETIC DEMONSTRATION DATA – not the council's. A made-up status for {name} in {period}, added by "
    "add_synthetic_history so that trends and movements can be seen."
)
# Made-up starting points by unit, used where a KPI has no target to wander around.
BASE_BY_UNIT = {
    KPI.Unit.NUMBER: Decimal(500),
    KPI.Unit.PERCENT: Decimal(50),
    KPI.Unit.GBP: Decimal(2_000_000),
    KPI.Unit.SQM: Decimal(10_000),
    KPI.Unit.FTE: Decimal(200),
    KPI.Unit.YEARS: Decimal(80),
}
ANNUAL = {KPI.DataCadence.ANNUAL, KPI.DataCadence.ACADEMIC_YEAR}


class SyntheticHistoryError(Exception):
    pass


def _earlier_quarters(first_fy, first_q, count):
    """The `count` quarters before (first_fy, first_q), oldest first."""
    out = []
    fy, q = first_fy, first_q
    for _ in range(count):
        fy, q = (fy, q - 1) if q > 1 else (fy - 1, 4)
        out.append((fy, q))
    return list(reversed(out))


def has_synthetic_history():
    return QuarterlyReturn.objects.filter(is_synthetic=True).exists() or Measurement.objects.filter(is_synthetic=True).exists()


def add_synthetic_history(*, quarters=4, seed=2022):
    """Add `quarters` published quarters of synthetic returns and measurements before the earliest
    period of the first strategy (a quarterly one). Refuses if synthetic history is already there.
    Returns counts."""
    if not 1 <= quarters <= 12:
        raise SyntheticHistoryError("Choose between 1 and 12 quarters.")
    rng = random.Random(seed)
    with transaction.atomic():
        if has_synthetic_history():
            raise SyntheticHistoryError("Synthetic history is already there. Remove it first with --remove.")
        strategy = main_strategy()
        first = ReportingPeriod.objects.filter(strategy=strategy).order_by("start_date").first()
        if first is None:
            raise SyntheticHistoryError("There are no reporting periods yet: load the council's data first.")
        if first.cadence != "quarterly":
            raise SyntheticHistoryError("Synthetic history is made of quarters: the first strategy reports "
                                        f"{first.strategy.get_cadence_display().lower()}.")
        now = timezone.now()
        periods = []
        for fy, q in _earlier_quarters(first.financial_year, first.number, quarters):
            start, end = quarter_dates(fy, q)
            period = ReportingPeriod(strategy=strategy, financial_year=fy, number=q, start_date=start, end_date=end,
                                     state=ReportingPeriod.State.PUBLISHED, governance_notes=SYNTHETIC_NOTE)
            period.save()
            periods.append(period)
        subs = list(SubStrand.objects.filter(objective__strategy=strategy).order_by("objective__number", "order"))
        kpis = list(KPI.objects.filter(is_active=True, sub_strand__objective__strategy=strategy).select_related("sub_strand").prefetch_related("targets").order_by("code"))
        counts = {"periods": len(periods), "returns": 0, "measurements": 0}
        statuses = [RAG.GREEN] * 6 + [RAG.AMBER] * 3 + [RAG.RED]
        for period in periods:
            for sub in subs:
                QuarterlyReturn(
                    sub_strand=sub, period=period, state=WorkflowState.PUBLISHED, overall_rag=rng.choice(statuses),
                    commentary=SYNTHETIC_COMMENTARY.format(name=sub.full_name, period=period.label),
                    submitted_at=now, approved_at=now, is_synthetic=True,
                ).save()
                counts["returns"] += 1
        levels = {}
        for period in periods:
            for kpi in kpis:
                measurement = _measurement(kpi, period, rng, levels)
                if measurement is None:
                    continue
                freeze_measurement(measurement, at=now)
                measurement.save()
                counts["measurements"] += 1
    return counts


def _measurement(kpi, period, rng, levels):
    """A made-up figure: milestones move along; numbers wander a few per cent around a target or a
    base; annual figures appear once a year, in Q2, for the previous financial year."""
    common = {"kpi": kpi, "period": period, "is_synthetic": True, "commentary": "Synthetic demonstration figure."}
    if kpi.is_milestone:
        status = rng.choice([MilestoneStatus.ON_TRACK] * 5 + [MilestoneStatus.AT_RISK, MilestoneStatus.NOT_STARTED])
        return Measurement(milestone_status=status, data_for=period.label, **common)
    if kpi.cadence in ANNUAL and period.number != 2:
        return None
    if kpi.id not in levels:
        target = next((t.value for t in kpi.targets.all() if t.is_primary and t.value is not None), None)
        levels[kpi.id] = Decimal(target) if target is not None else BASE_BY_UNIT.get(kpi.unit, Decimal(100))
    level = levels[kpi.id] * (Decimal(rng.randint(90, 108)) / Decimal(100))
    levels[kpi.id] = level
    places = Decimal("0.1") if kpi.unit in {KPI.Unit.PERCENT, KPI.Unit.YEARS} else Decimal(1)
    value = level.quantize(places)
    if kpi.cadence in ANNUAL:
        label = f"{period.financial_year - 1}/{str(period.financial_year)[-2:]}"
        _, data_end = quarter_dates(period.financial_year - 1, 4)
        return Measurement(value=value, data_for=label, data_for_end=data_end, **common)
    return Measurement(value=value, data_for=period.label, data_for_end=period.end_date, **common)


def remove_synthetic_history():
    """Remove every synthetic return and measurement, and the periods made only for them."""
    with transaction.atomic():
        measurements = Measurement.objects.filter(is_synthetic=True)
        returns = QuarterlyReturn.objects.filter(is_synthetic=True)
        counts = {"measurements": measurements.count(), "returns": returns.count()}
        for m in measurements:
            m.delete()
        for r in returns:
            r.delete()
        empty = ReportingPeriod.objects.filter(governance_notes=SYNTHETIC_NOTE).exclude(returns__isnull=False).exclude(
            measurements__isnull=False
        )
        periods = [p for p in empty if not Briefing.objects.filter(period=p).exists()]
        for p in periods:
            p.delete()
        counts["periods"] = len(periods)
    return counts
