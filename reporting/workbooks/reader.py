"""Reading a filled-in return template (or briefing workbook) back: the KPI, return and action rows
found by their column headings, each cell turned into the return form's fields."""
import datetime
import io
import re
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from objectives.council import from_words, in_words, remembered, words
from kpis.numbers import whole_number
from kpis.rag import RAG, MilestoneStatus
from objectives.models import Action
from reporting.workbooks.cells import (
    COL_ACTION_ID,
    COL_ACTION_STATUS,
    COL_CODE,
    COL_COMMENTARY,
    COL_DATA_FOR,
    COL_EXPECTED,
    COL_KPI_ID,
    COL_OVERALL,
    COL_OVERRIDE_REASON,
    COL_FORECAST,
    COL_FORECAST_REASON,
    COL_PROGRESS,
    FORMER_HEADINGS,
    COL_RAG_EXPLANATION,
    COL_RAG_OVERRIDE,
    COL_SUB_STRAND_ID,
    TRACKER_SHEET,
)
from reporting.workbooks.safety import FORMAT_HINT, ImportRefused, Problem

MAX_ROWS_PER_SHEET = 20_000


RAG_WORDS = {label.lower(): value for value, label in RAG.choices}
MILESTONE_WORDS = {label.lower(): value for value, label in MilestoneStatus.choices}
MILESTONE_WORDS.update({value.replace("_", " "): value for value, _ in MilestoneStatus.choices})
ACTION_STATUS_WORDS = {label.lower(): value for value, label in Action.Status.choices if value != Action.Status.UNASSESSED}
ACTION_STATUS_WORDS["no status given"] = ""
OVERALL_BLANKS = {"", "not yet given", "no return yet", "not rated", "no status this period", "no status this quarter"}


# -- 2. reading the rows -------------------------------------------------------------------------


@dataclass
class Edit:
    """A cell's value for one or more return form fields (the figure cell sets value and not_available)."""

    sheet: str
    cell: str
    sub_strand_id: int
    subject: str  # "HOU-02", "Return", "Action (3)"
    label: str  # "2023/24 Q2 figure", "Commentary", …
    fields: dict  # form field name -> posted value (None: a box left unticked)
    kind: str = "text"  # figure, forecast, text, date, rag, overall, action_status
    kpi: object = None


@dataclass
class Parsed:
    kind: str = ""
    period_slug: str = ""
    scope: str = ""
    versions: dict = field(default_factory=dict)
    edits: list = field(default_factory=list)
    rows: int = 0
    problems: list = field(default_factory=list)


def find_header(ws, wanted, max_rows=10):
    """(row number, {heading: column index}) of the first row holding `wanted`, or None."""
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=max_rows), start=1):
        headings = {}
        for c, cell in enumerate(cells, start=1):
            if isinstance(cell.value, str) and cell.value.strip():
                heading = from_words(cell.value.strip())  # as written, in the council's words
                headings.setdefault(FORMER_HEADINGS.get(heading, heading), c)
        if wanted in headings:
            return r, headings
    return None


def _cell_ref(column, row):
    return f"{get_column_letter(column)}{row}"


def text_value(value):
    """A cell as text: numbers without a trailing .0, dates as '5 March 2024'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y") if (value.hour, value.minute, value.second) == (0, 0, 0) else str(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _id_value(value):
    """A whole-number id from a cell, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, str)):
        return whole_number(value)
    return None


@remembered()
def read_workbook(content, period):
    """Read the tracker sheet and every KPI, return and action row (openpyxl, read-only, formulas kept)."""
    parsed = Parsed()
    sheet = ""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise ImportRefused([Problem(f"The file cannot be read as an Excel workbook ({type(exc).__name__}). {FORMAT_HINT}")]) from exc
    try:
        if TRACKER_SHEET not in wb.sheetnames:
            raise ImportRefused([Problem(
                "This workbook was not made by the tracker (its hidden “_tracker” sheet is missing). Download the "
                f"return template for {period.label}, fill that in, and upload it."
            )])
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # read every row there is, not the size the file states
        sheet = TRACKER_SHEET
        _read_tracker(wb[TRACKER_SHEET], parsed)
        for ws in wb.worksheets:
            if ws.title == TRACKER_SHEET:
                continue
            sheet = ws.title
            for wanted, reader in ((COL_KPI_ID, _read_kpi_sheet), (COL_SUB_STRAND_ID, _read_return_sheet),
                                   (COL_ACTION_ID, _read_action_sheet)):
                found = find_header(ws, wanted)
                if found:
                    reader(ws, found, period, parsed)
                    break
    except ImportRefused:
        raise
    except (ValueError, OverflowError) as exc:  # openpyxl reading "INF" or "NaN" where a number belongs
        raise ImportRefused([Problem(
            "a cell holds a value that is not a number (such as INF or NaN) where the file says it holds a number. "
            "Type the figure itself, or leave the cell empty", sheet)]) from exc
    except Exception as exc:  # noqa: BLE001 - a damaged sheet part: refuse it, never a 500
        raise ImportRefused([Problem(f"Part of the workbook cannot be read ({type(exc).__name__}). {FORMAT_HINT}")]) from exc
    finally:
        wb.close()
    return parsed


def _read_tracker(ws, parsed):
    for cells in ws.iter_rows(min_row=1, max_row=MAX_ROWS_PER_SHEET, max_col=3, values_only=True):
        key = cells[0] if cells else None
        if key == "kind":
            parsed.kind = str(cells[1] or "")
        elif key == "period":
            parsed.period_slug = str(cells[1] or "")
        elif key == "scope":
            parsed.scope = str(cells[1] or "")
        elif key == "return":
            sub_id, version = _id_value(cells[1]), _id_value(cells[2])
            if sub_id is not None and version is not None:
                parsed.versions[sub_id] = version


def _rows(ws, header_row, parsed):
    """The rows below the headings, to the last one the sheet holds (whatever its stated size says).
    A sheet with values past MAX_ROWS_PER_SHEET rows is refused, not read in part; a cell that holds
    no number where the file says it holds one (INF, NaN) is refused, naming the row."""
    last = header_row + MAX_ROWS_PER_SHEET
    r = header_row
    rows = ws.iter_rows(min_row=header_row + 1)
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except (ValueError, TypeError, OverflowError) as exc:
            raise ImportRefused([Problem(
                f"a cell after row {r:,} holds a value that is not a number (such as INF or NaN) where the file says "
                f"it holds a number ({type(exc).__name__}). Type the figure itself, or leave the cell empty",
                ws.title)]) from exc
        r += 1
        if r > last:
            if any(getattr(c, "value", None) not in (None, "") for c in cells):
                raise ImportRefused([Problem(
                    f"the sheet has rows past row {last:,}, more than the {MAX_ROWS_PER_SHEET:,} rows a sheet of a return "
                    f"workbook can have, so none of it has been read. Delete the rows after row {last:,} and upload it again",
                    ws.title, _cell_ref(1, r))])
            continue
        yield r, cells


def _cell(cells, column):
    if column is None or column - 1 >= len(cells):
        return None
    return cells[column - 1]


def _value(ws, cells, column, row, parsed, subject):
    """A cell's value; a formula is a problem (values belong here)."""
    cell = _cell(cells, column)
    if cell is None:
        return None
    if getattr(cell, "data_type", None) == "f":
        parsed.problems.append(Problem(
            f"the cell holds a formula ({str(cell.value)[:40]}); type the value itself, not a formula",
            ws.title, _cell_ref(column, row), subject,
        ))
        return None
    value = cell.value
    if isinstance(value, str) and value.startswith("#") and getattr(cell, "data_type", None) == "e":
        parsed.problems.append(Problem(f"the cell holds an error ({value}); type the value itself",
                                       ws.title, _cell_ref(column, row), subject))
        return None
    return value


def _read_kpi_sheet(ws, found, period, parsed):
    header_row, cols = found
    figure_col = cols.get(period.label)
    if figure_col is None:
        periods = [h for h in cols if re.fullmatch(r"\d{4}/\d{2} [QH]\d|[A-Z][a-z]+ \d{4}", h)]  # 2023/24 Q1, H1, April 2023
        other = f" (it has {periods[-1]})" if periods else ""
        parsed.problems.append(Problem(
            f"there is no column headed “{period.label}” for this {period.word}'s figures{other}: this sheet is not for "
            f"{period.label}", ws.title, _cell_ref(1, header_row)))
        return
    id_col = cols[COL_KPI_ID]
    seen = {}
    for r, cells in _rows(ws, header_row, parsed):
        id_cell = _cell(cells, id_col)
        raw_id = None if id_cell is None else id_cell.value
        if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
            continue
        ref = _cell_ref(id_col, r)
        if getattr(id_cell, "data_type", None) == "f":
            parsed.problems.append(Problem("the KPI id holds a formula: KPI ids must not be changed", ws.title, ref))
            continue
        kpi_id = _id_value(raw_id)
        if kpi_id is None:
            parsed.problems.append(Problem(f"“{str(raw_id)[:30]}” is not a KPI id: the KPI id column must not be changed",
                                           ws.title, ref))
            continue
        if kpi_id in seen:
            parsed.problems.append(Problem(f"KPI id {kpi_id} appears twice (rows {seen[kpi_id]} and {r}): keep one row per KPI",
                                           ws.title, ref))
            continue
        seen[kpi_id] = r
        parsed.rows += 1
        code_cell = _cell(cells, cols.get(COL_CODE))
        row = {"id": kpi_id, "row": r, "sheet": ws.title, "code": code_cell.value if code_cell is not None else None,
               "id_ref": ref}
        for heading in (period.label, COL_DATA_FOR, COL_EXPECTED, COL_COMMENTARY, COL_RAG_OVERRIDE, COL_OVERRIDE_REASON,
                        COL_FORECAST, COL_FORECAST_REASON):
            column = cols.get(heading)
            if column is not None:
                row[heading] = (_value(ws, cells, column, r, parsed, code_cell.value if code_cell is not None else ""),
                                _cell_ref(column, r))
        parsed.edits.append(("kpi", row))


def _read_id_sheet(ws, found, parsed, *, kind, id_heading, what, headings, owner):
    """Rows of a sheet keyed by an id column (the Return sheet by sub-strand id, the Actions sheet
    by action id): one edit of `kind` per row, with the cells under `headings`."""
    header_row, cols = found
    id_col = cols[id_heading]
    for r, cells in _rows(ws, header_row, parsed):
        id_cell = _cell(cells, id_col)
        raw_id = None if id_cell is None else id_cell.value
        if raw_id is None:
            continue
        ref = _cell_ref(id_col, r)
        row_id = _id_value(raw_id) if getattr(id_cell, "data_type", None) != "f" else None
        if row_id is None:
            parsed.problems.append(Problem(f"this is not {what}: the {in_words(id_heading)} column must not be changed",
                                           ws.title, ref))
            continue
        parsed.rows += 1
        row = {"id": row_id, "row": r, "sheet": ws.title, "id_ref": ref}
        for heading in headings:
            column = cols.get(heading)
            if column is not None:
                row[heading] = (_value(ws, cells, column, r, parsed, owner), _cell_ref(column, r))
        parsed.edits.append((kind, row))


def _read_return_sheet(ws, found, period, parsed):
    _read_id_sheet(ws, found, parsed, kind="return", id_heading=COL_SUB_STRAND_ID, what=words("{sub_strand.a} id"),
                   headings=(COL_OVERALL, COL_COMMENTARY, COL_RAG_EXPLANATION), owner="Return")


def _read_action_sheet(ws, found, period, parsed):
    _read_id_sheet(ws, found, parsed, kind="action", id_heading=COL_ACTION_ID, what="an action id",
                   headings=(COL_PROGRESS, COL_ACTION_STATUS), owner="Action")
