"""Every rule about a figure, written once, for every page, export and document:

- which target a figure is judged against (`target_year`, `rating_contexts`, `judged_target`);
- what the rules compare a figure with when there is no target (the previous year's value);
- each KPI's latest figure as at a period (`latest_as_at`);
- the period the data is for, in words (`data_lag_words`).

The RAG rules themselves (thresholds, overall mix, movement) are plain functions in kpis/rag.py;
the RAG a figure shows (frozen, override, rules) is `Measurement.rag`.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from kpis.formatting import format_kpi_value
from kpis.models import KPI, Measurement, Target
from kpis.rag import DEFAULT_AMBER_TOLERANCE, Direction
from kpis.trajectory import is_profiled, place_in_year, trajectory_point
from objectives import cadence as cadences
from objectives.models import ReportingPeriod, financial_year_label

YEARLY_CADENCES = {KPI.DataCadence.ANNUAL, KPI.DataCadence.ACADEMIC_YEAR}
TARGET_KINDS = dict(Target.Kind.choices)  # kind -> its words
HAS_FIGURE = Q(value__isnull=False) | ~Q(milestone_status="") | Q(not_available=True)
NO_TARGET = "No target: the previous year is the bar"


def no_target_words(kpi):
    """What a KPI with no target is judged against, in words, the way its direction asks: "the previous
    year's figure is the bar (“an increase on previous years should be the aim”)", a decrease for a KPI
    where lower is better; a milestone is judged by its status and a contextual KPI is never rated."""
    if kpi.is_milestone:
        return "No target is set: a milestone is judged by its status."
    if kpi.is_contextual:
        return "No target is set: a contextual indicator is not rated, its trend and variation are shown."
    aim = "a decrease" if kpi.direction == Direction.LOWER else "an increase"
    return f"No target is set: the previous year's figure is the bar (“{aim} on previous years should be the aim”)."


def financial_year_of(date):
    """The financial year (April–March) a date falls in: 5 March 2024 is in 2023/24, so 2023."""
    return date.year if date.month >= 4 else date.year - 1


def target_year(measurement):
    """The year whose target a figure is judged against: the year the data is *for* where known."""
    if measurement.data_for_end:
        return financial_year_of(measurement.data_for_end)
    return measurement.period.financial_year


# -- what the rules compare a figure with ---------------------------------------------------------


@dataclass
class RatingContext:
    """What the RAG rules compare a KPI's figure with: the primary target of the year the data is
    for; with none (or none with a value), the previous year's value."""

    target: Target | None
    bar: Decimal | None  # the target's value, or last year's value where there is no target
    bar_label: str
    tolerance: Decimal
    point_label: str = ""  # the period whose trajectory point `bar` is, where the target is profiled

    @property
    def previous_value(self):
        return self.bar if self.target is None else None


def rating_contexts(kpis, period, measurements):
    """{kpi id: RatingContext} for these KPIs' figures in this period (`measurements`: {kpi id: m},
    which may be unsaved), in three queries however many KPIs (one when every KPI has a target with a value).

    The previous year's value is the same quarter a year earlier, or, for annual and academic-year
    KPIs, the latest figure of an earlier year.
    """
    kpis = list(kpis)
    if not kpis:
        return {}
    years = {}
    for kpi in kpis:
        m = measurements.get(kpi.id)
        years[kpi.id] = target_year(m) if m is not None else period.financial_year
    targets = {
        t.kpi_id: t
        for t in Target.objects.filter(kpi__in=kpis, is_primary=True, financial_year__in=set(years.values())).order_by()
        if t.financial_year == years[t.kpi_id]
    }
    # The previous year's value, read only for the KPIs with no target with a value (no query when every one has).
    untargeted = [k for k in kpis if targets.get(k.id) is None or targets[k.id].value is None]
    same_quarter = {}
    if untargeted:
        same_quarter = dict(
            Measurement.objects.filter(kpi__in=untargeted, value__isnull=False,
                                       period__financial_year=period.financial_year - 1,
                                       period__strategy_id=period.strategy_id, period__number=period.number)
            .order_by().values_list("kpi_id", "value")  # one a KPI: no ordering (its joins cost more than the read)
        )
    latest_earlier = Measurement.objects.filter(
        kpi_id=OuterRef("pk"), value__isnull=False, period__financial_year__lt=period.financial_year
    ).order_by("-period__end_date")
    yearly = [k.id for k in untargeted if k.cadence in YEARLY_CADENCES]
    latest = {}
    if yearly:
        latest = {
            kpi_id: value
            for kpi_id, value in KPI.objects.filter(id__in=yearly).order_by()
            .annotate(value=Subquery(latest_earlier.values("value")[:1])).values_list("id", "value")
            if value is not None
        }
    contexts = {}
    for kpi in kpis:
        target = targets.get(kpi.id)
        if target is not None and target.value is not None:
            contexts[kpi.id] = _target_context(kpi, target, period, measurements.get(kpi.id))
            continue
        tolerance = target.amber_tolerance if target is not None else DEFAULT_AMBER_TOLERANCE
        bar = same_quarter.get(kpi.id)
        if bar is None and kpi.cadence in YEARLY_CADENCES:
            bar = latest.get(kpi.id)
        label = "Against the previous year (no target)" if bar is not None else "No target and no previous year to compare with"
        contexts[kpi.id] = RatingContext(None, bar, label, tolerance)
    return contexts


def _target_context(kpi, target, period, measurement):
    """Against a target: its trajectory's point for the period of the year the figure is for
    (kpis.trajectory), which for a flat trajectory is the year's target, as before profiles existed."""
    if not is_profiled(target):
        return RatingContext(target, target.value, "Against target", target.amber_tolerance)
    shown = measurement.period if measurement is not None and measurement.period_id else period
    number = place_in_year(period=shown, data_for_end=getattr(measurement, "data_for_end", None))
    per_year = cadences.per_year(shown.cadence)
    point = trajectory_point(target=target, number=number, per_year=per_year)
    label = cadences.label(target.financial_year, number, shown.cadence)
    if number >= per_year:
        words = "Against target"
    else:
        words = (f"Against the trajectory's {label} point ({format_kpi_value(point, kpi.unit)} of the year's "
                 f"{format_kpi_value(target.value, kpi.unit)})")
    return RatingContext(target, point, words, target.amber_tolerance, point_label=label)


def rating_context(measurement):
    """The RatingContext of one measurement (three queries)."""
    return rating_contexts([measurement.kpi], measurement.period, {measurement.kpi_id: measurement})[measurement.kpi_id]


# -- the target a figure is shown against ---------------------------------------------------------


def primary_targets(kpi_ids, years):
    """{(kpi_id, financial_year): (value, kind label)} of the primary targets with a value. One query."""
    rows = Target.objects.filter(kpi_id__in=list(kpi_ids), financial_year__in=sorted(set(years)), is_primary=True,
                                 value__isnull=False).values_list("kpi_id", "financial_year", "value", "kind")
    labels = dict(Target.Kind.choices)
    return {(kpi_id, year): (value, labels.get(kind, kind)) for kpi_id, year, value, kind in rows}


def judged_target(kpi, measurement=None, *, financial_year=None, targets=None):
    """(value, kind label) of the target a figure is judged against, (None, "") where there is none.

    An approved (frozen) figure keeps the target it was approved against. Otherwise the primary
    target of the year the data is for (of `financial_year` when there is no figure), from
    `targets` (primary_targets()) when given, else from the KPI's prefetched targets.
    """
    if measurement is not None and measurement.is_frozen:
        if measurement.frozen_target is None:
            return None, ""
        kind = measurement.frozen_target_kind
        return measurement.frozen_target, TARGET_KINDS.get(kind, kind)
    if measurement is not None:
        financial_year = target_year(measurement)
    if targets is not None:
        return targets.get((kpi.id, financial_year), (None, ""))
    for target in kpi.targets.all():
        if target.financial_year == financial_year and target.is_primary and target.value is not None:
            return target.value, target.get_kind_display()
    return None, ""


def target_text(kpi, value, kind):
    """The target in words: '640 (Local Plan requirement)', 'Milestone', or what the bar is instead."""
    if kpi.is_contextual and value is None:
        return "Contextual: no target"
    if kpi.is_milestone:
        return "Milestone"
    if value is None:
        return NO_TARGET
    return f"{format_kpi_value(value, kpi.unit)} ({kind})" if kind else format_kpi_value(value, kpi.unit)


def bar_text(kpi, context):
    """What the rules compare with, in words: 'Target 640 (Local Plan requirement) for 2023/24'."""
    if kpi.is_contextual:
        return "Contextual: not rated (its trend and variation are shown)"
    if kpi.is_milestone:
        return "Rated from the milestone status"
    if context.target is not None:
        target = context.target
        year = (f"Target {format_kpi_value(target.value, kpi.unit)} ({target.get_kind_display()}) "
                f"for {financial_year_label(target.financial_year)}")
        if context.point_label and context.bar != target.value:
            return f"{year}; {format_kpi_value(context.bar, kpi.unit)} by {context.point_label} on its trajectory"
        return year
    if context.bar is not None:
        return f"No target: compared with last year's {format_kpi_value(context.bar, kpi.unit)}"
    return "No target and no figure from last year to compare with"


# -- the latest figure ----------------------------------------------------------------------------


def latest_as_at(period, *, approved_only):
    """Q() for each KPI's latest figure reported in `period` or before: its latest approved figure,
    or with `approved_only=False` its latest figure of any state. At most one row per KPI.

    A plain filter on the figure's place in its KPI's series (Measurement.period_key and the next
    figure's key, kept by Measurement.save and delete): no subquery per KPI, so that a page lists,
    sorts and pages a council's latest figures in the database."""
    key = period.order_key
    if approved_only:
        return HAS_FIGURE & Q(frozen_at__isnull=False, period_key__lte=key, next_approved_key__gt=key)
    return HAS_FIGURE & Q(period_key__lte=key, next_figure_key__gt=key)


def with_periods(measurements):
    """Attach each figure's period from one small query (a few periods shared by many figures)
    rather than a join copied into every row. Returns the list."""
    measurements = list(measurements)
    if measurements:
        periods = ReportingPeriod.objects.in_bulk({m.period_id for m in measurements})
        for m in measurements:
            m.period = periods[m.period_id]
    return measurements


# -- the data lag ---------------------------------------------------------------------------------


def data_lag_words(measurement):
    """'Calendar year 2022 figure, reported in 2023/24 Q1': the period the data is for, spelled out."""
    if measurement is None:
        return ""
    period = measurement.period
    data_for = (measurement.data_for or "").strip()
    if not data_for:
        return f"Reported in {period.label}"
    same = {period.label, period.slug}
    if period.cadence == cadences.QUARTERLY:  # "Q1 2023/24" names a quarter: of a half-year, not the same
        same.add(f"Q{period.number} {period.financial_year_label}")
    if data_for in same:
        return f"{period.label} figure, reported in the same {period.word}"
    return f"{data_for} figure, reported in {period.label}"
