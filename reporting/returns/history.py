"""A return's history in words: who changed what and when, from django-auditlog's entries for the
return, its measurements and its action updates (one query): "Olivia Officer changed HOU-01 from
600 to 640 on 5 September 2023 at 10:02". Dates as "5 September 2023", figures with their units,
never a raw timestamp or an "(empty)"."""
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from kpis.formatting import format_kpi_value
from kpis.models import Measurement
from objectives.roles import person_name
from reporting.models import ActionUpdate, QuarterlyReturn, RiskAction, RiskReview

# The fields a return's history shows (the return, its figures, its action updates), each in the words
# the return form gives it (reporting/returns/forms.py) or the words of the step that sets it; any other
# field of theirs (a key kept for sorting, a timestamp that a change of state already says, who last
# saved) is internal and never shown.
# A risk's review and its actions (reporting/risks/) show their own fields by their names, less these.
HIDDEN_HISTORY_FIELDS = {
    "id", "version", "updated_by", "submitted_by", "approved_by", "updated_at", "created_at", "rag_basis", "kpi", "period",
    "sub_strand", "quarterly_return", "plan_update", "action", "is_synthetic", "frozen_target_kind", "frozen_at",
    "data_for_end", "risk", "period_key", "submitted_at", "approved_at",
}
HISTORY_LABELS = {
    # the return
    "state": "State",
    "overall_rag": "Overall status",
    "commentary": "Commentary",
    "rag_explanation": "Why the overall status differs from what the KPIs suggest",
    "return_comment": "Approver's comment",
    "revision": "Revision",
    # a KPI's figure
    "value": "Value",
    "milestone_status": "Milestone status",
    "data_for": "Period the data is for",
    "not_available": "Not yet available",
    "expected_date": "Expected date",
    "forecast_value": "Year-end forecast",
    "forecast_reason": "Reason for the forecast",
    "rag_calculated": "Status by the rules",
    "rag_override": "Status override",
    "override_reason": "Reason for the override",
    "frozen_rag": "Status frozen at approval",
    "frozen_target": "Target frozen at approval",
    "frozen_tolerance": "Amber tolerance frozen at approval",
    # an action's update
    "status": "Status",
    "narrative": "Progress",
    "returned_reason": "Reason for sending it back",
}
RETURN_MODELS = {QuarterlyReturn, Measurement, ActionUpdate}  # shown in the form's words only (HISTORY_LABELS)
HISTORY_MODELS = {
    ("reporting", "quarterlyreturn"): QuarterlyReturn,
    ("kpis", "measurement"): Measurement,
    ("reporting", "actionupdate"): ActionUpdate,
    # A risk's review and its actions (reporting/risks/), kept as a return's are.
    ("reporting", "riskreview"): RiskReview,
    ("reporting", "riskaction"): RiskAction,
}


EMPTY = ""
TEXT_LIMIT = 300
# Fields whose values are typed text: quoted in a sentence.
TEXT_KINDS = {"CharField", "TextField"}


def when_text(moment):
    """'5 September 2023 at 10:02', in the council's time zone."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


@dataclass
class HistoryChange:
    field: str  # the field's label: "Commentary", "Value"
    old: str  # the values in words ("" for none)
    new: str
    who: str = ""
    subject: str = ""  # "HOU-01", "the return", "action (3)"
    quoted: bool = False
    when: datetime.datetime | None = None
    value_of: bool = False  # the figure itself: "changed HOU-01 from 600 to 640"
    flag: bool = False  # a yes/no: "marked HOU-01 “not yet available”"
    words: str = ""  # the whole change, where no field says it ("started the return")

    def _words(self, value):
        return f"“{value}”" if self.quoted else value

    @property
    def text(self):
        """The change in words, without the time: 'Olivia Officer changed HOU-01 from 600 to 640'."""
        if self.words:
            return self.words
        if self.flag:
            verb = "marked" if self.new == "Yes" else "unmarked"
            return f"{self.who} {verb} {self.subject} “{self.field.lower()}”"
        what = self.subject if self.value_of else f"{_in_sentence(self.field)} {_of(self.subject)}"
        if not self.old:
            return f"{self.who} set {what} to {self._words(self.new)}"
        if not self.new:
            return f"{self.who} cleared {what} (it was {self._words(self.old)})"
        return f"{self.who} changed {what} from {self._words(self.old)} to {self._words(self.new)}"

    @property
    def sentence(self):
        """'Olivia Officer changed HOU-01 from 600 to 640 on 5 September 2023 at 10:02'."""
        return f"{self.text} on {when_text(self.when)}" if self.when else self.text


def _in_sentence(label):
    """'Status override' → 'the status override'; "Approver's comment" → "the approver's comment"."""
    words = label.split(" ", 1)
    first = words[0] if words[0].isupper() and len(words[0]) > 1 else words[0].lower()
    return "the " + " ".join([first, *words[1:]])


def _of(subject):
    return f"of {subject}" if subject in ("the return", "the review") else f"on {subject}"


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    action: str
    changes: list

    @property
    def when_text(self):
        return when_text(self.when)


def _moment(raw):
    """A timestamp as auditlog keeps it ('2026-12-01 07:41:02.584646', with or without its offset) in words."""
    moment = datetime.datetime.fromisoformat(raw)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.timezone.utc)
    return when_text(moment)


def _display(model_field, raw, unit=None):
    if raw in (None, "None", ""):
        return EMPTY
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
            return _moment(raw)
        except ValueError:
            return raw
    if kind == "DecimalField":
        try:
            value = Decimal(raw)
        except ArithmeticError:
            return raw
        if unit is not None:
            return format_kpi_value(value, unit)
        return f"{value.normalize():,f}"
    return raw if len(raw) <= TEXT_LIMIT else raw[:TEXT_LIMIT] + "…"


def _subject(log, model):
    if model is QuarterlyReturn:
        return "the return"
    if model is Measurement:
        return log.object_repr.split(" in ")[0]
    if model is RiskReview:
        return "the review"
    if model is RiskAction:
        return f"the action “{log.object_repr[:60]}”"
    return log.object_repr.replace("Update on ", "action ").split(") ")[0] + ")"


def _statuses(raw):
    """A review's action statuses as the audit kept them (JSON text, or a dict): {action id: status}."""
    if isinstance(raw, dict):
        return {str(k): v for k, v in raw.items()}
    try:
        found = json.loads(raw) if raw not in (None, "None", "") else {}
    except (TypeError, ValueError):
        return {}
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


def _action_status_changes(values, *, who, subject, when):
    """Each action's status given in a risk's review, changed, in words ("gave the action “…” the status
    Complete in the review"). One query for the actions' descriptions."""
    old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
    old, new = _statuses(old), _statuses(new)
    labels = dict(RiskAction.Status.choices)
    ids = sorted({k for k in {*old, *new} if old.get(k) != new.get(k)}, key=lambda k: (len(k), k))
    if not ids:
        return []
    names = dict(RiskAction.objects.filter(pk__in=[int(k) for k in ids if k.isdigit()])
                 .values_list("pk", "description"))
    changes = []
    for key in ids:
        name = names.get(int(key)) if key.isdigit() else None
        action = f"the action “{name[:60]}”" if name else "an action since removed"
        before, after = labels.get(old.get(key), ""), labels.get(new.get(key), "")
        if after and before:
            words = f"{who} changed the status {subject} gives {action} from {before} to {after}"
        elif after:
            words = f"{who} gave {action} the status {after} in {subject}"
        else:
            words = f"{who} took out the status {subject} gave {action} (it was {before})"
        changes.append(HistoryChange("Action's status", before, after, who=who, subject=subject, when=when,
                                     words=words))
    return changes


def history_entries(queryset, units=None):
    """LogEntry rows as who, when, what, and each field's old → new value in words. `units` ({KPI code:
    unit}) writes each figure with its unit."""
    units = units or {}
    entries = []
    for log in queryset:
        model = HISTORY_MODELS.get((log.content_type.app_label, log.content_type.model))
        if model is None:
            continue
        who = person_name(log.actor, nobody="The system")
        subject = _subject(log, model)
        changes = []
        if log.action == 0 and model is QuarterlyReturn:
            changes.append(HistoryChange("Return", "", "", who=who, subject=subject, when=log.timestamp,
                                         words=f"{who} started the return"))
        for name, values in (log.changes_dict or {}).items():
            if name in HIDDEN_HISTORY_FIELDS or (model in RETURN_MODELS and name not in HISTORY_LABELS):
                continue  # internal: never said
            if model is RiskReview and name == "action_statuses":
                changes.extend(_action_status_changes(values, who=who, subject=subject, when=log.timestamp))
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
            unit = units.get(subject) if model is Measurement and name == "value" else None
            old_text, new_text = _display(model_field, old, unit), _display(model_field, new, unit)
            if old_text == new_text:
                continue
            label = HISTORY_LABELS.get(name) or str(model_field.verbose_name).capitalize()
            kind = model_field.get_internal_type()
            changes.append(HistoryChange(
                label, old_text, new_text, who=who, subject=subject, when=log.timestamp,
                quoted=kind in TEXT_KINDS and not getattr(model_field, "choices", None),
                value_of=model is Measurement and name == "value", flag=kind == "BooleanField"))
        if not changes:
            continue
        action = {0: "Created", 1: "Changed", 2: "Deleted"}.get(log.action, "Changed")
        what = {QuarterlyReturn: "Return", Measurement: subject, RiskReview: "Review", RiskAction: "Action"}.get(model) or log.object_repr.replace("Update on ", "Action ")
        entries.append(HistoryEntry(log.timestamp, who, what, action, changes))
    return entries


def history_queryset(ret):
    """One query for the return's history: the return, its measurements and its action updates."""
    measurement_ids = Measurement.objects.filter(kpi__sub_strand_id=ret.sub_strand_id, period_id=ret.period_id).values("pk")
    update_ids = ActionUpdate.objects.filter(quarterly_return_id=ret.pk).values("pk")
    kinds = ContentType.objects.get_for_models(QuarterlyReturn, Measurement, ActionUpdate)  # kept by Django once read
    return (
        LogEntry.objects.filter(
            Q(content_type_id=kinds[QuarterlyReturn].id, object_id=ret.pk)
            | Q(content_type_id=kinds[Measurement].id, object_id__in=measurement_ids)
            | Q(content_type_id=kinds[ActionUpdate].id, object_id__in=update_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def return_history(ret, kpis=None):
    """The return's history in words; `kpis` (the sub-strand's, if already read) give each figure its unit."""
    units = {k.code: k.unit for k in kpis} if kpis is not None else None
    return history_entries(history_queryset(ret), units=units)


