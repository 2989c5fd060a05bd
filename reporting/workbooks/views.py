"""The briefing pack as files: the workbook (.xlsx), the note (.docx), and returns back from Excel."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from objectives.selectors import get_period
from objectives.strategies import chosen_strategy
from reporting.access import PERIODS, can, require
from reporting.briefings.docx import DOCX_CONTENT_TYPE, briefing_docx_bytes
from reporting.briefings.selectors import briefing_context
from reporting.documents.pdf import pdf_available
from reporting.briefings.contents import briefing_for
from reporting.briefings.papers import kept_readers_paper, paper_of
from reporting.documents.papers import docx_response, pdf_response
from reporting.documents.responses import download
from reporting.workbooks.cells import XLSX_CONTENT_TYPE
from reporting.workbooks.export import briefing_filename, export_briefing_workbook
from reporting.workbooks.forms import ConfirmImportForm, ImportWorkbookForm
from reporting.workbooks.imports import apply_import, preview_import, unsign_plan
from reporting.workbooks.safety import ImportRefused
from reporting.workbooks.selectors import export_periods
from reporting.workbooks.template import NothingToFill, return_template_bytes, template_filename


def _period_or_404(slug):
    period = get_period(slug)
    if period is None:
        raise Http404("There is no such reporting period.")
    return period


_download = download


@login_required
@require_GET
def index(request):
    """Each period's briefing workbook and note, and (for the Economy Cell) the return template and import."""
    require(request.user, "export_workbook")
    strategy = chosen_strategy(request)
    return render(request, "reporting/workbooks/index.html", {"rows": export_periods(request.user, strategy),
                                                               "pdf_available": pdf_available(),
                                                               "may_onboard": can(request.user, "onboard_strategy"),
                                                               "risk_register_strategy": strategy if strategy is not None
                                                               and can(request.user, "manage_risks") else None,
                                                               "may_import_benchmarks": can(request.user, "import_benchmarks")})


@login_required
@require_GET
def briefing_xlsx(request, period_slug):
    """The briefing workbook for a period, holding what this user may see (readers: approved only)."""
    period = _period_or_404(period_slug)
    require(request.user, "export_workbook", period)
    PERIODS.require(request.user, period)  # a reader of some strategies only: theirs
    content = export_briefing_workbook(period=period, user=request.user)
    return _download(content, XLSX_CONTENT_TYPE, briefing_filename(period, "xlsx"))


@login_required
@require_GET
def briefing_docx(request, period_slug):
    """The briefing note as a Word document: the same content and order as the briefing page (a
    reader of the issued note is given the readers' kept one)."""
    period = _period_or_404(period_slug)
    require(request.user, "export_workbook", period)
    PERIODS.require(request.user, period)  # a reader of some strategies only: theirs
    kept = kept_readers_paper(request.user, briefing_for(period))
    if kept is not None and kept.docx:
        return docx_response(kept, briefing_filename(period, "docx"))
    context = briefing_context(period=period, user=request.user)  # refuses a draft briefing to readers
    return _download(briefing_docx_bytes(context), DOCX_CONTENT_TYPE, briefing_filename(period, "docx"))


@login_required
@require_GET
def briefing_pdf(request, period_slug):
    """The briefing note as a PDF (tagged, A4): the kept one, made from its Word document once by the
    worker (reporting.documents.papers); until then a page saying it is being prepared."""
    period = _period_or_404(period_slug)
    require(request.user, "export_workbook", period)
    PERIODS.require(request.user, period)  # a reader of some strategies only: theirs
    paper = paper_of(request.user, period)  # refuses a draft briefing to readers
    return pdf_response(request, paper, briefing_filename(period, "pdf"),
                        word_url=reverse("briefing-docx", args=[period.slug]), back_url=reverse("briefing", args=[period.slug]))


@login_required
@require_GET
def return_template(request, period_slug):
    """The return template: every return of the period this user may fill in, ready to fill offline."""
    period = _period_or_404(period_slug)
    require(request.user, "import_returns", period)
    try:
        content = return_template_bytes(period=period, user=request.user)
    except NothingToFill as exc:
        messages.warning(request, str(exc))
        return redirect("import-returns", period.slug)
    return _download(content, XLSX_CONTENT_TYPE, template_filename(period))


def _import_page(request, period, form, status=200):
    return render(request, "reporting/workbooks/import.html", {"period": period, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_returns(request, period_slug):
    """Upload a filled-in workbook; show every change it would make before anything is saved."""
    period = _period_or_404(period_slug)
    require(request.user, "import_returns", period)
    if request.method == "GET":
        return _import_page(request, period, ImportWorkbookForm())
    form = ImportWorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, period, form)
    try:
        preview = preview_import(period=period, user=request.user, content=form.content(),
                                 filename=form.cleaned_data["workbook"].name)
    except ImportRefused as exc:
        return _import_page(request, period, ImportWorkbookForm.with_problems(exc.messages, form))
    confirm = ConfirmImportForm(initial={"plan": preview.token(request.user)})
    return render(request, "reporting/workbooks/import_preview.html",
                  {"period": period, "preview": preview, "confirm_form": confirm,
                   "filename": form.cleaned_data["workbook"].name})


@login_required
@require_POST
def import_returns_confirm(request, period_slug):
    """Save a previewed import in one transaction: every change, or none."""
    period = _period_or_404(period_slug)
    require(request.user, "import_returns", period)
    form = ConfirmImportForm(request.POST)
    try:
        if not form.is_valid():
            raise ImportRefused([form.errors["plan"][0]])
        result = apply_import(period=period, user=request.user, plan=unsign_plan(form.cleaned_data["plan"], request.user))
    except ImportRefused as exc:
        return _import_page(request, period, ImportWorkbookForm.with_problems(exc.messages))
    names = ", ".join(r.sub_strand.name for r in result.returns)
    messages.success(
        request,
        f"Saved {result.cells:,} changed {'cell' if result.cells == 1 else 'cells'} to {len(result.returns)} "
        f"{'return' if len(result.returns) == 1 else 'returns'} ({names}). They are still drafts: submit each from its page.",
    )
    return redirect("import-returns", period.slug)
