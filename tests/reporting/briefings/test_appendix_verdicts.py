"""The briefing's KPI appendix (page, Word, and so its PDF) says each KPI's forecast at the year's end,
variation and assurance, from the approved figures only: a draft never moves them, whoever reads."""
import re

from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.briefings.docx import build_briefing_docx
from reporting.briefings.selectors import briefing_context
from reporting.models import Briefing
from tests.factories import UserFactory
from tests.reporting.dashboard.test_kpi_table_verdicts import login, planted  # noqa: F401 (a fixture)
from objectives.roles import Role


def issued(period):
    return Briefing.objects.create(period=period, purpose="P", recommendations="R", state="issued", include_kpi_appendix=True)


def annex_rows(document):
    table = document.tables[-1]
    head = [c.text for c in table.rows[0].cells]
    return {r.cells[0].text.split()[0]: dict(zip(head, [c.text for c in r.cells])) for r in table.rows[1:]}


def test_the_word_appendix_says_the_forecast_variation_and_assurance_in_words(planted):  # noqa: F811
    period = ReportingPeriod.objects.filter(strategy=planted.objective.strategy).order_by("-financial_year", "-number")[0]
    issued(period)
    for role in (Role.READER, Role.COORDINATOR):  # a briefing reports approved figures, whoever reads it
        rows = annex_rows(build_briefing_docx(briefing_context(period=period, user=UserFactory(role=role))))
        assert rows["K-CON"]["Variation and assurance"] == "Special cause: concerning\nHit or miss"
        assert [line.strip() for line in rows["K-CON"]["RAG now and forecast at year end"].replace("\xa0", " ").split("\n")] == [
            "Red", "Forecast at year end: Red (computed projection)"]
        assert rows["K-IMP"]["Variation and assurance"] == "Special cause: improving\nConsistently passing"
        assert rows["K-FLAT"]["Variation and assurance"] == "Common cause\nConsistently failing"
        assert rows["K-CTX"]["Variation and assurance"] == "Special cause: improving\n–"
        assert rows["K-CTX"]["RAG now and forecast at year end"].endswith("Forecast at year end: Contextual: not rated")
        assert rows["K-DRAFT"]["Variation and assurance"].startswith("Common cause")  # its draft figure moves nothing


def test_the_appendix_page_draws_the_icons_beside_the_same_words(planted):  # noqa: F811
    period = ReportingPeriod.objects.filter(strategy=planted.objective.strategy).order_by("-financial_year", "-number")[0]
    issued(period)
    html = login(Role.READER).get(reverse("briefing", args=[period.slug])).content.decode()
    annex = html[html.index('id="kpi-annex"'):html.index("</table>", html.index('id="kpi-annex"'))]
    row = next(r for r in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', annex, re.S) if ">K-CON<" in r)
    assert re.search(r'<svg[^>]*aria-hidden="true".*?</svg><span class="app-mdc__words">Special cause: concerning</span>', row, re.S)
    assert '<span class="app-mdc__words">Hit or miss</span>' in row


def test_the_pdf_appendix_says_the_verdicts_and_breaks_no_word(planted, tmp_path):  # noqa: F811
    """The PDF is LibreOffice's of the Word document (reporting.documents.pdf): the real converter."""
    import subprocess

    from reporting.briefings.docx import briefing_docx_bytes
    from reporting.documents.pdf import convert_to_pdf

    period = ReportingPeriod.objects.filter(strategy=planted.objective.strategy).order_by("-financial_year", "-number")[0]
    issued(period)
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(convert_to_pdf(briefing_docx_bytes(briefing_context(period=period, user=UserFactory(role=Role.READER)))))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout.split())
    for words_ in ("Special cause: concerning", "Consistently passing", "Consistently failing", "Hit or miss",
                   "Forecast at year end: Red (computed projection)", "Variation and assurance"):
        assert words_ in text, words_
