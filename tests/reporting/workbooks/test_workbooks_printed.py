"""The workbooks as they print and open (issue 27): no word cut or split in a column too narrow for it
("No return y…"), every sheet one page wide where its columns fit at 80% or more, and the
onboarding workbook's titles, lead services and source notes wrapped whole in their columns, with its
title and language in its properties. The onboarding workbook is printed by the real LibreOffice once."""
import io
import re
import subprocess
import tempfile

import openpyxl
import pytest

from reporting.documents.pdf import convert_to_pdf
from reporting.workbooks.cells import HEADER_ROW, PRINTABLE_POINTS, SMALLEST_SCALE
from reporting.workbooks.onboarding import onboarding_workbook_bytes

pytestmark = pytest.mark.usefixtures("demo_users")


def capacity(width, bold=False):
    """Letters a column holds on one line (as cells.text_lines measures them)."""
    return int(width * (0.78 if bold else 1) * 1.15) - 1


def cut_words(wb):
    """[(sheet, cell, word)] for each word (or unwrapped text) longer than its column holds."""
    found = []
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        for row in ws.iter_rows(min_row=HEADER_ROW):
            for cell in row:
                dimension = ws.column_dimensions[cell.column_letter]
                if not isinstance(cell.value, str) or dimension.hidden:
                    continue
                wraps = cell.alignment is not None and cell.alignment.wrap_text
                pieces = cell.value.split() if wraps else cell.value.split("\n")
                room = capacity(dimension.width or 13, bold=bool(cell.font and cell.font.b))
                found += [(ws.title, cell.coordinate, piece) for piece in pieces if len(piece) > room and len(piece) < 50]
    return found


def fits_at_80(ws):
    widths = [d.width for d in ws.column_dimensions.values() if not d.hidden and d.width]
    return sum(w * 7 + 5 for w in widths) * 0.75 * SMALLEST_SCALE <= PRINTABLE_POINTS


def test_no_word_is_cut_in_the_briefing_workbook_and_no_return_yet_is_whole(client_for):
    """Q2, with sub-strands that have no return yet: "No return yet" in the overall status column."""
    wb = openpyxl.load_workbook(io.BytesIO(client_for("coordinator").get("/periods/2023-24-q2/briefing.xlsx").content))
    summary = wb["Summary"]
    statuses = [c for c in summary["E"] if c.value == "No return yet"]
    assert statuses, "the Q2 summary has sub-strands without a return"
    assert capacity(summary.column_dimensions["E"].width, bold=True) >= len("No return yet")
    assert cut_words(wb) == []


def test_every_sheet_that_fits_at_80_percent_prints_one_page_wide(client_for):
    wb = openpyxl.load_workbook(io.BytesIO(client_for("coordinator").get("/periods/2023-24-q1/briefing.xlsx").content))
    onboarding = openpyxl.load_workbook(io.BytesIO(onboarding_workbook_bytes()))
    for ws in [*wb.worksheets, *onboarding.worksheets]:
        if ws.sheet_state == "hidden" or not fits_at_80(ws):
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.orientation == "landscape"


@pytest.fixture(scope="module")
def onboarding(django_db_blocker):
    """The onboarding workbook of the session's strategy, and its text as LibreOffice prints it."""
    with django_db_blocker.unblock():
        content = onboarding_workbook_bytes()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(convert_to_pdf(content, suffix=".xlsx"))
        handle.flush()
        text = subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    return openpyxl.load_workbook(io.BytesIO(content)), text


def test_the_onboarding_workbook_names_its_title_and_language(onboarding):
    wb, _ = onboarding
    assert wb.properties.title.startswith("Onboarding workbook – ") and wb.properties.language == "en-GB"
    assert wb.properties.creator


def test_the_onboarding_workbook_wraps_its_text_whole_and_prints_it_whole(onboarding):
    wb, printed = onboarding
    assert cut_words(wb) == []
    printed_words = set(re.findall(r"[\w’'@&]+", printed))
    checked = 0
    for ws in wb.worksheets:
        headings = [c.value for c in ws[HEADER_ROW]]
        for name in ("Title", "Name", "Lead service", "Source notes"):
            if name not in headings:
                continue
            column = headings.index(name) + 1
            for row in range(HEADER_ROW + 1, ws.max_row + 1):
                cell = ws.cell(row=row, column=column)
                if not isinstance(cell.value, str):
                    continue
                assert cell.alignment.wrap_text, (ws.title, cell.coordinate)
                words = set(re.findall(r"[\w’'@&]+", cell.value))
                assert words <= printed_words, (ws.title, cell.coordinate, sorted(words - printed_words)[:5])
                checked += 1
    assert checked > 50
