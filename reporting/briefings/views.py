"""The briefing note for a period: read it (everyone, once issued), edit its text (coordinator),
issue it (approver), which publishes the period."""
from django.core.exceptions import PermissionDenied
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from objectives.selectors import get_period
from reporting import readers_cache, steps
from reporting.access import BRIEFINGS, PERIODS, require
from reporting.briefings import revisions
from reporting.briefings.contents import briefing_for
from reporting.briefings.forms import BriefingForm, IssueBriefingForm
from reporting.briefings.selectors import briefing_context, briefing_heading, issue_summary, suggested_attention
from reporting.risks.briefing import suggested_risks
from reporting.briefings.services import BriefingError, StaleBriefing, reissue_briefing as reissue_briefing_service, update_briefing
from reporting.briefings.services import issue_briefing as issue_briefing_service
from reporting.documents.papers import docx_response, pdf_response
from reporting.documents.pdf import pdf_available
from reporting.kept_work import keeps_work, posted_or_kept

ANNEX_PER_PAGE = 100  # KPIs to a page of the appendix; the Word document and workbook have them all


def _period_or_404(slug):
    period = get_period(slug)
    if period is None:
        raise Http404("No such reporting period")
    return period


def _refused(request, period, refused):
    """A briefing step refused: a 403 for who may never take it, else its reason on the briefing."""
    if refused.check == steps.WHO:
        raise PermissionDenied(refused.reason)
    messages.error(request, refused.reason)
    return redirect("briefing", period_slug=period.slug)


@login_required
@require_GET
def briefing(request, period_slug):
    """The briefing note, in the structure of the council's own, built from the approved data."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    period = _period_or_404(period_slug)
    note = briefing_for(period)
    PERIODS.require(request.user, period)  # a reader of some strategies only: theirs
    if not BRIEFINGS.test(request.user, note):
        return render(request, "reporting/briefings/not_issued.html", {"period": period})
    kept = briefing_content(request, period=period, user=request.user, briefing=note)
    return render(request, "reporting/briefings/briefing.html", {
        "b": briefing_heading(period=period, user=request.user, briefing=note), "period": period,
        "content": kept["html"], "synthetic_banner": kept["synthetic"],
        "pdf_available": pdf_available(),
        # Each step as reporting.steps answers it: its button, or the reason where the button would be.
        "may_edit": steps.SAVE_BRIEFING.offer(request.user, note),
        "may_issue": steps.ISSUE_BRIEFING.offer(request.user, note, complete=True),
        "history": revisions.issue_history(note),
        "may_reissue": steps.REISSUE_BRIEFING.offer(request.user, note, complete=True),
    })


def briefing_content(request, *, period, user, briefing, public=False, extra=None):
    """The briefing's sections and appendix (a page of it: ?annex=), rendered, for `user` (the public,
    on the public pages), built from the data once for everyone who may see the same
    (reporting.readers_cache). {"html", "synthetic"}."""
    annex_page = request.GET.get("annex")

    def build():
        b = briefing_context(period=period, user=user, briefing=briefing)
        context = {"b": b, "period": period, "public": public, **(extra or {}),
                   "annex": Paginator(b["kpi_annex"], ANNEX_PER_PAGE).get_page(annex_page)}
        html = render_to_string("reporting/briefings/_briefing_content.html", context, request=None if public else request)
        return {"html": mark_safe(html), "synthetic": b["synthetic"]}

    return readers_cache.kept(request, "briefing", period.pk, annex_page, public, user=user, build=build)


def _against_theirs(request, period):
    """Someone else saved first: their briefing, and the form of what this user typed, ready to save
    over theirs knowingly."""
    theirs = briefing_for(period)
    data = request.POST.copy()
    data["version"] = theirs.version if theirs.pk else 0
    return theirs, BriefingForm(data, instance=briefing_for(period))  # its own copy: validating it fills it in


@keeps_work
@login_required
@require_http_methods(["GET", "POST"])
def edit_briefing(request, period_slug):
    """The coordinator edits the briefing's own text; a new briefing starts from the last one's."""
    period = _period_or_404(period_slug)
    note = briefing_for(period)
    refused = steps.SAVE_BRIEFING.refusal(request.user, note)
    if refused is not None:
        return _refused(request, period, refused)
    errors_extra, theirs = [], None
    suggested = suggested_attention(period, briefing=note)  # the rules' lines, for the Economy Cell to edit
    risks = suggested_risks(period)  # the risk section's lines as the approved reviews stand
    if request.method == "POST":
        form = BriefingForm(request.POST, instance=note, suggested_attention=suggested, suggested_risks=risks)
        if form.is_valid():
            try:
                update_briefing(briefing=note, by=request.user, data=form.cleaned_data,
                                expected_version=form.cleaned_data["version"])
            except StaleBriefing as exc:
                theirs, form = _against_theirs(request, period)
                errors_extra = [("main-content", str(exc))]
            except BriefingError as exc:  # refused (issued meanwhile): said in the error summary, what they wrote kept
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"The briefing for {period.label} has been saved.")
                return redirect("briefing", period_slug=period.slug)
    else:
        initial = {"version": note.version if note.pk else 0}
        if not note.attention_text.strip():
            initial["attention_text"] = suggested
        if not note.risks_text.strip():
            initial["risks_text"] = risks
        form = BriefingForm(posted_or_kept(request), instance=note, initial=initial, suggested_attention=suggested,
                            suggested_risks=risks)
    return render(request, "reporting/briefings/edit.html", {
        "period": period, "briefing": note, "form": form, "errors_extra": errors_extra, "theirs": theirs,
    })


@login_required
@require_http_methods(["GET", "POST"])
def issue_briefing(request, period_slug):
    """The approver issues the briefing: the period and its approved returns are published."""
    period = _period_or_404(period_slug)
    note = briefing_for(period)
    refused = steps.ISSUE_BRIEFING.refusal(request.user, note, complete=False)  # the page explains what is not ready
    if refused is not None:  # issued a moment ago (a second click, or another approver)
        return _refused(request, period, refused)
    errors_extra = []
    form = IssueBriefingForm(initial={"version": note.version})
    if request.method == "POST":
        form = IssueBriefingForm(request.POST)
        if form.is_valid():
            try:
                issue_briefing_service(briefing=note, by=request.user, expected_version=form.cleaned_data["version"])
            except BriefingError as exc:
                errors_extra = [("main-content", str(exc))]
                form = IssueBriefingForm(initial={"version": briefing_for(period).version})
            else:
                messages.success(request, f"The briefing has been issued and {period.label} is published.")
                return redirect(reverse("briefing", kwargs={"period_slug": period.slug}))
    return render(request, "reporting/briefings/issue.html", {
        "period": period, "briefing": note, "form": form, "errors_extra": errors_extra,
        "summary": issue_summary(period),
    })


@login_required
@require_http_methods(["GET", "POST"])
def reissue_briefing(request, period_slug):
    """The approver re-issues an issued briefing once late returns have been approved: the next
    revision, the earlier one kept, the readers told."""
    period = _period_or_404(period_slug)
    note = briefing_for(period)
    refused = steps.REISSUE_BRIEFING.refusal(request.user, note, complete=False)
    if refused is not None:
        return _refused(request, period, refused)
    errors_extra = []
    if request.method == "POST":
        form = IssueBriefingForm(request.POST)
        if form.is_valid():
            try:
                done = reissue_briefing_service(briefing=note, by=request.user, expected_version=form.cleaned_data["version"])
            except revisions.ReissueError as exc:
                errors_extra = [("main-content", str(exc))]
            else:
                messages.success(request, f"The briefing for {period.label} has been re-issued as revision {done.revision}.")
                return redirect("briefing", period_slug=period.slug)
    note = briefing_for(period)
    return render(request, "reporting/briefings/reissue.html", {
        "period": period, "briefing": note, "form": IssueBriefingForm(initial={"version": note.version}),
        "errors_extra": errors_extra, "history": revisions.issue_history(note),
    })


def _revision_or_404(request, period_slug, number):
    """(period, briefing, its kept revision) for someone who may read the briefing; else 404."""
    require(request.user, "view_dashboard")
    period = _period_or_404(period_slug)
    PERIODS.require(request.user, period)
    note = briefing_for(period)
    kept = note.revisions.filter(number=number).select_related("issued_by", "paper").first() if note.pk else None
    if kept is None or not BRIEFINGS.test(request.user, note):
        raise Http404("There is no such revision of this briefing.")
    return period, note, kept


def _revision_paper_or_404(kept):
    if kept.paper is None or not kept.paper.docx:
        raise Http404("The Word document and PDF of this revision were not kept when it was issued.")
    return kept.paper


def revision_filename(period, number, extension):
    return f"ses-briefing-{period.slug}-revision-{number}.{extension}"


@login_required
@require_GET
def briefing_revision_docx(request, period_slug, number):
    """A revision's Word document, exactly as it was issued (kept when it was issued)."""
    period, _note, kept = _revision_or_404(request, period_slug, number)
    return docx_response(_revision_paper_or_404(kept), revision_filename(period, number, "docx"))


@login_required
@require_GET
def briefing_revision_pdf(request, period_slug, number):
    """A revision's PDF, made once from its Word document as issued (by the worker)."""
    period, _note, kept = _revision_or_404(request, period_slug, number)
    return pdf_response(request, _revision_paper_or_404(kept), revision_filename(period, number, "pdf"),
                        word_url=reverse("briefing-revision-docx", args=[period.slug, number]),
                        back_url=reverse("briefing-revision", args=[period.slug, number]))


@login_required
@require_GET
def briefing_revision(request, period_slug, number):
    """A revision of an issued briefing, as it was issued: its Word document and PDF as issued, and
    its text and statuses."""
    period, note, kept = _revision_or_404(request, period_slug, number)
    return render(request, "reporting/briefings/revision.html", {
        "period": period, "briefing": note, "kept": kept, "snapshot": kept.snapshot,
        "has_paper": kept.paper is not None and bool(kept.paper.docx),
        "text": [(name, revisions.paragraphs(kept.snapshot["text"].get(name, ""))) for name in ("purpose", "recommendations", "background")],
    })
