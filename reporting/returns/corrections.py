"""Corrections: an approved return reopened as a new draft revision, the approved one kept as a
snapshot (ReturnRevision), its figures live again.

    reopen_return(*, quarterly_return, by, reason) -> QuarterlyReturn"""
from django.db import transaction

from kpis.models import KPI, Measurement
from kpis.services import unfreeze_measurement
from objectives.text import clean_text
from reporting.models import ActionUpdate, ReturnRevision
from reporting.returns.services import (
    COMMENT_MAX_LENGTH, ReturnWorkflowError, guard_reopen, lock_return, recorded_as, sync_action_updates,
)
from reporting.workflow import RETURN


def snapshot_of(ret):
    """An approved return as plain data, kept in ReturnRevision when a correction reopens it."""
    measurements = Measurement.objects.filter(kpi__sub_strand_id=ret.sub_strand_id, period_id=ret.period_id).select_related("kpi")
    updates = ActionUpdate.objects.filter(quarterly_return=ret).select_related("action")

    def text(value):
        if value is None:
            return None
        if hasattr(value, "normalize"):
            return format(value.normalize(), "f")
        return str(value)

    return {
        "revision": ret.revision,
        "state": ret.state,
        "overall_rag": ret.overall_rag,
        "commentary": ret.commentary,
        "rag_explanation": ret.rag_explanation,
        "approved_at": ret.approved_at.isoformat() if ret.approved_at else None,
        "measurements": [
            {
                "kpi": m.kpi.code, "title": m.kpi.title, "value": text(m.value), "milestone_status": m.milestone_status,
                "not_available": m.not_available, "expected_date": text(m.expected_date), "data_for": m.data_for,
                "rag": m.rag or "", "rag_override": m.rag_override, "override_reason": m.override_reason,
                "rag_calculated": m.rag_calculated, "rag_basis": m.rag_basis,
                "commentary": m.commentary, "target": text(m.frozen_target), "target_kind": m.frozen_target_kind,
                "tolerance": text(m.frozen_tolerance),
            }
            for m in measurements.order_by("kpi__order", "kpi__code")
        ],
        "action_updates": [
            {"action": str(u.action), "status": u.status, "narrative": u.narrative}
            for u in updates.order_by("action__plan_id", "action__number")
        ],
    }


def reopen_return(*, quarterly_return, by, reason, version=None):
    """Approved (or published) → a new draft revision for a correction; the approved one is kept."""
    reason = clean_text(reason)
    with transaction.atomic(), recorded_as(by):
        ret = lock_return(quarterly_return)
        guard_reopen(ret=ret, by=by, version=version)
        if not reason:
            raise ReturnWorkflowError("Say why the return needs correcting.")
        if len(reason) > COMMENT_MAX_LENGTH:
            raise ReturnWorkflowError(f"The reason must be {COMMENT_MAX_LENGTH:,} characters or fewer.")
        ReturnRevision.objects.create(
            quarterly_return=ret, number=ret.revision, snapshot=snapshot_of(ret), approved_at=ret.approved_at,
            approved_by_id=ret.approved_by_id, reopened_by=by, reason=reason,
        )
        kpi_ids = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id).values_list("id", flat=True))
        for m in Measurement.objects.select_for_update().filter(kpi_id__in=kpi_ids, period_id=ret.period_id):
            unfreeze_measurement(m)
            m.version += 1
            m.updated_by = by
            m.save()
        ret.revision += 1
        RETURN.move("reopen", ret)
        ret.return_comment = ""
        ret.version += 1
        ret.updated_by = by
        ret.save()
        sync_action_updates(ret, "reopen")
        return ret
