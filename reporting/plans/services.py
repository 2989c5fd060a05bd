"""Writes to action-plan update rounds: starting a round, its committee report's cover, and each
recommendation's update through draft → submitted → approved (or returned with a comment).

Every function runs in one transaction, checks the permission itself (so a caller cannot skip it),
locks the row it changes (`select_for_update`) and compares the version the form was rendered from,
so that a stale edit is refused rather than silently overwriting someone else's. Audited models are
saved with `.save()` so that django-auditlog records who changed what.
"""
import os
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.models import Action
from objectives.text import is_blank
from reporting.access import require
from reporting.models import ActionUpdate, Attachment, FigureBreakdownItem, OutputFigure, PlanUpdate, WorkflowState
from reporting.plans import papers
from reporting.plans.report import format_number
from reporting.plans.selectors import previous_plan_update
from reporting.steps import (
    APPROVE_PLAN_UPDATE, SAVE_PLAN_UPDATE, SEND_BACK_PLAN_UPDATE, SUBMIT_PLAN_UPDATE, VERSION, Refusal, StepRefused,
)
from reporting.workflow import PLAN_UPDATE

# The committee report's cover fields: edited per report, carried forward to the next round.
COVER_FIELDS = [
    "committee", "summary", "recommendations", "reasons", "alternative_options", "costs", "revenue_costs",
    "capital_costs", "resource_implications", "legal_implications", "equality_implications",
    *PlanUpdate.CORE_PURPOSE_FIELDS, "consultations_internal", "consultations_external", "implementation_date",
    "contact_officer", "contact_telephone", "contact_email", "appendices", "background_papers", "introduction",
]


class PlanError(StepRefused):
    """A change that the rules refuse; the message says why, in words for the officer, and `field`
    which field of the form it is about (None: the whole form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = self.refusal.reason
        self.field = field or next(iter(self.refusal.problems), None)


class StaleEdit(PlanError):
    def __init__(self, what="this"):
        if isinstance(what, Refusal):
            super().__init__(what)
            return
        super().__init__(
            f"Someone else changed {what} while you had it open. Your changes have not been saved: "
            "reload the page to see the latest version, then make your changes again."
        )


PLAN_ERRORS = {None: PlanError, VERSION: StaleEdit}


def breakdown_problem(total, qualifier, items_total):
    """Why a breakdown does not agree with the total given, or None if it does (or there is no total).

    An exact total must equal the sum of its breakdown; 'more than' or 'over' a total means the
    breakdown must add up to more; 'nearly' or 'up to' means it must not add up to more.
    """
    if total is None or items_total is None:
        return None
    total, items_total = Decimal(total), Decimal(items_total)
    shown = f"The breakdown adds up to {format_number(items_total)}"
    if qualifier in ("more_than", "over"):
        if items_total <= total:
            return f"{shown}, which is not more than the total of {format_number(total)}. Correct the figures, or leave the total empty."
    elif qualifier in ("nearly", "up_to"):
        if items_total > total:
            return f"{shown}, which is more than the total of {format_number(total)}. Correct the figures, or leave the total empty."
    elif items_total != total:
        return f"{shown}, but the total is {format_number(total)}. Make them agree, or leave the total empty."
    return None


def _check_figures(figures):
    for i, fig in enumerate(figures, start=1):
        if not (fig.get("label") or "").strip():
            raise PlanError(f"Figure {i} needs a description of what it counts.")
        items = fig.get("breakdown") or []
        items_total = sum((Decimal(v) for _, v in items), Decimal(0)) if items else None
        problem = breakdown_problem(fig.get("value"), fig.get("qualifier") or "", items_total)
        if problem:
            raise PlanError(f"Figure {i} ({fig['label']}): {problem}")


def _write_figures(action_update, figures):
    """Make the update's figures and breakdowns match `figures`, row by row, saving each through
    `.save()` (so history records each changed value) and deleting rows no longer there."""
    existing = {f.order: f for f in action_update.figures.all()}
    for order, data in enumerate(figures, start=1):
        figure = existing.pop(order, None) or OutputFigure(action_update=action_update, order=order)
        values = {
            "label": data["label"].strip(),
            "qualifier": data.get("qualifier") or "",
            "value": data.get("value"),
            "unit": (data.get("unit") or "").strip(),
            "rising_to": data.get("rising_to"),
            "is_projected": bool(data.get("is_projected")),
            "period_covered": (data.get("period_covered") or "").strip(),
            "note": (data.get("note") or "").strip(),
        }
        changed = figure.pk is None or any(getattr(figure, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(figure, k, v)
        if changed:
            figure.save()
        items = {b.order: b for b in figure.breakdown.all()}
        for b_order, (label, value) in enumerate(data.get("breakdown") or [], start=1):
            item = items.pop(b_order, None) or FigureBreakdownItem(figure=figure, order=b_order)
            if item.pk is None or item.label != label.strip() or item.value != Decimal(value):
                item.label, item.value = label.strip(), Decimal(value)
                item.save()
        for item in items.values():
            item.delete()
    for figure in existing.values():
        figure.delete()


def _lock(action_update):
    return ActionUpdate.objects.select_for_update().get(pk=action_update.pk)


def _check_version(obj, version, what, *, required=False):
    """Refuse a change made from an older version; an edit (`required`) must say its version."""
    if version is None and required:
        raise PlanError("The form is missing its version: reload the page and enter your changes again.")
    if version is not None and int(version) != obj.version:
        raise StaleEdit(what)


# -- rounds and their committee report ------------------------------------------------------------


@transaction.atomic
def start_plan_update(*, plan, by, title, slug, as_at, committee="", meeting_date=None):
    """A new update round for a plan. Its committee report's cover starts as a copy of the previous
    round's, so the Economy Cell edits only what has changed."""
    require(by, "edit_plan_report", plan)
    if PlanUpdate.objects.filter(plan=plan, slug=slug).exists():
        raise PlanError(f"This plan already has an update round called {slug}. Choose another.", field="slug")
    previous = previous_plan_update(plan)
    update = PlanUpdate(plan=plan, slug=slug, title=title, as_at=as_at, meeting_date=meeting_date)
    if previous is not None:
        for name in COVER_FIELDS:
            setattr(update, name, getattr(previous, name))
    if committee:
        update.committee = committee
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError as exc:
        raise PlanError(f"This plan already has an update round called {slug}. Choose another.", field="slug") from exc
    return update


@transaction.atomic
def save_report_cover(*, plan_update, by, version, **fields):
    """Save the cover fields of a round's committee report (Economy Cell), refusing a stale edit."""
    require(by, "edit_plan_report", plan_update)
    locked = PlanUpdate.objects.select_for_update().get(pk=plan_update.pk)
    _check_version(locked, version, "this report", required=True)
    unknown = set(fields) - set(COVER_FIELDS) - {"title", "as_at", "meeting_date"}
    if unknown:
        raise PlanError(f"Unknown report fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.version += 1
    locked.save()
    papers.keep_when_changed(locked)  # the committee report's paper, its PDF made by the worker
    return locked


# -- each recommendation's update -----------------------------------------------------------------


@transaction.atomic
def create_action_update(*, plan_update, action, by, narrative, status="", figures=()):
    """A recommendation's first update in a round, as a draft."""
    require(by, "start_action_update", action)
    if action.plan_id != plan_update.plan_id:
        raise PlanError("That recommendation is not part of this plan.", field="recommendation")
    # Lock the action so two people starting the same update at once cannot both succeed.
    Action.objects.select_for_update().filter(pk=action.pk).first()
    if ActionUpdate.objects.filter(plan_update=plan_update, action=action).exists():
        raise PlanError(
            f"Recommendation ({action.number}) already has an update in this round. Open it from the progress page.",
            field="recommendation",
        )
    figures = list(figures)
    _check_figures(figures)
    update = ActionUpdate(
        action=action, plan_update=plan_update, narrative=narrative.strip(), status=status or "",
        state=WorkflowState.DRAFT, updated_by=by,
    )
    update.save()
    _write_figures(update, figures)
    return update


@transaction.atomic
def save_action_update(*, action_update, by, version, narrative, status="", figures=()):
    """Save a draft (or returned) update's narrative, status and figures, refusing a stale edit."""
    locked = _lock(action_update)
    _check_version(locked, version, "this update", required=True)
    SAVE_PLAN_UPDATE.guard(by, locked, version=version, errors=PLAN_ERRORS)
    figures = list(figures)
    _check_figures(figures)
    locked.narrative = narrative.strip()
    locked.status = status or ""
    locked.updated_by = by
    locked.version += 1
    locked.save()
    _write_figures(locked, figures)
    return locked


@transaction.atomic
def submit_action_update(*, action_update, by, version=None):
    """Send an update for approval. It needs a narrative."""
    locked = _lock(action_update)
    SUBMIT_PLAN_UPDATE.guard(by, locked, version=version, errors=PLAN_ERRORS)
    PLAN_UPDATE.move("submit", locked)
    locked.submitted_at = timezone.now()
    locked.return_comment = ""
    locked.updated_by = by
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def approve_action_update(*, action_update, by, version=None):
    """Approve a submitted update: it appears in the committee report, and its status becomes the
    recommendation's status (when this is the plan's latest round)."""
    locked = _lock(action_update)
    APPROVE_PLAN_UPDATE.guard(by, locked, version=version, errors=PLAN_ERRORS)
    PLAN_UPDATE.move("approve", locked)
    locked.approved_at = timezone.now()
    locked.approved_by = by
    locked.version += 1
    locked.save()
    latest = previous_plan_update(locked.plan_update.plan)
    if locked.status and latest is not None and latest.pk == locked.plan_update_id:
        action = Action.objects.select_for_update().get(pk=locked.action_id)
        if action.status != locked.status:
            action.status = locked.status
            action.save()
    papers.keep_when_changed(locked.plan_update)  # the committee report now says it: its paper kept
    return locked


@transaction.atomic
def send_back_action_update(*, action_update, by, comment, version=None):
    """Return a submitted update to its officer with a comment saying what to change."""
    locked = _lock(action_update)
    SEND_BACK_PLAN_UPDATE.guard(by, locked, version=version, errors=PLAN_ERRORS)
    if is_blank(comment):
        raise PlanError("Say what needs to change, so that the officer knows what to do.", field="comment")
    PLAN_UPDATE.move("send_back", locked)
    locked.return_comment = comment.strip()
    locked.version += 1
    locked.save()
    return locked


# -- attachments ---------------------------------------------------------------------------------

ATTACHMENT_TYPES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".ppt", ".odt", ".ods", ".odp", ".rtf", ".txt", ".csv"}


@transaction.atomic
def add_attachment(*, action_update, by, name="", file=None, url=""):
    """Attach a paper to a draft or returned update: an uploaded file (kept by Django's default
    storage under MEDIA_ROOT, served only through the report's access rules) or a web address."""
    locked = _lock(action_update)
    SAVE_PLAN_UPDATE.guard(by, locked, errors=PLAN_ERRORS)
    if bool(file) == bool(url):
        raise PlanError("Attach a file or give a web address, not both" if file else "Choose the file to attach, or enter its "
                        "web address", field="file")
    if file is not None:
        extension = os.path.splitext(file.name)[1].lower()
        if extension not in ATTACHMENT_TYPES:
            raise PlanError(f"The file must be a PDF, Word, Excel, PowerPoint, OpenDocument, text or CSV file, not "
                            f"“{extension or 'no extension'}”", field="file")
        if file.size > settings.MAX_UPLOAD_BYTES:
            raise PlanError(f"The file must be smaller than {settings.MAX_UPLOAD_BYTES / 1024 / 1024:.0f} MB", field="file")
    name = (name or "").strip() or (os.path.basename(file.name) if file is not None else url)
    attachment = Attachment(action_update=locked, name=name[:300], url=url or "", uploaded_by=by)
    if file is not None:
        attachment.file.save(os.path.basename(file.name), file, save=False)
    try:
        attachment.save()
        locked.updated_by = by
        locked.version += 1
        locked.save()
    except Exception:
        if attachment.file:  # not kept: no row refers to it
            attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, attachment, by):
    """Remove a paper from a draft or returned update; its file goes once the change is committed."""
    locked = _lock(attachment.action_update)
    SAVE_PLAN_UPDATE.guard(by, locked, errors=PLAN_ERRORS)
    stored = attachment.file.name if attachment.file else ""
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))
    locked.updated_by = by
    locked.version += 1
    locked.save()
