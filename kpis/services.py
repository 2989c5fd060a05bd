"""Writes to measurements: rating them by the rules, and freezing them at approval."""
from decimal import Decimal

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


# -- targets -------------------------------------------------------------------------------------


def _plain(value):
    return format(Decimal(value).normalize(), "f")


def target_state(value, kind, trajectory=None):
    """A primary target's value and kind as one word ("local_plan:640"; "" for none, or one with no
    value), with its trajectory where it is not flat ("local_plan:640|linear:0", "…|periods:100,250,450"):
    what a targets page showed, and what a save compares what was posted with."""
    if value is None:
        return ""
    state = f"{kind}:{_plain(value)}"
    profile, baseline, points = trajectory or ("flat", None, ())
    if profile == "linear":
        state += f"|linear:{'' if baseline is None else _plain(baseline)}"
    elif profile == "periods":
        state += "|periods:" + ",".join(_plain(p) for p in points)
    return state


def trajectory_of(target):
    """(profile, baseline, points) of a target: its trajectory as target_state and set_primary_target take it."""
    return target.profile, target.baseline, [Decimal(str(p)) for p in target.period_points or []]


def target_version(target):
    """The version of a KPI's primary target for a year, as a page opened it: its row and its state
    ("none" when there is none). A target saved, replaced or removed since has another version."""
    return "none" if target is None else f"{target.pk}:{target_state(target.value, target.kind, trajectory_of(target))}"


def opened_state(version):
    """The state (target_state) a version says the page showed."""
    return version.partition(":")[2]



def carry_targets_forward(*, from_year, to_year):
    """Copy each active KPI's targets of `from_year` to `to_year` (value, kind, description,
    tolerance, which is primary), for the KPIs that have no target in `to_year` yet: a new year
    starts from last year's targets, to adjust. Returns the targets created. Saved one by one, so
    that the history records each."""
    from kpis.models import KPI, Target

    has_targets = set(Target.objects.filter(financial_year=to_year).values_list("kpi_id", flat=True))
    made = []
    for old in Target.objects.filter(financial_year=from_year, kpi__in=KPI.objects.filter(is_active=True)).order_by(
            "kpi_id", "-is_primary", "kind"):
        if old.kpi_id in has_targets:
            continue
        made.append(Target.objects.create(kpi_id=old.kpi_id, financial_year=to_year, kind=old.kind, value=old.value,
                                          description=old.description, amber_tolerance=old.amber_tolerance,
                                          is_primary=old.is_primary, profile=old.profile, baseline=old.baseline,
                                          period_points=old.period_points))
    return made


class TargetError(ValueError):
    """A target that cannot be set as asked; the message says why."""


def choose_primary_target(*, target):
    """Make `target` the one its KPI's RAG is measured against in its year (the government standard
    method's 587 rather than the Local Plan's 640); the one that was is kept, as another target of the
    year. Returns True when something changed. Who may choose, and whether the page's view of the KPI's
    targets is still true, is reporting.steps.CHOOSE_PRIMARY_TARGET's to say."""
    from kpis.models import Target

    if target.is_primary:
        return False
    current = Target.objects.select_for_update().filter(kpi_id=target.kpi_id, financial_year=target.financial_year,
                                                        is_primary=True).first()
    if current is not None:  # one primary a year (a constraint): the old one steps down first
        current.is_primary = False
        current.save()
    target.is_primary = True
    target.save()
    return True


def set_primary_target(*, kpi, financial_year, value, kind, trajectory=None):
    """Set (or, with no value, remove) the KPI's primary target for the year: the one its RAG is
    measured against, with its trajectory through the year (`trajectory`: (profile, baseline,
    points), kpis.trajectory; flat when not given). Its other targets for the year are left as they
    are. Returns True when something changed."""
    from kpis.models import Target

    profile, baseline, points = trajectory or ("flat", None, ())
    shape = {"profile": profile, "baseline": baseline if profile == "linear" else None,
             "period_points": [_plain(p) for p in points] if profile == "periods" else []}
    current = Target.objects.select_for_update().filter(kpi=kpi, financial_year=financial_year, is_primary=True).first()
    if value is None:
        if current is None:
            return False
        current.delete()
        return True
    if current is not None and current.kind == kind:
        if current.value == value and target_state(value, kind, trajectory_of(current)) == target_state(
                value, kind, (profile, baseline, points)):
            return False
        current.value = value
        for name, part in shape.items():
            setattr(current, name, part)
        current.save()
        return True
    other = Target.objects.select_for_update().filter(kpi=kpi, financial_year=financial_year, kind=kind,
                                                      is_primary=False).first()
    if other is not None:  # a target of that kind is there already: it becomes the one, at the value given
        choose_primary_target(target=other)
        other.value = value
        for name, part in shape.items():
            setattr(other, name, part)
        other.save()
        return True
    tolerance = current.amber_tolerance if current else None
    description = current.description if current else ""
    if current is not None:
        current.delete()
    target = Target(kpi=kpi, financial_year=financial_year, kind=kind, value=value, description=description, is_primary=True,
                    **shape)
    if tolerance is not None:
        target.amber_tolerance = tolerance
    target.save()
    return True
