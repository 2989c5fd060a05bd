"""Writing cells and sheets the same way in every workbook the product writes: fonts, fills, number
formats, RAG cells, safe text and sheet names, column headings and widths."""
import math
import re
from copy import copy
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from kpis.models import KPI
from kpis.rag import MilestoneStatus, rag_label
from objectives.roles import person_name
from reporting.cell_safety import starts_like_a_formula, storable_text
from reporting.documents.style import RAG_COLOURS
from objectives.council import council_name, in_words

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NOT_AVAILABLE = "Not yet available"
FONT = "Arial"  # named on every cell written: the same family as the Word documents
FONT_SIZE = 10
BODY_FONT = Font(name=FONT, size=FONT_SIZE)
BOLD_FONT = Font(name=FONT, size=FONT_SIZE, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(name=FONT, size=FONT_SIZE, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT, size=14, bold=True)
NOTE_FONT = Font(name=FONT, size=FONT_SIZE, italic=True, color="505A5F")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_ALIGN = Alignment(horizontal="left", vertical="top")
TOP = Alignment(vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
THIN = Side(style="thin", color="B1B4B6")
CELL_BORDER = Border(bottom=THIN)
DATE_FORMAT = "d mmmm yyyy"
DATE_WIDTH = 19  # "30 September 2023" in full, with room to spare in Excel and LibreOffice
HEADER_ROW = 3  # rows 1-2: title and a note; row 3: column headings; data from row 4
FIRST_DATA_ROW = HEADER_ROW + 1

# Column headings shared by the briefing workbook and the return template (the import reads them).
COL_KPI_ID = "KPI id"
COL_SUB_STRAND_ID = "Sub-strand id"
COL_CODE = "Code"
COL_DATA_FOR = "Data for"
COL_EXPECTED = "Expected date"
COL_COMMENTARY = "Commentary"
COL_OVERALL = "Overall status"
COL_RAG = "RAG"
COL_RAG_OVERRIDE = "RAG override"
COL_OVERRIDE_REASON = "Override reason"
COL_FORECAST = "Year-end forecast"  # the officer's forecast of the figure at the year's end (the return template only)
COL_FORECAST_REASON = "Why you expect it"
COL_RAG_EXPLANATION = "Why the overall status differs from what the KPIs suggest"
COL_ACTION_ID = "Action id"
COL_PROGRESS = "Progress this period"
COL_ACTION_STATUS = "Status this period"
# Headings of workbooks made before (a template downloaded then is still read): old -> now.
FORMER_HEADINGS = {"Progress this quarter": COL_PROGRESS, "Status this quarter": COL_ACTION_STATUS}
TRACKER_SHEET = "_tracker"
TRACKER_FORMAT = 1

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# -- cells ---------------------------------------------------------------------------------------


def new_workbook():
    """An empty workbook whose default font is Arial 10, as its cells are: Excel and LibreOffice
    measure column widths in the default font's digits, so both then lay the columns out alike
    (with Calibri, which LibreOffice replaces by a wider font, its columns came out a quarter wider)."""
    wb = Workbook()
    default = Font(name=FONT, size=FONT_SIZE, family=2)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    wb.council_name = council_name()  # for every sheet's running header: read once
    return wb



def put(ws, row, column, value, *, number_format=None, alignment=None, font=None, fill=None):
    """Write a cell. Text is always text: '=HYPERLINK(…)' typed into a commentary never becomes a
    formula (reporting.cell_safety: stored as text, with Excel's quote prefix)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = storable_text(value)
        cell.value = value
        if cell.data_type in ("f", "e") or starts_like_a_formula(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    _style(ws.parent, cell, number_format, alignment, font if font is not None else BODY_FONT, fill)
    return cell


def _style(wb, cell, number_format, alignment, font, fill):
    """Give the cell its number format, alignment, font and fill, as assigning each would
    (openpyxl adds each style to the workbook's lists and keeps their positions on the cell, hashing
    the style each time: a third of the time of a workbook of a thousand cells). The positions a
    cell ends with depend only on those it had and the styles given, and a workbook's lists only
    grow: so they are worked out once a workbook for each combination and copied to the next cell.
    The styles are held with what is kept, so no other object can take their ids while it lives."""
    kept = wb.__dict__.setdefault("_ses_styles", {})
    key = (tuple(cell._style) if cell._style is not None else None, number_format, id(alignment), id(font), id(fill))
    found = kept.get(key)
    if found is not None:
        cell._style = copy(found[0])
        return
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    cell.font = font
    if fill is not None:
        cell.fill = fill
    kept[key] = (copy(cell._style), alignment, font, fill)


_RAG_STYLES = {
    rag: (PatternFill("solid", fgColor=fill), Font(name=FONT, size=FONT_SIZE, bold=True, color=text))
    for rag, (fill, text) in RAG_COLOURS.items()
}


def put_rag(ws, row, column, rag, *, label=None):
    """The RAG word on a fill of its colour: never colour alone."""
    fill, font = _RAG_STYLES.get(rag or None, _RAG_STYLES[None])
    return put(ws, row, column, label or rag_label(rag), fill=fill, font=font, alignment=TOP)


def put_band(ws, row, column, band):
    """A risk band's name on a fill of its colour (reporting.risk_models.RiskBand): never colour alone."""
    fill, font = _RAG_STYLES.get(band.colour if band else None, _RAG_STYLES[None])
    return put(ws, row, column, band.name if band else "", fill=fill, font=font, alignment=TOP)


def number_format_for(unit, value):
    """£ with thousands separators, per cent to one place, thousands separators elsewhere."""
    integral = value is None or Decimal(value) == Decimal(value).to_integral_value()
    if unit == KPI.Unit.GBP:
        return '"£"#,##0' if integral else '"£"#,##0.00'
    if unit == KPI.Unit.PERCENT:
        return "0.0%"
    if unit == KPI.Unit.YEARS:
        return "0.0"
    return "#,##0" if integral else "#,##0.0##"


def figure_value(kpi, measurement):
    """What a quarter's cell holds: a number, a milestone status, 'Not yet available' or nothing.

    Per cent figures are stored as 23.5 and written as 0.235 with a 0.0% format, as Excel expects.
    """
    if measurement is None:
        return None
    if measurement.not_available:
        return NOT_AVAILABLE
    if kpi.is_milestone:
        return MilestoneStatus(measurement.milestone_status).label if measurement.milestone_status else None
    if measurement.value is None:
        return None
    return excel_number(kpi, measurement.value)


def excel_number(kpi, value):
    if value is None:
        return None
    value = Decimal(value)
    if kpi.unit == KPI.Unit.PERCENT:
        value = value / 100
    return int(value) if value == value.to_integral_value() else float(value)


def put_id(ws, row, column, value):
    """An id the import reads back, written as text: a number in a hidden column would print as
    "###" in LibreOffice (a hidden column has no width), text prints as nothing."""
    return put(ws, row, column, str(value), number_format="@", alignment=TOP)


def put_figure(ws, row, column, kpi, measurement):
    value = figure_value(kpi, measurement)
    number_format = number_format_for(kpi.unit, measurement.value) if isinstance(value, (int, float)) else None
    return put(ws, row, column, value, number_format=number_format, alignment=WRAP if isinstance(value, str) else TOP)


def safe_sheet_name(name, used):
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe, and unique in the workbook (case-insensitively)."""
    base = _FORBIDDEN_SHEET_CHARS.sub(" ", name).strip().strip("'").strip() or "Sheet"
    base = re.sub(r"\s+", " ", base)
    candidate = base[:31].rstrip()
    n = 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def start_sheet(wb, title, used, *, heading, note, columns, freeze="A4", first=False):
    """A sheet with a title row, a note row and a heading row; columns: [(heading, width), …]."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = safe_sheet_name(title, used)
    heading = in_words(heading)  # the sheet's title, and its running header, in the council's words
    put(ws, 1, 1, heading, font=TITLE_FONT)
    put(ws, 2, 1, in_words(note), font=NOTE_FONT, alignment=WRAP)
    for i, (name, width) in enumerate(columns, start=1):  # headings in the council's words (the import reads them back)
        put(ws, HEADER_ROW, i, in_words(name), font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGN)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_options.gridLines = False
    ws.page_margins = copy(MARGINS)
    # The same running header and footer as the Word documents: the council and the sheet's title;
    # "Page X of Y" (in Excel's header codes, a literal "&" is written "&&").
    council = getattr(wb, "council_name", None)
    if council is None:
        council = wb.council_name = council_name()
    for part, words in ((ws.oddHeader.left, council.replace("&", "&&")), (ws.oddHeader.right, heading.replace("&", "&&")),
                        (ws.oddFooter.left, "&A"), (ws.oddFooter.center, "Page &P of &N")):
        part.text = words
        part.font = f"{FONT},Regular"
        part.size = 9
    return ws


def finish_sheet(ws, columns, last_row, *, one_page_wide=False):
    """Autofilter over the heading row and the data; every column wide enough for its words (none
    cut or split); the title and note across the sheet; every row as tall as its wrapped text;
    printing at a readable size (or, `one_page_wide`, a sheet read across such as a register: one
    page wide whatever its width). Returns the columns as widened."""
    last_row = max(last_row, HEADER_ROW)
    columns = fit_column_widths(ws, columns, last_row)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last_row}"
    visible = [i for i, _ in enumerate(columns, start=1) if not ws.column_dimensions[get_column_letter(i)].hidden]
    one_page_wide = print_setup(ws, [columns[i - 1][1] for i in visible], one_page_wide=one_page_wide)
    # The title and note span the sheet; on a sheet printed over several pages across, the columns
    # printed on every page, so that they are whole on each.
    span = max(visible or [1]) if one_page_wide else _first_page_columns(ws, columns, visible)
    if span > 1:
        for row in (1, 2):
            ws.merge_cells(f"A{row}:{get_column_letter(span)}{row}")
    ws.cell(row=1, column=1).alignment = WRAP
    fit_row_heights(ws, columns, last_row, span=span)
    return columns


def _first_page_columns(ws, columns, visible):
    """The columns a wide sheet's title spans: those printed on every page, or else those that fit
    on its first page."""
    if ws.print_title_cols:
        return max(1, ws[ws.freeze_panes].column - 1)
    points, last = 0, 1
    for i in visible:
        points += (columns[i - 1][1] * 7 + 5) * 0.75 * SMALLEST_SCALE
        if points > PRINTABLE_POINTS:
            break
        last = i
    return last


# -- fitting wrapped text, and printing --------------------------------------------------------

LINE_POINTS = {FONT_SIZE: 12.5, FONT_SIZE - 1: 11.5, FONT_SIZE - 2: 10.5, 14: 18.0}  # the height of a line of Arial in points, by font size
MAX_ROW_POINTS = 409  # Excel's tallest row


def text_lines(text, width):
    """How many lines `text` takes wrapped in a column `width` characters wide (words kept whole;
    Arial's letters are on average narrower than the column's unit, a '0' of the default font)."""
    per_line = max(1, int(width * 1.15) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        length = 0
        lines += 1
        for word in paragraph.split():
            needed = len(word) if length == 0 else length + 1 + len(word)
            if needed > per_line:
                lines += (1 if length else 0) + (len(word) - 1) // per_line
                length = len(word) % per_line or per_line
            else:
                length = needed
    return lines


MAX_WORD_WIDTH = 60  # a column is never widened past this for one long word (a web address wraps instead)


def width_for(characters, *, bold=False):
    """The column width that holds `characters` letters on one line: text_lines' measure turned round
    (bold letters are wider)."""
    return math.ceil((characters + 1) / 1.15 / (0.78 if bold else 1)) + 1


def fit_column_widths(ws, columns, last_row):
    """Each column widened, where it must be, so that nothing in it is cut or split mid-word: as wide
    as the longest word of its wrapped cells (its heading's too), and as its whole text where a cell
    does not wrap ("No return yet"); never past MAX_WORD_WIDTH for one word. Numbers and dates have
    their widths set with their columns. Returns the columns with their widths."""
    fitted = []
    for i, (heading, width) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        needed = width
        if not ws.column_dimensions[letter].hidden:
            for row in range(HEADER_ROW, last_row + 1):
                cell = ws.cell(row=row, column=i)
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                wraps = cell.alignment is not None and cell.alignment.wrap_text
                longest = max(len(word) for word in cell.value.split()) if wraps else max(
                    len(line) for line in cell.value.split("\n"))
                bold = cell.font is not None and bool(cell.font.b)
                needed = max(needed, min(width_for(longest, bold=bold), MAX_WORD_WIDTH if wraps else 2 * MAX_WORD_WIDTH))
        if needed != width:
            ws.column_dimensions[letter].width = needed
        fitted.append((heading, needed))
    return fitted


def _cell_points(cell, width):
    """The height in points the cell's text needs in a column `width` wide."""
    size = int(cell.font.sz or FONT_SIZE) if cell.font is not None else FONT_SIZE
    line = LINE_POINTS.get(size, size * 1.3)
    if not (cell.alignment is not None and cell.alignment.wrap_text and isinstance(cell.value, str)):
        return line + 4
    bold = 0.78 if cell.font is not None and cell.font.b else 1  # bold letters are wider
    return text_lines(cell.value, width * bold * FONT_SIZE / size) * line + 4


def fit_row_heights(ws, columns, last_row, *, span=None):
    """Set each row's height to fit its wrapped cells, so that no text runs over the row below
    (LibreOffice does not size rows it reads; Excel sizes them only when asked). Rows 1 and 2 (the
    title and note) span the first `span` columns. A text too long for Excel's tallest row at
    10 pt is written a point or two smaller, so that it is all there to read."""
    widths = {i: w for i, (_, w) in enumerate(columns, start=1)}
    merged_width = sum(w for i, w in widths.items()
                       if not ws.column_dimensions[get_column_letter(i)].hidden and (span is None or i <= span))
    for row in range(1, last_row + 1):
        points = 0
        for cell in ws[row]:
            if cell.value is None or cell.column not in widths:
                continue
            width = merged_width if row in (1, 2) else widths[cell.column]
            needed = _cell_points(cell, width)
            for smaller in (FONT_SIZE - 1, FONT_SIZE - 2):
                if needed <= MAX_ROW_POINTS or (cell.font.sz or FONT_SIZE) < smaller:
                    break
                font = copy(cell.font)
                font.sz = smaller
                cell.font = font
                needed = _cell_points(cell, width)
            points = max(points, needed)
        if points:
            ws.row_dimensions[row].height = min(MAX_ROW_POINTS, round(points, 1))


MARGINS = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)  # inches
PRINTABLE_POINTS = (11.69 - MARGINS.left - MARGINS.right) * 72  # A4 landscape, less the side margins
SMALLEST_SCALE = 0.8  # never print smaller than 8 pt text


def print_setup(ws, widths, *, one_page_wide=False):
    """Fit the sheet to the page's width only when that leaves the text at 80% or more (or when asked,
    `one_page_wide`); a wider sheet prints at 80% over as many pages across as it needs, its first
    columns on every page. True when the sheet prints one page wide."""
    points = sum(width * 7 + 5 for width in widths) * 0.75
    if one_page_wide or points * SMALLEST_SCALE <= PRINTABLE_POINTS:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        return True
    else:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        ws.page_setup.scale = int(SMALLEST_SCALE * 100)
        ws.page_setup.pageOrder = "overThenDown"
        frozen = ws.freeze_panes or "A4"
        columns = "".join(ch for ch in frozen if ch.isalpha())
        if columns and columns != "A":
            ws.print_title_cols = f"A:{get_column_letter(max(1, ws[frozen].column - 1))}"
        return False


def fmt_date(d):
    return f"{d.day} {d:%B %Y}" if d else ""


def user_label(user):
    """The name to print for who exported a file; the command line without --user is 'the command line'."""
    if not getattr(user, "is_authenticated", False):
        return "the command line"
    return person_name(user)


def local(dt):
    return timezone.localtime(dt) if timezone.is_aware(dt) else dt


def scope_note(data):
    exported = local(data.exported_at)
    who = user_label(data.user)
    what = (
        "Includes returns not yet approved: see the Return status column."
        if data.includes_drafts
        else "Approved and published returns only." if getattr(data.user, "is_authenticated", False)
        else "Published returns only."  # the command line without --user: what the public sees
    )
    return f"Exported on {fmt_date(exported)} at {exported:%H:%M} by {who}. {what}"


def sub_strand_label(sub):
    return sub.name


def return_state_label(ret):
    if ret is None:
        return "No return yet"
    label = ret.get_state_display()
    return f"{label} (synthetic demonstration data)" if ret.is_synthetic else label
