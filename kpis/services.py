"""Writes to measurements: rating them by the rules, and freezing them at approval."""
from django.utils import timezone

from kpis.figures import rating_context, rating_contexts


def rate_measurement(measurement, *, context=None):
    """Apply the RAG rules to a measurement in memory (the caller saves it). Frozen ones keep their
    rating. `context` is its RatingContext when the caller has read it already (in bulk)."""
    if measurement.is_frozen:
        return measurement
    context = context or rating_context(measurement)
    measurement.apply_rating(measurement.rating(context))
    return measurement


def rate_measurements(measurements, period):
    """Rate several measurements of one period (three queries in all)."""
    measurements = list(measurements)
    contexts = rating_contexts([m.kpi for m in measurements], period, {m.kpi_id: m for m in measurements})
    for m in measurements:
        rate_measurement(m, context=contexts[m.kpi_id])
    return measurements


def freeze_measurement(measurement, *, at=None, context=None):
    """Store the target, tolerance and RAG as they are now, so a later change of target never re-rates history."""
    if measurement.is_frozen:
        return measurement
    context = context or rating_context(measurement)
    rate_measurement(measurement, context=context)
    target = context.target
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
