"""The seed papers as the product writes them, each built once and converted to PDF once per
session by the real LibreOffice (reporting.documents.pdf), for the tests that read them as a
council officer would: page size, pages, header and footer, fonts, language, words, headings."""
import datetime
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from reporting.documents.pdf import convert_to_pdf, pdf_available


@dataclass
class Converted:
    name: str
    source: bytes  # the .docx or .xlsx
    pdf: bytes
    path: Path  # the PDF on disk, for poppler's tools

    def run(self, tool, *options):
        """The output of one of poppler's tools (pdfinfo, pdffonts, pdftotext) on the PDF."""
        command = [tool, *options, str(self.path)] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout

    @property
    def info(self):
        return dict(re.findall(r"^([^:]+):\s*(.*)$", self.run("pdfinfo"), flags=re.M))

    def text(self, *options):
        return self.run("pdftotext", *options)

    def page_sizes(self):
        """(width, height) in points of every page."""
        pages = int(self.info["Pages"])
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", self.run("pdfinfo", "-f", "1", "-l", str(pages)))
        return [(float(w), float(h)) for w, h in sizes]

    def pages(self):
        """The text of each page."""
        return self.text("-layout").split("\f")[:-1]

    def fonts(self):
        """The family of each font the PDF embeds: 'LiberationSans' for 'BAAAAA+LiberationSans-Bold'."""
        lines = self.run("pdffonts").splitlines()[2:]
        return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in lines if line.strip()}

    def words_with_boxes(self):
        """[(page, xMin, yMin, xMax, yMax, word)] from pdftotext -bbox."""
        found, page = [], 0
        for line in self.text("-bbox").splitlines():
            if "<page " in line:
                page += 1
            match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
            if match:
                found.append((page, *map(float, match.groups()[:4]), match.group(5)))
        return found


@pytest.fixture(scope="session")
def papers(django_db_setup, django_db_blocker, tmp_path_factory):
    """{name: Converted} for the Q1 2023/24 briefing note (as loaded, and with both optional parts
    included), the December 2017 committee report, the Q1 briefing workbook and the Q2 return
    template, built as the download views build them, for the users who would download them."""
    if not pdf_available():
        pytest.fail("LibreOffice (soffice) is not installed: run `make test`, which installs Debian's "
                    "libreoffice-writer-nogui, libreoffice-calc-nogui and poppler-utils.")
    from django.contrib.auth import get_user_model

    from objectives.models import ReportingPeriod
    from reporting.briefings.contents import briefing_for
    from reporting.briefings.docx import briefing_docx_bytes
    from reporting.briefings.selectors import briefing_context
    from reporting.models import PlanUpdate
    from reporting.plans.docx import build_report_docx
    from reporting.plans.report import report_contents
    from reporting.workbooks.export import export_briefing_workbook
    from reporting.workbooks.template import return_template_bytes

    from django.db import transaction

    folder = tmp_path_factory.mktemp("papers")
    # Inside a transaction rolled back at the end: outside any test's own transaction, whatever making
    # the papers writes would stay in the session's data for every later test.
    with django_db_blocker.unblock(), transaction.atomic():
        users = {u.username: u for u in get_user_model().objects.filter(username__in=["cabinet", "coordinator"])}
        assert len(users) == 2, "the papers need the Sefton data and the demo users"
        q1, q2 = ReportingPeriod.objects.get(slug="2023-24-q1"), ReportingPeriod.objects.get(slug="2023-24-q2")
        full = briefing_for(q1)
        full.include_what_changed = full.include_kpi_appendix = True  # not saved: the session's data stays as loaded
        sources = {
            "briefing": (briefing_docx_bytes(briefing_context(period=q1, user=users["cabinet"])), ".docx"),
            "briefing-full": (briefing_docx_bytes(briefing_context(period=q1, user=users["cabinet"], briefing=full)),
                              ".docx"),
            "report": (build_report_docx(report_contents(PlanUpdate.objects.get(plan__slug="employment", slug="2017-12"))),
                       ".docx"),
            "workbook": (export_briefing_workbook(period=q1, user=users["cabinet"]), ".xlsx"),
            "template": (return_template_bytes(period=q2, user=users["coordinator"],
                                               now=datetime.datetime(2023, 8, 1, tzinfo=datetime.timezone.utc)), ".xlsx"),
        }
        transaction.set_rollback(True)
    converted = {}
    for name, (content, suffix) in sources.items():
        (folder / f"{name}{suffix}").write_bytes(content)
        pdf = convert_to_pdf(content, suffix=suffix)
        path = folder / f"{name}.pdf"
        path.write_bytes(pdf)
        converted[name] = Converted(name, content, pdf, path)
    return converted
