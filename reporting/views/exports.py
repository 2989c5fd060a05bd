"""The briefing pack as files: the workbook (.xlsx), the note (.docx), and returns back from Excel."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from objectives.permissions import require
from objectives.selectors import get_period
from reporting.selectors.briefing import briefing_context
from reporting.services.briefing_docx import DOCX_CONTENT_TYPE, briefing_docx_bytes
from reporting.services.workbook import XLSX_CONTENT_TYPE, briefing_filename, export_briefing_workbook


def _period_or_404(slug):
    period = get_period(slug)
    if period is None:
        raise Http404("There is no such reporting period.")
    return period


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def briefing_xlsx(request, period_slug):
    """The briefing workbook for a period, holding what this user may see (readers: approved only)."""
    period = _period_or_404(period_slug)
    require(request.user, "export_workbook", period)
    content = export_briefing_workbook(period=period, user=request.user)
    return _download(content, XLSX_CONTENT_TYPE, briefing_filename(period, "xlsx"))


@login_required
@require_GET
def briefing_docx(request, period_slug):
    """The briefing note as a Word document: the same content and order as the briefing page."""
    period = _period_or_404(period_slug)
    require(request.user, "export_workbook", period)
    context = briefing_context(period=period, user=request.user)  # refuses a draft briefing to readers
    return _download(briefing_docx_bytes(context), DOCX_CONTENT_TYPE, briefing_filename(period, "docx"))
