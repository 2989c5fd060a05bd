"""A return's history in words: who changed what and when, from django-auditlog's entries for the
return, its measurements and its action updates (one query)."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from auditlog.models import LogEntry
from django.db.models import Q
from django.utils import timezone

from kpis.models import Measurement
from objectives.roles import person_name
from reporting.models import ActionUpdate, QuarterlyReturn

HIDDEN_HISTORY_FIELDS = {
    "id", "version", "updated_by", "submitted_by", "approved_by", "updated_at", "created_at", "rag_basis", "kpi", "period",
    "sub_strand", "quarterly_return", "plan_update", "action", "is_synthetic", "frozen_target_kind", "frozen_at",
    "data_for_end",
}
HISTORY_LABELS = {
    "rag_calculated": "Status by the rules",
    "rag_override": "Status override",
    "override_reason": "Reason for the override",
    "frozen_rag": "Status frozen at approval",
    "frozen_target": "Target frozen at approval",
    "frozen_tolerance": "Amber tolerance frozen at approval",
    "return_comment": "Approver's comment",
    "rag_explanation": "Why the status differs from the KPIs",
    "submitted_at": "Submitted",
    "approved_at": "Approved",
    "narrative": "Progress",
}
HISTORY_MODELS = {
    ("reporting", "quarterlyreturn"): QuarterlyReturn,
    ("kpis", "measurement"): Measurement,
    ("reporting", "actionupdate"): ActionUpdate,
}


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    action: str
    changes: list


def _display(model_field, raw):
    if raw in (None, "None", ""):
        return "(empty)"
    raw = str(raw)
    choices = dict(model_field.choices or []) if getattr(model_field, "choices", None) else None
    if choices:
        return str(choices.get(raw, raw))
    kind = model_field.get_internal_type()
    if kind == "BooleanField":
        return {"True": "Yes", "False": "No"}.get(raw, raw)
    if kind == "DateField":
        try:
            d = datetime.date.fromisoformat(raw[:10])
            return f"{d.day} {d:%B %Y}"
        except ValueError:
            return raw
    if kind == "DateTimeField":
        try:
            d = timezone.localtime(datetime.datetime.fromisoformat(raw))
            return f"{d.day} {d:%B %Y} {d:%H:%M}"
        except ValueError:
            return raw
    if kind == "DecimalField":
        try:
            value = Decimal(raw)
            return f"{value.normalize():,f}"
        except ArithmeticError:
            return raw
    return raw if len(raw) <= 300 else raw[:300] + "…"


def history_entries(queryset):
    """LogEntry rows as who, when, what, and each field's old → new value in words."""
    entries = []
    for log in queryset:
        model = HISTORY_MODELS.get((log.content_type.app_label, log.content_type.model))
        changes = []
        for name, values in (log.changes_dict or {}).items():
            if name in HIDDEN_HISTORY_FIELDS or model is None:
                continue
            if log.action == 0 and name in ("revision", "state", "not_available"):
                continue  # a new record's defaults say nothing
            try:
                model_field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a field since removed
                continue
            if not getattr(model_field, "concrete", False):
                continue
            old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
            old_text, new_text = _display(model_field, old), _display(model_field, new)
            if old_text == new_text:
                continue
            label = HISTORY_LABELS.get(name) or str(model_field.verbose_name).capitalize()
            changes.append(HistoryChange(label, old_text, new_text))
        if not changes:
            continue
        actor = log.actor
        who = person_name(actor, nobody="The system")
        if model is QuarterlyReturn:
            what = "Return"
        elif model is Measurement:
            what = log.object_repr.split(" in ")[0]
        else:
            what = log.object_repr.replace("Update on ", "Action ")
        action = {0: "Created", 1: "Changed", 2: "Deleted"}.get(log.action, "Changed")
        entries.append(HistoryEntry(log.timestamp, who, what, action, changes))
    return entries


def history_queryset(ret):
    """One query for the return's history: the return, its measurements and its action updates."""
    measurement_ids = Measurement.objects.filter(kpi__sub_strand_id=ret.sub_strand_id, period_id=ret.period_id).values("pk")
    update_ids = ActionUpdate.objects.filter(quarterly_return_id=ret.pk).values("pk")
    return (
        LogEntry.objects.filter(
            Q(content_type__app_label="reporting", content_type__model="quarterlyreturn", object_id=ret.pk)
            | Q(content_type__app_label="kpis", content_type__model="measurement", object_id__in=measurement_ids)
            | Q(content_type__app_label="reporting", content_type__model="actionupdate", object_id__in=update_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def return_history(ret):
    return history_entries(history_queryset(ret))


