"""Writes for a KPI's change of process: recorded and removed by the coordinating team, each asking
its step (reporting.steps) first; the history (django-auditlog) keeps who and when."""
from django.db import IntegrityError, transaction

from kpis.models import KPI, ChangeOfProcess
from reporting.returns.services import recorded_as
from reporting.steps import RECORD_CHANGE_OF_PROCESS, REMOVE_CHANGE_OF_PROCESS


class ChangeError(ValueError):
    """A change of process that cannot be recorded or removed as asked; the message says why."""


def record_change_of_process(*, kpi, period, reason, by):
    """Record that the KPI's process changed from `period` (its limits recalculated from that
    figure on), with the reason. PermissionDenied for someone who may not; ChangeError when one is
    recorded for that period already."""
    with transaction.atomic(), recorded_as(by):
        kpi = KPI.objects.select_for_update().get(pk=kpi.pk)
        RECORD_CHANGE_OF_PROCESS.guard(by, kpi)
        change = ChangeOfProcess(kpi=kpi, period=period, reason=reason, recorded_by=by)
        change.full_clean()
        try:
            with transaction.atomic():
                change.save()
        except IntegrityError as exc:
            raise ChangeError(f"A change of process from {period.label} is recorded for {kpi.code} already.") from exc
        return change


def remove_change_of_process(*, kpi, change_id, by):
    """Remove a recorded change of process (the history keeps it). ChangeError when it is gone already."""
    with transaction.atomic(), recorded_as(by):
        kpi = KPI.objects.select_for_update().get(pk=kpi.pk)
        REMOVE_CHANGE_OF_PROCESS.guard(by, kpi)
        change = ChangeOfProcess.objects.filter(kpi=kpi, pk=change_id).select_related("period").first()
        if change is None:
            raise ChangeError("That change of process has been removed already.")
        change.delete()
        return change
