"""The risk register report as a kept paper (reporting.documents.papers): the same report for
everyone who may read it (approved reviews only), so it is kept by its content, its PDF made by the
worker (`manage.py make_papers`), never in a request. Kept whenever a review is approved into it or
its cover is saved, so that the PDF is usually made before the committee asks."""
from django.db import transaction

from reporting.documents import papers
from reporting.documents.models import Paper
from reporting.risks.docx import build_risk_report_docx
from reporting.risks.report import risk_report_contents


def keep_report(period):
    """Keep the period's risk register report as its readers download it (its PDF queued)."""
    report = risk_report_contents(period)
    return papers.keep(docx=build_risk_report_docx(report), kind=Paper.Kind.REPORT, title=report.title)


def keep_when_changed(period):
    """Keep the report once the change has committed (called inside the change's transaction)."""
    transaction.on_commit(lambda: keep_report(period))
