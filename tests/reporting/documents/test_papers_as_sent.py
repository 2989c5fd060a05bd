"""The papers a democratic services officer sends unedited (issue 27): the committee report and the
briefing note as LibreOffice prints them (converted once a session, tests/reporting/documents/
conftest.py), read with poppler's tools, and their Word documents: no note of ours about an
attachment, nothing inferred printed as fact, the paper's own dates (Word and PDF), lists spaced as
Word spaces them, the referral figures as the table they are, no heading or status line stranded
from its text, and page numbers under a council's own footer that has none."""
import datetime
import io
import re

import docx
import pytest
from django.core.files.base import ContentFile
from docx.oxml.ns import qn
from docx.shared import Pt

from reporting.documents.base import default_template_bytes
from reporting.documents.pdf import convert_to_pdf, dated_pdf, document_date
from reporting.models import DocumentTemplate

pytestmark = pytest.mark.usefixtures("demo_users")

REPORT_TITLE = "Action Plan for Employment – update at December 2017"
REFERRALS = [("MSIF loan finance", "25"), ("New markets", "41"), ("Premises", "22"), ("Skills for Growth", "7"),
             ("Start up", "91"), ("Trade/export", "5"), ("International Business Festival 2018", "10")]


def flat(text):
    return " ".join(text.replace("\u00a0", " ").split())


def body_paragraphs(document):
    return [p for p in document.paragraphs if p.text.strip()]


# -- the committee report -------------------------------------------------------------------------


def test_the_report_prints_no_note_of_ours_about_an_attachment(papers):
    text = flat(papers["report"].text())
    assert "not available" not in text
    assert "mrg september 17 minutes.docx" in text  # named as the paper names it


def test_an_inferred_committee_is_never_printed_as_fact(papers):
    text = flat(papers["report"].text())
    assert "Report to" not in text


def test_the_reports_dates_are_its_own_in_the_word_document_and_the_pdf(papers):
    paper = papers["report"]
    properties = docx.Document(io.BytesIO(paper.source)).core_properties
    assert properties.created.date() == datetime.date(2017, 12, 31)  # its as-at date: it names no meeting date
    assert properties.modified.date() == datetime.date(2017, 12, 31)
    assert re.search(rb"/CreationDate\s*\(D:20171231", paper.pdf)
    assert "Dec 31 12:00:00 2017" in paper.info["CreationDate"]


def test_a_list_is_spaced_from_the_paragraph_after_it_as_word_spaces_it(papers):
    document = docx.Document(io.BytesIO(papers["report"].source))
    normal_after = document.styles["Normal"].paragraph_format.space_after
    paragraphs = body_paragraphs(document)
    last_items = [p for p, following in zip(paragraphs, paragraphs[1:])
                  if p.style.name == "List Paragraph" and following.style.name != "List Paragraph"]
    assert len(last_items) > 3
    for item in last_items:
        assert item.paragraph_format.space_after is not None and item.paragraph_format.space_after >= max(normal_after, Pt(6))
    benefit = next(p for p in paragraphs if p.text.endswith("and local economic benefit"))
    assert benefit.paragraph_format.space_after >= Pt(6)


def test_the_referral_figures_are_a_two_column_table_as_in_the_paper(papers):
    document = docx.Document(io.BytesIO(papers["report"].source))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    referral = [rows for rows in tables if rows[1:] and rows[1][0] == "MSIF loan finance"]
    assert len(referral) == 1
    assert [tuple(row) for row in referral[0][1:]] == REFERRALS and len(referral[0][0]) == 2
    assert not any(p.text == "MSIF loan finance 25" for p in document.paragraphs)
    pages = "\n".join(papers["report"].pages())
    assert re.search(r"MSIF loan finance\s+25\n", pages)  # the two columns side by side in the PDF


def test_the_first_deliverable_is_inside_the_list_it_heads(papers):
    document = docx.Document(io.BytesIO(papers["report"].source))
    paragraphs = body_paragraphs(document)
    first = next(i for i, p in enumerate(paragraphs) if p.text.startswith("1,500 business engaged directly"))
    following = paragraphs[first + 1]
    assert following.text.startswith("Helping to secure, attract or create over 1,532")

    def list_id(paragraph):
        num_pr = paragraph._p.pPr.find(qn("w:numPr")) if paragraph._p.pPr is not None else None
        return None if num_pr is None else num_pr.find(qn("w:numId")).get(qn("w:val"))

    assert list_id(paragraphs[first]) is not None and list_id(paragraphs[first]) == list_id(following)


# -- the briefing note ----------------------------------------------------------------------------


def test_no_heading_or_status_line_is_stranded_from_its_commentary(papers):
    """Each area's heading, its "Overall status" line and the first line of its commentary on one page
    (as loaded, "Employment and access to work / Overall status: Green" fell at the foot of page 2)."""
    document = docx.Document(io.BytesIO(papers["briefing"].source))
    paragraphs = body_paragraphs(document)
    pages = [flat(page) for page in papers["briefing"].pages()]
    areas, stranded = [], []
    for i, paragraph in enumerate(paragraphs[:-2]):
        if not paragraph.style.name.startswith("Heading 2") or not paragraphs[i + 1].text.startswith("Overall status"):
            continue
        areas.append(paragraph)
        first_words = " ".join(paragraphs[i + 2].text.split()[:4])
        heading = flat(paragraph.text) + " Overall status"  # the heading and its status line, as printed
        on = [n for n, page in enumerate(pages) if heading in page and first_words in page[page.index(heading):]]
        if len(on) != 1:
            stranded.append(paragraph.text)
    assert len(areas) >= 10 and stranded == []
    for heading in areas:  # kept with what follows in the document itself, whatever the template's styles
        status = heading._p.getnext()
        assert heading.paragraph_format.keep_with_next and status.pPr.keepNext is not None


def test_a_briefing_without_a_date_gives_a_pdf_without_one(papers):
    assert document_date(papers["briefing"].source) is None
    assert b"/CreationDate" not in papers["briefing"].pdf
    assert "CreationDate" not in papers["briefing"].info


def test_the_pdfs_date_is_replaced_in_place():
    made = b"1 0 obj\n<</Producer(x)\n/CreationDate(D:20261207124951Z')>>\nendobj\n"
    when = datetime.datetime(2017, 12, 31, 12, tzinfo=datetime.timezone.utc)
    assert dated_pdf(made, when) == made.replace(b"20261207124951", b"20171231120000")
    assert len(dated_pdf(made, None)) == len(made) and b"CreationDate" not in dated_pdf(made, None)


# -- a council's own footer without page numbers ------------------------------------------------------


def footer_only_template(footer_text="Testshire Council – Civic Centre, Testshire TE1 1ST"):
    """A council's template with a footer of its own (an address) and no page number in it."""
    document = docx.Document(io.BytesIO(default_template_bytes()))
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = footer_text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_council_footer_without_page_numbers_gets_them_and_one_with_them_keeps_its_own(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    template = DocumentTemplate(name="Testshire footer")
    template.file.save("testshire.docx", ContentFile(footer_only_template()), save=False)
    template.save()
    response = client_for("scrutiny").get("/action-plans/employment/reports/2017-12/report.docx")
    footer = docx.Document(io.BytesIO(response.content)).sections[-1].footer
    assert footer.paragraphs[0].text == "Testshire Council – Civic Centre, Testshire TE1 1ST"  # the council's kept
    assert " PAGE " in footer._element.xml and " NUMPAGES " in footer._element.xml

    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(convert_to_pdf(response.content))
        handle.flush()
        pages = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]
    assert len(pages) > 3
    for n, page in enumerate(pages, start=1):
        assert "Testshire Council – Civic Centre" in page and f"Page {n} of {len(pages)}" in page

    # A footer that numbers its pages already keeps its own, and gets no second number.
    numbered = docx.Document(io.BytesIO(response.content))
    template.file.save("testshire-numbered.docx", ContentFile(response.content), save=False)
    template.save()
    again = docx.Document(io.BytesIO(client_for("scrutiny").get("/action-plans/employment/reports/2017-12/report.docx").content))
    assert again.sections[-1].footer._element.xml.count(" PAGE ") == numbered.sections[-1].footer._element.xml.count(" PAGE ") == 1
