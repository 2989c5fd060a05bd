"""Writing cells and sheets the same way in every workbook the product writes: fonts, fills, number
formats, RAG cells, safe text and sheet names, column headings and widths."""
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from kpis.models import KPI
from kpis.rag import MilestoneStatus, rag_label
from objectives.roles import person_name
from reporting.cell_safety import starts_like_a_formula

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The same colours as static/css/app.css .app-rag--*: (fill, text).
RAG_COLOURS = {
    "red": ("A4231F", "FFFFFF"),
    "amber": ("F7A600", "0B0C0C"),
    "green": ("00703C", "FFFFFF"),
    None: ("E8E9EA", "0B0C0C"),
}
NOT_AVAILABLE = "Not yet available"
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="505A5F")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
THIN = Side(style="thin", color="B1B4B6")
CELL_BORDER = Border(bottom=THIN)
DATE_FORMAT = "d mmmm yyyy"
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
COL_RAG_EXPLANATION = "Why the overall status differs from what the KPIs suggest"
COL_ACTION_ID = "Action id"
COL_PROGRESS = "Progress this quarter"
COL_ACTION_STATUS = "Status this quarter"
TRACKER_SHEET = "_tracker"
TRACKER_FORMAT = 1

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# -- cells ---------------------------------------------------------------------------------------


def clean_text(value):
    """Text as Excel can hold it: no control characters, at most 32,767 characters."""
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]


def put(ws, row, column, value, *, number_format=None, alignment=None, font=None, fill=None):
    """Write a cell. Text is always text: '=HYPERLINK(…)' typed into a commentary never becomes a
    formula (reporting.cell_safety: stored as text, with Excel's quote prefix)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if cell.data_type in ("f", "e") or starts_like_a_formula(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


_RAG_STYLES = {
    rag: (PatternFill("solid", fgColor=fill), Font(bold=True, color=text)) for rag, (fill, text) in RAG_COLOURS.items()
}


def put_rag(ws, row, column, rag, *, label=None):
    """The RAG word on a fill of its colour: never colour alone."""
    fill, font = _RAG_STYLES.get(rag or None, _RAG_STYLES[None])
    return put(ws, row, column, label or rag_label(rag), fill=fill, font=font, alignment=TOP)


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


def put_figure(ws, row, column, kpi, measurement):
    value = figure_value(kpi, measurement)
    number_format = number_format_for(kpi.unit, measurement.value) if isinstance(value, (int, float)) else None
    return put(ws, row, column, value, number_format=number_format, alignment=TOP)


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
    put(ws, 1, 1, heading, font=TITLE_FONT)
    put(ws, 2, 1, note, font=NOTE_FONT)
    for i, (name, width) in enumerate(columns, start=1):
        put(ws, HEADER_ROW, i, name, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGN)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = freeze
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&A – page &P of &N"
    return ws


def finish_sheet(ws, columns, last_row):
    """Autofilter over the heading row and the data."""
    last_row = max(last_row, HEADER_ROW)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last_row}"


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
