"""The risk register report for the Audit / Governance committee: its page, Word document and PDF
(the kept paper: never LibreOffice in a request), and the Economy Cell's cover. Each view checks
who may read it, then calls one selector (reads) or one service (writes)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.access import PERIODS, can, require
from reporting.documents.papers import docx_response, keep, pdf_response
from reporting.documents.pdf import pdf_available
from reporting.risks import covers
from reporting.risks.docx import build_risk_report_docx, risk_report_filename
from reporting.risks.report import cover_of, risk_report_contents
from reporting.risks.report_forms import RiskReportCoverForm


def _period(user, strategy, period):
    require(user, "view_dashboard")
    found = ReportingPeriod.objects.select_related("strategy").filter(strategy__slug=strategy, slug=period).first()
    if found is None:
        raise Http404("There is no reporting period at this address.")
    PERIODS.require(user, found)
    return found


def _kept(found):
    report = risk_report_contents(found)
    return report, keep(docx=build_risk_report_docx(report), kind="report", title=report.title)


@login_required
def risk_report(request, strategy, period):
    """The report as a page: the same contents as its Word document and PDF."""
    found = _period(request.user, strategy, period)
    return render(request, "reporting/risks/report.html", {
        "report": risk_report_contents(found), "period": found, "strategy": found.strategy,
        "may_edit_cover": can(request.user, "manage_risks", found.strategy), "pdf_available": pdf_available(),
    })


@login_required
def risk_report_docx(request, strategy, period):
    """The same report as a Word document (the kept paper's)."""
    report, paper = _kept(_period(request.user, strategy, period))
    return docx_response(paper, risk_report_filename(report))


@login_required
def risk_report_pdf(request, strategy, period):
    """The same report as a PDF: the kept one, made by the worker; until then a page saying so."""
    found = _period(request.user, strategy, period)
    report, paper = _kept(found)
    return pdf_response(request, paper, risk_report_filename(report, "pdf"),
                        word_url=reverse("risk-report-docx", args=[strategy, period]),
                        back_url=reverse("risk-report", args=[strategy, period]))


@login_required
def risk_report_cover(request, strategy, period):
    """The Economy Cell edits the report's cover, and chooses whether it includes the exempt risks."""
    found = _period(request.user, strategy, period)
    require(request.user, "manage_risks", found.strategy)
    cover = cover_of(found)
    back = reverse("risk-report", args=[strategy, period])
    if request.method == "POST":
        form = RiskReportCoverForm(request.POST, instance=cover)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in covers.COVER_FIELDS}
            try:
                covers.save_cover(period=found, by=request.user, version=form.cleaned_data["version"], **data)
            except covers.StaleCover as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The report's cover has been saved.")
                return redirect(back)
    else:
        form = RiskReportCoverForm(instance=cover, initial={"version": cover.version if cover.pk else 0})
    return render(request, "reporting/risks/report_cover.html", {"form": form, "period": found, "back_url": back})
