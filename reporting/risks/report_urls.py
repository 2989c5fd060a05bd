"""The risk register report's addresses (reporting.risks.report_views), joined in reporting.urls."""
from django.urls import path

from reporting.risks import report_views

REPORT = "risk-reports/<slug:strategy>/<slug:period>/"

urlpatterns = [
    path(REPORT, report_views.risk_report, name="risk-report"),
    path(REPORT + "report.docx", report_views.risk_report_docx, name="risk-report-docx"),
    path(REPORT + "report.pdf", report_views.risk_report_pdf, name="risk-report-pdf"),
    path(REPORT + "cover/", report_views.risk_report_cover, name="risk-report-cover"),
]
