"""The committee report as a kept paper (reporting.documents.papers): kept whenever what it says
changes (an update approved into it, its cover saved), so that its PDF is made by the worker
(`manage.py make_papers`) before the committee asks, and every reader is served it as kept. The
report is the same for everyone who may read it (approved updates only), so it is kept by its
content: the same report asked for again is the same paper."""
from django.db import transaction

from reporting.documents import papers
from reporting.documents.models import Paper
from reporting.plans.docx import build_report_docx
from reporting.plans.report import report_contents


def keep_report(plan_update):
    """Keep the round's committee report as its readers download it (its PDF queued)."""
    return papers.keep(docx=build_report_docx(report_contents(plan_update)), kind=Paper.Kind.REPORT, title=plan_update.title)


def keep_when_changed(plan_update):
    """Keep the report once the change has committed (called inside the change's transaction)."""
    transaction.on_commit(lambda: keep_report(plan_update))
