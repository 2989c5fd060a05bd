"""Returns back from Excel: preview what a filled-in workbook would change, then save it.

1. ``preview_import(period=..., user=..., content=...)`` — checks the file (reporting.workbooks.safety),
   reads its rows (reporting.workbooks.reader) and works out what would change, return by return,
   validating each changed return with the return form (reporting.returns.forms.ReturnForm): the
   same rules as typing it in. Every problem names the sheet, the cell and what is wrong. Nothing
   is written.
2. ``apply_import(period=..., user=..., plan=...)`` — saves the previewed changes in one
   transaction through reporting.returns.services.save_return: all of them or none. A return
   changed on the site since the workbook was downloaded, or since the preview, is refused (the
   workbook records each return's version), so an old file never silently undoes someone's work.

The return template (reporting.workbooks.template) and the briefing workbook
(reporting.workbooks.export) have the same headings, so exporting either and importing the same
file changes nothing. Returns stay drafts after an import: they are submitted from the site.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from kpis.formatting import format_kpi_value
from kpis.models import KPI
from kpis.numbers import NumberError, parse_number
from kpis.rag import RAG, MilestoneStatus
from objectives.council import words
from objectives.models import Action, ReportingPeriod, SubStrand
from objectives.roles import person_name
from reporting.models import QuarterlyReturn, WorkflowState
from reporting.returns.completeness import kpi_field
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.returns.services import ReturnWorkflowError, StaleEditError, save_return
from reporting.workbooks.cells import NOT_AVAILABLE, TRACKER_SHEET
from reporting.workbooks.fields import edits_of
from reporting.workbooks import preview_token
from reporting.workbooks.reader import read_workbook
from reporting.workbooks.safety import ImportRefused, Problem, check_file
from reporting.steps import SAVE_RETURN, WHO
from reporting.workflow import APPROVED

TOKEN_SALT = "reporting.workbook_import"


# -- 3. what would change -----------------------------------------------------------------------


def _norm_text(value):
    if value is None or value is False:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(name, before, after):
    """Is a posted value the same as the saved one? Numbers by value, text ignoring outer spaces."""
    if name.endswith(("-not_available", "-override", "-forecast")):
        return bool(before) == bool(after)
    a, b = _norm_text(before), _norm_text(after)
    if name.endswith(("-value", "-forecast_value")) and a and b:
        try:
            return Decimal(a.replace(",", "")) == Decimal(b.replace(",", ""))
        except InvalidOperation:
            return False
    if name.endswith("-expected_date") and a and b:
        return a[:10] == b[:10]
    return a == b


@dataclass
class CellChange:
    """One cell an import would change (both imports' previews: _changes_table.html)."""
    sheet: str
    cell: str
    subject: str
    label: str
    before: str
    after: str


@dataclass
class ReturnChanges:
    sub_strand: object
    quarterly_return: object
    changes: list
    fields: dict  # form field -> posted value (None: untick)

    @property
    def is_new(self):
        return self.quarterly_return.pk is None


@dataclass
class Preview:
    period: object
    returns: list  # ReturnChanges, in the strategy's order
    rows: int
    kind: str

    @property
    def change_count(self):
        return sum(len(r.changes) for r in self.returns)

    @property
    def has_changes(self):
        return bool(self.returns)

    def token(self, user):
        """The plan, signed for the confirm form."""
        return sign_plan(self.plan(), user)

    def plan(self):
        """What apply_import needs: each return's version as previewed and its changed fields (JSON-safe)."""
        return {
            "period": self.period.id,
            "returns": [
                {"sub_strand": r.sub_strand.id, "version": r.quarterly_return.version if r.quarterly_return.pk else 0,
                 "fields": r.fields, "cells": len(r.changes)}
                for r in self.returns
            ],
        }


def _figure_words(text, kpi):
    """A typed figure written as every page writes it (kpis.formatting: "12,500", "£35m", "12.5%"), read
    as the form reads it (kpis.numbers); a figure the form would refuse is shown as typed."""
    try:
        value = parse_number(text, percent=kpi.unit == KPI.Unit.PERCENT, pounds=kpi.unit == KPI.Unit.GBP)
    except NumberError:
        return text
    return "(empty)" if value is None else format_kpi_value(value, kpi.unit)


def _date_words(text):
    """A date as every page writes it ("31 March 2024", the date filter's "j F Y"); anything else as typed."""
    try:
        return date_filter(datetime.date.fromisoformat(text[:10]), "j F Y") if len(text) == 10 else text
    except ValueError:
        return text


def _show(edit, values):
    """A cell's value in words for the preview, as the pages write it: '12,500', '31 March 2024',
    'Not yet available', 'Achieved', '(empty)'."""
    if edit.kind == "figure":
        kpi = edit.kpi
        if values.get(kpi_field(kpi.id, "not_available")) in (True, "on"):
            return NOT_AVAILABLE
        if kpi.is_milestone:
            status = _norm_text(values.get(kpi_field(kpi.id, "milestone_status")))
            return MilestoneStatus(status).label if status in MilestoneStatus.values else (status or "(empty)")
        text = _norm_text(values.get(kpi_field(kpi.id, "value")))
        return _figure_words(text, kpi) if text else "(empty)"
    text = _norm_text(values.get(next(iter(edit.fields))))
    if not text:
        return "(empty)"
    if edit.kind == "forecast":
        return _figure_words(text, edit.kpi)
    if edit.kind == "date":
        return _date_words(text)
    if edit.kind in ("rag", "overall") and text in RAG.values:
        return RAG(text).label
    if edit.kind == "action_status" and text in Action.Status.values:
        return Action.Status(text).label
    return text if len(text) <= 300 else text[:300] + "…"


def _base_data(ret, kind):
    """The saved values, as the return form posts them. A briefing workbook shows a return not yet
    started as empty, so its cells are compared with empty values (the template shows last quarter's
    commentary, as the form does)."""
    data = as_post_data(initial_form_data(ret))
    if ret.pk is None and kind != "template":
        shown = {"version": "0", "intent": "save"}
        return data, shown
    return data, data


def preview_import(*, period, user, content, filename=""):
    """What importing this workbook would change, return by return (a Preview); raises ImportRefused
    with every problem found. Writes nothing."""
    check_file(content, filename=filename)
    parsed = read_workbook(content, period)
    problems = parsed.problems
    if parsed.kind not in ("template", "briefing") or not parsed.period_slug:
        problems.insert(0, Problem(
            "This workbook was not made by the tracker, or its hidden “_tracker” sheet has been changed: download the "
            f"return template for {period.label} again and fill that in.", TRACKER_SHEET))
    elif parsed.period_slug != period.slug:
        other = ReportingPeriod.objects.filter(slug=parsed.period_slug).first()
        problems.insert(0, Problem(
            f"This workbook is for {other.label if other else parsed.period_slug or 'another period'}, not {period.label}: "
            f"its KPIs' figures belong to that period. Download the return template for {period.label}.",
            TRACKER_SHEET,
        ))
    elif parsed.kind == "briefing" and parsed.scope != "all":
        problems.insert(0, Problem(
            "This briefing workbook was exported without the draft returns (by someone who sees approved returns "
            "only), so importing it would empty them. Use the return template instead."
        ))
    if problems:
        raise ImportRefused(problems)
    if parsed.rows == 0:
        raise ImportRefused([Problem(
            "The workbook holds no KPI, return or action rows: there is nothing to import. Download the return "
            f"template for {period.label}, fill it in, and upload that."
        )])

    kpi_ids = {row["id"] for kind, row in parsed.edits if kind == "kpi"}
    action_ids = {row["id"] for kind, row in parsed.edits if kind == "action"}
    kpis = {k.id: k for k in KPI.objects.filter(id__in=kpi_ids).select_related("sub_strand")}
    actions = {a.id: a for a in Action.objects.filter(id__in=action_ids)}
    edits = edits_of(parsed, period, kpis, actions)
    sub_ids = {e.sub_strand_id for e in edits}
    subs = {s.id: s for s in SubStrand.objects.filter(id__in=sub_ids).select_related("objective")}
    for kind, row in parsed.edits:
        if kind == "return" and row["id"] not in subs:
            problems.append(Problem(words("there is no {sub_strand.one_lower} with id {id}: the {sub_strand.one} id column "
                                          "must not be changed", id=row["id"]), row["sheet"], row["id_ref"]))
    if problems:
        raise ImportRefused(problems)

    existing = {
        r.sub_strand_id: r
        for r in QuarterlyReturn.objects.filter(period=period, sub_strand_id__in=sub_ids).select_related(
            "period", "sub_strand", "updated_by")
    }
    by_sub = {}
    for e in edits:
        by_sub.setdefault(e.sub_strand_id, []).append(e)
    results = []
    ordered = sorted(subs.values(), key=lambda s: (s.objective.strategy_id, s.objective.number, s.order))
    for sub in ordered:
        ret = existing.get(sub.id) or QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
        base, shown = _base_data(ret, parsed.kind)
        changed, fields = [], {}
        for e in by_sub.get(sub.id, []):
            moved = {name: value for name, value in e.fields.items() if not _same(name, shown.get(name), value)}
            if not moved:
                continue
            fields.update(e.fields)
            changed.append((e, CellChange(e.sheet, e.cell, e.subject, e.label, _show(e, shown), _show(e, e.fields))))
        if not changed:
            continue
        first = changed[0][0]
        refused = _refusal(ret, user, period, parsed)
        if refused:
            problems.append(Problem(refused, first.sheet, first.cell, first.subject))
            continue
        merged = _merge(base, fields, ret)
        form = ReturnForm(quarterly_return=ret, user=user, data=merged)
        if not form.is_valid():
            problems.extend(_form_problems(form, changed, by_sub.get(sub.id, []), sub))
            continue
        results.append(ReturnChanges(sub, ret, [c for _, c in changed], fields))
    if problems:
        raise ImportRefused(problems)
    return Preview(period=period, returns=results, rows=parsed.rows, kind=parsed.kind)


def _refusal(ret, user, period, parsed):
    """Why this return may not be changed by this user from this workbook, or ''."""
    name = ret.sub_strand.name
    refused = SAVE_RETURN.refusal(user, ret)  # who, state and period: the step's own answer, as on the site
    if refused is not None and refused.check == WHO:
        return f"you may not edit the {name} return for {period.label}"
    if refused is not None:
        reason = refused.reason[:1].lower() + refused.reason[1:]  # after "Sheet …, cell …: "
        if ret.state in APPROVED:
            return f"{reason} (an approved return is corrected by reopening it on the site)"
        return reason
    recorded = parsed.versions.get(ret.sub_strand_id)
    current = ret.version if ret.pk else 0
    if recorded is None:
        return f"the {name} return is not part of this workbook: download the return template again"
    if recorded != current:
        who = ""
        if ret.pk and ret.updated_by_id:
            who = f" by {person_name(ret.updated_by)}"
        when = ""
        if ret.pk and ret.updated_at:
            local = timezone.localtime(ret.updated_at)
            when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
        return (f"the {name} return was changed on the site{who}{when} after this workbook was downloaded, so "
                "importing it could undo that change. Download the workbook again and re-enter your changes")
    return ""


def _merge(base, fields, ret):
    merged = dict(base)
    for name, value in fields.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    merged["version"] = str(ret.version if ret.pk else 0)
    merged["intent"] = "save"
    return merged


def _form_problems(form, changed, edits, sub):
    """The return form's errors, each placed on the cell that holds the field (changed cells first),
    or on the return when no cell of the workbook holds it."""
    by_field = {}
    for e in [e for e, _ in changed] + list(edits):
        for name in e.fields:
            by_field.setdefault(name, e)
    first = changed[0][0]
    problems = []
    for name, errors in form.errors.items():
        e = by_field.get(name, first)
        for message in errors:
            text = str(message)
            if name in by_field and text.startswith(f"{e.subject}: "):
                text = text[len(e.subject) + 2:]
            subject = e.subject if name in by_field else f"{sub.name} return"
            problems.append(Problem(text, e.sheet, e.cell if name in by_field else "", subject))
    return problems


# -- 4. saving ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    returns: list  # the saved QuarterlyReturns
    cells: int


def apply_import(*, period, user, plan):
    """Save a previewed import (Preview.plan()) in one transaction: every return, or none.

    Each return is validated again with the return form and saved by save_return, which refuses it
    (StaleEditError) when its version is no longer the one previewed."""
    if plan.get("period") != period.id:
        raise ImportRefused([Problem("This import was previewed for another period: upload the workbook again.")])
    saved, cells = [], 0
    try:
        with transaction.atomic():
            for item in plan["returns"]:
                sub = SubStrand.objects.get(pk=item["sub_strand"])
                ret = (QuarterlyReturn.objects.select_related("period", "sub_strand", "updated_by")
                       .filter(sub_strand=sub, period=period).first())
                if ret is None:
                    if item["version"] != 0:
                        raise ImportRefused([Problem(f"The {sub.name} return has been removed since the preview.")])
                    ret = QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
                refused = SAVE_RETURN.refusal(user, ret)
                if refused is not None:
                    raise ImportRefused([Problem(f"The {sub.name} return can no longer be changed: {refused.reason} "
                                                 "Nothing was saved.")])
                base = as_post_data(initial_form_data(ret))
                merged = _merge(base, item["fields"], ret)
                merged["version"] = str(item["version"])
                form = ReturnForm(quarterly_return=ret, user=user, data=merged)
                if not form.is_valid():
                    raise ImportRefused([Problem(f"{sub.name}: {'; '.join(str(m) for ms in form.errors.values() for m in ms)}")])
                saved.append(save_return(quarterly_return=ret, by=user, form=form))
                cells += int(item.get("cells") or 0)
    except StaleEditError as exc:
        raise ImportRefused([Problem(
            f"{exc.current.sub_strand.name if exc.current else 'A return'} was changed by someone else after you "
            "uploaded the workbook, so nothing was saved. Upload it again to see the changes against theirs."
        )]) from exc
    except ReturnWorkflowError as exc:
        raise ImportRefused([Problem(f"{exc} Nothing was saved.")]) from exc
    except SubStrand.DoesNotExist as exc:
        raise ImportRefused([Problem(words("{sub_strand.A} of this import no longer exists: nothing was saved."))]) from exc
    return ImportResult(saved, cells)


def sign_plan(plan, user):
    """The plan as a signed token for the confirm form (reporting.workbooks.preview_token)."""
    return preview_token.sign(plan, user=user, salt=TOKEN_SALT)


def unsign_plan(token, user):
    """The plan back from its token, or ImportRefused (reporting.workbooks.preview_token)."""
    return preview_token.unsign(token, user=user, salt=TOKEN_SALT, expect={"returns": list})
