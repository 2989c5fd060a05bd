"""Writes to measurements: rating them by the rules, and freezing them at approval."""
from django.utils import timezone

from kpis.selectors import previous_value, primary_target, target_year


def rate_measurement(measurement):
    """Apply the RAG rules to a measurement in memory (the caller saves it). Frozen ones keep their rating."""
    if measurement.is_frozen:
        return measurement
    target = primary_target(measurement.kpi, target_year(measurement))
    bar = None if target and target.value is not None else previous_value(measurement)
    if target is not None and target.value is None:
        target = None
    rating = measurement.rating(target=target, previous_value=bar)
    measurement.apply_rating(rating)
    return measurement


def freeze_measurement(measurement, *, at=None):
    """Store the target, tolerance and RAG as they are now, so a later change of target never re-rates history."""
    if measurement.is_frozen:
        return measurement
    rate_measurement(measurement)
    target = primary_target(measurement.kpi, target_year(measurement))
    measurement.frozen_target = target.value if target else None
    measurement.frozen_target_kind = target.kind if target else ""
    measurement.frozen_tolerance = target.amber_tolerance if target else None
    measurement.frozen_rag = measurement.rag_override or measurement.rag_calculated or ""
    measurement.frozen_at = at or timezone.now()
    return measurement


def unfreeze_measurement(measurement):
    """A correction reopens an approved return: its figures become live again."""
    measurement.frozen_target = None
    measurement.frozen_target_kind = ""
    measurement.frozen_tolerance = None
    measurement.frozen_rag = ""
    measurement.frozen_at = None
    return measurement
