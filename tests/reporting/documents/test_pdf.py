"""Every document as its reader gets it: converted to PDF by the real LibreOffice (once a session,
tests/reporting/documents/conftest.py), then read with poppler's tools, beside the seed papers in
fixtures/sources/. Done when of issue 15."""
import datetime
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings

from objectives.selectors import council_name
from tests.reporting.document_text import docx_blocks
from tests.reporting.plans.test_plan_report import REPORTED, SEED_HEADINGS as REPORT_HEADINGS, seed_recommendations

pytestmark = pytest.mark.usefixtures("demo_users")  # the session's data is loaded before the papers are made

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
BRIEFING_SEED = (SOURCES / "ses-q1-2023-24-briefing-note.txt").read_text(encoding="utf-8")
REPORT_SEED = (SOURCES / "employment-action-plan-update-dec-2017.txt").read_text(encoding="utf-8")
A4 = (595.3, 841.9)
TITLE = "Sefton Economic Strategy Action Plan 2023/24 – Quarter 1 progress"
# The seed's headings, in its order, as its text gives them (section 6's areas included).
BRIEFING_HEADINGS = [
    "1.0 Purpose of Briefing Note", "2.0 Recommendations", "3. Background", "4 Governance & reporting",
    "5. Progress to date", "6. Quarter 1 April-June 2023 performance summary",
    "Business Growth & Investment", "Employment and access to work",
    "Regenerated Places- Growth & Strategic Investment Programme", "Regenerated Places- Housing",
    "Regenerated Places- Planning", "Regenerated Places- Tourism", "Social Inclusion- Equality& Diversity",
    "Social Inclusion-Sustainable Travel", "Social Inclusion- Net Zero/Low Carbon", "Social Inclusion- Health & Wellbeing",
    "Social Inclusion-Digital",
]
INTERNAL_NOTES = [re.compile(r"inferred", re.I), re.compile(r'Example\s+"\(TBC\)"'), re.compile(r"reconstructed", re.I)]


def norm(text):
    """Text to compare: no whitespace and no hyphens or dashes (pdftotext joins a word broken at its
    hyphen at the end of a line; the seed writes "Places- Housing" where the note has "Places –
    Housing"), and no colon after "Overall status"."""
    text = re.sub(r"[\s\-–—]+", "", text.replace("\u00a0", " "))
    return text.replace("Overallstatus:", "Overallstatus").replace("OverallStatus", "Overallstatus")


def in_order(text, phrases):
    positions, last = [], -1
    for phrase in phrases:
        at = text.find(phrase, last + 1)
        assert at > last, f"{phrase!r} missing or out of order"
        positions.append(at)
        last = at
    return positions


def body_text(paper, title):
    """The PDF's text without its running header (the council and the title) and footer."""
    kept = []
    for page in paper.text().split("\f"):
        for line in page.splitlines():
            if line.strip() in {council_name(), title} or re.fullmatch(r"Page \d+ of \d+", line.strip()):
                continue
            kept.append(line)
    return "\n".join(kept)


def tokens(text):
    return re.findall(r"[\w’']+", text)


def words_of_source(paper):
    """Every word of the .docx (body, tables, header and footer), with each hyphenated word also
    written whole, as pdftotext joins a word broken at its hyphen at the end of a line."""
    document = docx.Document(io.BytesIO(paper.source))
    text = "\n".join(docx_blocks(document))
    section = document.sections[-1]
    text += " " + " ".join(p.text for p in section.header.paragraphs + section.footer.paragraphs)
    found = set(tokens(text))
    found |= {"".join(parts) for parts in re.findall(r"([\w’']+)-\s*([\w’']+)", text)}
    return found


# -- the briefing note ----------------------------------------------------------------------------


def test_the_briefing_note_is_a4_within_eight_pages_tagged_with_its_title_and_language(papers):
    paper = papers["briefing"]
    sizes = paper.page_sizes()
    assert 1 < len(sizes) <= 8
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes)
    assert paper.info["Tagged"] == "yes"
    assert paper.info["Title"] == TITLE
    assert re.search(rb"/Lang\s*\(en-GB\)", paper.pdf)


@pytest.mark.parametrize("name", ["briefing", "briefing-full", "report"])
def test_every_page_has_the_header_and_page_x_of_y(papers, name):
    paper = papers[name]
    pages = paper.text("-layout").split("\f")[:-1]
    title = TITLE if name.startswith("briefing") else "Action Plan for Employment – update at December 2017"
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0].startswith(council_name()) and lines[0].endswith(title), (name, number, lines[0])
        assert lines[-1] == f"Page {number} of {len(pages)}", (name, number, lines[-1])


@pytest.mark.parametrize("name", ["workbook", "template"])
def test_every_printed_page_of_a_workbook_has_the_council_and_page_x_of_y(papers, name):
    pages = papers[name].text("-layout").split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0].startswith(council_name()), (name, number, lines[0])
        assert lines[-1].endswith(f"Page {number} of {len(pages)}"), (name, number, lines[-1])


@pytest.mark.parametrize("name", ["briefing", "briefing-full", "report", "workbook", "template"])
def test_one_font_family_and_no_internal_notes(papers, name):
    paper = papers[name]
    assert paper.fonts() == {"LiberationSans"}, paper.fonts()  # Arial, as LibreOffice draws it
    text = paper.text()
    for pattern in INTERNAL_NOTES:
        assert not pattern.search(text), (name, pattern.pattern)


@pytest.mark.parametrize("name", ["briefing", "briefing-full", "report"])
def test_no_word_is_broken_inside_a_table_cell_or_anywhere(papers, name):
    paper = papers[name]
    known = words_of_source(paper)
    broken = [w for w in tokens(paper.text()) if w not in known and not w.isdigit()]
    assert broken == [], broken[:20]


def test_the_briefing_reads_section_by_section_in_the_papers_order(papers):
    text = norm(body_text(papers["briefing"], TITLE))
    seed = norm(BRIEFING_SEED)
    in_order(seed, [norm(h) for h in BRIEFING_HEADINGS])
    ours = [norm(h) for h in BRIEFING_HEADINGS]
    positions = in_order(text, ours)
    seed_positions = in_order(seed, ours)
    # Each section's words between its heading and the next are the seed's (tables aside, which the
    # seed's text has lost): sections 1.0 to 3, and every area of section 6.
    for i in [0, 1, *range(6, len(ours))]:
        end = positions[i + 1] if i + 1 < len(ours) else len(text)
        seed_end = seed_positions[i + 1] if i + 1 < len(ours) else len(seed)
        assert text[positions[i]:end] == seed[seed_positions[i]:seed_end], BRIEFING_HEADINGS[i]
    background = text[positions[2]:positions[3]]
    assert background == seed[seed_positions[2]:seed_positions[3]]


def test_the_briefing_carries_no_date_from_the_day_it_was_made(papers):
    text = " ".join(papers["briefing"].text().split())
    today = datetime.date.today()
    assert "Issued on" not in text
    assert f"{today.day} {today:%B %Y}" not in text and f"{today:%B %Y}" not in text
    assert "No previous status" not in text
    document = docx.Document(io.BytesIO(papers["briefing"].source))
    assert "dcterms:created" not in document.core_properties._element.xml


def test_the_optional_parts_follow_the_summary_and_stay_readable(papers):
    paper = papers["briefing-full"]
    text = paper.text()
    in_order(text, ["6. Quarter 1 April–June 2023 performance summary", "7. What changed this quarter",
                    "Appendix: Key Performance Indicators"])
    assert "No figure reported" not in text and "Not rated" in text
    assert len(paper.page_sizes()) <= 9


# -- the committee report -------------------------------------------------------------------------


def test_the_committee_report_is_a4_with_the_papers_headings_in_order(papers):
    paper = papers["report"]
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in paper.page_sizes())
    assert paper.info["Tagged"] == "yes" and re.search(rb"/Lang\s*\(en-GB\)", paper.pdf)
    text = norm(body_text(paper, "Action Plan for Employment – update at December 2017"))
    in_order(norm(REPORT_SEED), [norm(h) for h in REPORT_HEADINGS])
    in_order(text, [norm(h) for h in REPORT_HEADINGS])


def test_each_recommendation_once_the_referral_breakdown_once_and_no_invented_tables(papers):
    paper = papers["report"]
    text = norm(body_text(paper, "Action Plan for Employment – update at December 2017"))
    positions = []
    for number, (wording, _) in seed_recommendations().items():
        numbered = norm(f"({number}) {wording}")
        assert text.count(numbered) == 1, number
        positions.append(text.index(numbered))
    assert positions == sorted(positions) and len(positions) == len(REPORTED)
    assert text.count("MSIFloanfinance25") == 1
    assert text.count(norm("International Business Festival 2018 10")) == 1
    for invented in ("Outputfigures", "1apprentices", "Seethebreakdownbelow", "Periodcovered", "Progressreportedupto"):
        assert invented not in text
    assert norm("mrg september 17 minutes.docx") in text and "notavailable" not in text


# -- the workbooks --------------------------------------------------------------------------------


def overlapping(boxes):
    """Pairs of words drawn over each other on a page (wrapped text run over the row below)."""
    found = []
    by_page = {}
    for box in boxes:
        by_page.setdefault(box[0], []).append(box)
    for words in by_page.values():
        words.sort(key=lambda b: b[2])
        for i, (_, x0, y0, x1, y1, word) in enumerate(words):
            for _, a0, b0, a1, b1, other in words[i + 1:]:
                if b0 >= y1 - 1:
                    break
                # The glyph boxes of a cell's consecutive lines overlap by a tenth of their height;
                # a row's text run over the next row's overlaps by much more.
                if min(x1, a1) - max(x0, a0) > 1 and min(y1, b1) - max(y0, b0) > 0.25 * min(y1 - y0, b1 - b0):
                    found.append((word, other))
    return found


@pytest.mark.parametrize("name", ["workbook", "template"])
def test_the_workbook_in_libreoffice_has_no_overlapping_rows_and_no_hashes(papers, name):
    paper = papers[name]
    text = " ".join(paper.text().split())
    assert "###" not in text
    assert overlapping(paper.words_with_boxes()) == []
    assert "Not yet available" in text and not re.search(r"Not yet availab(?!le)", text)
    sizes = paper.page_sizes()
    assert all(abs(w - A4[1]) < 1 and abs(h - A4[0]) < 1 for w, h in sizes)  # A4 landscape


@pytest.mark.parametrize("name", ["workbook", "template"])
def test_every_cell_names_its_font_and_text_that_does_not_wrap_fits_its_column(papers, name):
    wb = openpyxl.load_workbook(io.BytesIO(papers[name].source))
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        merged = {c.coordinate for r in ws.merged_cells.ranges for row in ws[r.coord] for c in row}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name == "Arial", (ws.title, cell.coordinate)
                letter = cell.column_letter
                if ws.column_dimensions[letter].hidden or cell.coordinate in merged or cell.alignment.wrap_text:
                    continue
                width = ws.column_dimensions[letter].width
                shown = cell.value.strftime("%d %B %Y") if hasattr(cell.value, "strftime") else str(cell.value)
                assert len(shown) <= width * 1.1, (ws.title, cell.coordinate, shown, width)
