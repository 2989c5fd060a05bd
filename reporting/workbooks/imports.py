"""Returns back from Excel: the return template, and reading a filled-in workbook back safely.

1. ``build_return_template(period=..., user=...)`` — a workbook of every return the user may fill
   in for the period (drafts, returned ones, and ones not started while the period takes returns),
   pre-filled with what is saved now: KPI ids locked by sheet protection, drop-downs for RAG,
   overall status, milestone status and action status, white cells to fill, grey cells locked.
2. ``preview_import(period=..., user=..., content=...)`` — checks the file (size, a real .xlsx, no
   zip bomb, no XML entity tricks) before openpyxl opens it, reads the KPI, return and action rows
   by their column headings, and works out what would change, return by return, validating each
   changed return with the return form (reporting.returns.forms.ReturnForm): the same rules as
   typing it in. Every problem names the sheet, the cell and what is wrong. Nothing is written.
3. ``apply_import(period=..., user=..., plan=...)`` — saves the previewed changes in one
   transaction through reporting.returns.services.save_return: all of them or none. A return
   changed on the site since the workbook was downloaded, or since the preview, is refused (the
   workbook records each return's version), so an old file never silently undoes someone's work.

The briefing workbook (reporting/services/workbook.py) has the same headings, so exporting it and
importing the same file changes nothing, and the Economy Cell may correct drafts in it directly.
Returns stay drafts after an import: they are submitted from the site.
"""
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kpis.models import KPI
from kpis.rag import RAG, MilestoneStatus
from objectives.models import Action, ReportingPeriod, SubStrand
from objectives.roles import person_name
from reporting.access import can, may
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.models import QuarterlyReturn, WorkflowState
from reporting.workflow import PERIOD_TAKES_NEW_RETURNS, RETURN
from reporting.returns.completeness import action_field, kpi_field
from reporting.returns.services import ReturnWorkflowError, StaleEditError, save_return
from reporting.workbooks.export import (
    COL_ACTION_ID,
    COL_ACTION_STATUS,
    COL_CODE,
    COL_COMMENTARY,
    COL_DATA_FOR,
    COL_EXPECTED,
    COL_KPI_ID,
    COL_OVERALL,
    COL_OVERRIDE_REASON,
    COL_PROGRESS,
    COL_RAG_EXPLANATION,
    COL_RAG_OVERRIDE,
    COL_SUB_STRAND_ID,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOT_AVAILABLE,
    TOP,
    TRACKER_SHEET,
    WRAP,
    column_numbers,
    excel_number,
    finish_sheet,
    number_format_for,
    put,
    put_rag,
    return_state_label,
    set_properties,
    start_sheet,
    workbook_data,
    write_objective,
    write_tracker,
)

# Limits checked on the zip's own directory before anything is decompressed.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # a real workbook's XML compresses 5 to 30 times; bombs compress thousands of times
MAX_ZIP_ENTRIES = 1_000
MAX_ROWS_PER_SHEET = 20_000
MAX_PROBLEMS_SHOWN = 50
TOKEN_MAX_AGE = 60 * 60  # a preview may be confirmed within an hour
TOKEN_SALT = "reporting.workbook_import"
FORMAT_HINT = "Save it in Excel as “Excel Workbook (.xlsx)” and upload it again."

LOCKED_FILL = PatternFill("solid", fgColor="F3F2F1")
EDITABLE_FILL = PatternFill("solid", fgColor="FFFFFF")
UNLOCKED = Protection(locked=False)
RAG_WORDS = {label.lower(): value for value, label in RAG.choices}
MILESTONE_WORDS = {label.lower(): value for value, label in MilestoneStatus.choices}
MILESTONE_WORDS.update({value.replace("_", " "): value for value, _ in MilestoneStatus.choices})
ACTION_STATUS_WORDS = {label.lower(): value for value, label in Action.Status.choices if value != Action.Status.UNASSESSED}
ACTION_STATUS_WORDS["no status given"] = ""
OVERALL_BLANKS = {"", "not yet given", "no return yet", "not rated", "no status this quarter"}


# -- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: 'Sheet “3. Regenerated Places”, cell J7 (HOU-02): enter a number'."""

    message: str
    sheet: str = ""
    cell: str = ""
    subject: str = ""

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"Sheet “{self.sheet}”")
        if self.cell:
            where.append(f"cell {self.cell}")
        place = ", ".join(where)
        if self.subject:
            place = f"{place} ({self.subject})" if place else self.subject
        return f"{place}: {self.message}" if place else self.message


class ImportRefused(Exception):
    """The workbook cannot be imported; `problems` says each reason. Nothing was written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))

    @property
    def messages(self):
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"… and {hidden:,} more problems. Correct these first and upload the workbook again.")
        return shown


# -- 1. the file itself --------------------------------------------------------------------------


def check_file(content, *, filename=""):
    """Refuse a file that is not a safe .xlsx before openpyxl sees it (raises ImportRefused)."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise ImportRefused([Problem("The file is empty. Choose the filled-in return template (.xlsx).")])
    if len(content) > limit:
        raise ImportRefused([Problem(
            f"The file is {len(content) / 1024 / 1024:.1f} MB: it must be smaller than {limit / 1024 / 1024:.0f} MB."
        )])
    if filename and not filename.lower().endswith(".xlsx"):
        raise ImportRefused([Problem(f"“{filename[:80]}” is not an .xlsx file. {FORMAT_HINT}")])
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused([Problem(
            "The file is an Excel 97–2003 workbook (.xls) or a password-protected workbook, which cannot be read. "
            "Remove any password, then " + FORMAT_HINT[0].lower() + FORMAT_HINT[1:]
        )])
    if content[:4] != b"PK\x03\x04" or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused([Problem(f"The file is not an Excel workbook (.xlsx). {FORMAT_HINT}")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            entries = zf.infolist()
            names = {e.filename for e in entries}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ImportRefused([Problem(f"The file holds {len(entries):,} parts: it is not a return workbook.")])
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRefused([Problem(f"The file is a zip archive, not an Excel workbook (.xlsx). {FORMAT_HINT}")])
            total = sum(e.file_size for e in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused([Problem(
                    f"The file expands to {total / 1024 / 1024:,.0f} MB, more than the "
                    f"{MAX_UNCOMPRESSED_BYTES / 1024 / 1024:.0f} MB a return workbook can be: it has not been opened."
                )])
            for e in entries:
                if e.file_size > 1024 * 1024 and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
                    raise ImportRefused([Problem(
                        f"Part {e.filename[:60]} of the file is compressed {e.file_size // max(e.compress_size, 1):,} "
                        "times over, as a zip bomb is: it has not been opened."
                    )])
                if e.flag_bits & 0x1:
                    raise ImportRefused([Problem("The file is encrypted: remove the password and upload it again.")])
            for e in entries:
                if e.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml_part(zf, e)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise ImportRefused([Problem(f"The file is damaged and cannot be read ({type(exc).__name__}). {FORMAT_HINT}")]) from exc


def _check_xml_part(zf, entry):
    """No DTDs or entities in any XML part (an .xlsx never has them; XML bombs do). Reads at most
    the declared size, which zipfile enforces, and checks each part's CRC on the way."""
    tail = b""
    with zf.open(entry) as part:
        while True:
            chunk = part.read(64 * 1024)
            if not chunk:
                break
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise ImportRefused([Problem(f"Part {entry.filename[:60]} of the file declares XML entities: it has not been opened.")])
            tail = chunk[-16:]


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
    kind: str = "text"  # figure, text, date, rag, overall, action_status
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


def _header(ws, wanted, max_rows=10):
    """(row number, {heading: column index}) of the first row holding `wanted`, or None."""
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=max_rows), start=1):
        headings = {}
        for c, cell in enumerate(cells, start=1):
            if isinstance(cell.value, str) and cell.value.strip():
                headings.setdefault(cell.value.strip(), c)
        if wanted in headings:
            return r, headings
    return None


def _cell_ref(column, row):
    return f"{get_column_letter(column)}{row}"


def _text_value(value):
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
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read_workbook(content, period):
    """Read the tracker sheet and every KPI, return and action row (openpyxl, read-only, formulas kept)."""
    parsed = Parsed()
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
        _read_tracker(wb[TRACKER_SHEET], parsed)
        for ws in wb.worksheets:
            if ws.title == TRACKER_SHEET:
                continue
            for wanted, reader in ((COL_KPI_ID, _read_kpi_sheet), (COL_SUB_STRAND_ID, _read_return_sheet),
                                   (COL_ACTION_ID, _read_action_sheet)):
                found = _header(ws, wanted)
                if found:
                    reader(ws, found, period, parsed)
                    break
    except ImportRefused:
        raise
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
    for r, cells in enumerate(ws.iter_rows(min_row=header_row + 1, max_row=header_row + MAX_ROWS_PER_SHEET),
                              start=header_row + 1):
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
        quarters = [h for h in cols if re.fullmatch(r"\d{4}/\d{2} Q[1-4]", h)]
        other = f" (it has {quarters[-1]})" if quarters else ""
        parsed.problems.append(Problem(
            f"there is no column headed “{period.label}” for this quarter's figures{other}: this sheet is not for "
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
        for heading in (period.label, COL_DATA_FOR, COL_EXPECTED, COL_COMMENTARY, COL_RAG_OVERRIDE, COL_OVERRIDE_REASON):
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
            parsed.problems.append(Problem(f"this is not {what}: the {id_heading} column must not be changed",
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
    _read_id_sheet(ws, found, parsed, kind="return", id_heading=COL_SUB_STRAND_ID, what="a sub-strand id",
                   headings=(COL_OVERALL, COL_COMMENTARY, COL_RAG_EXPLANATION), owner="Return")


def _read_action_sheet(ws, found, period, parsed):
    _read_id_sheet(ws, found, parsed, kind="action", id_heading=COL_ACTION_ID, what="an action id",
                   headings=(COL_PROGRESS, COL_ACTION_STATUS), owner="Action")


# -- from cells to the return form's fields ------------------------------------------------------


def _figure_fields(kpi, value):
    """The figure cell → value (or milestone_status) and not_available, as the return form posts them."""
    main = kpi_field(kpi.id, "milestone_status" if kpi.is_milestone else "value")
    na = kpi_field(kpi.id, "not_available")
    if value is None or (isinstance(value, str) and not value.strip()):
        return {main: "", na: None}
    if isinstance(value, str) and value.strip().lower() == NOT_AVAILABLE.lower():
        return {main: "", na: "on"}
    if kpi.is_milestone:
        text = _text_value(value).strip()
        return {main: MILESTONE_WORDS.get(text.lower(), text), na: None}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if kpi.unit == KPI.Unit.PERCENT:
            number *= 100  # a % cell holds 0.235 for 23.5%
        return {main: format(number.normalize(), "f") if number == number else str(value), na: None}
    return {main: _text_value(value).strip(), na: None}  # text: the form says what is wrong with it


def _choice(value, words):
    text = _text_value(value).strip()
    return words.get(text.lower(), text)


def _date_text(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _text_value(value)  # a bare number: the form refuses it as a date
    return _text_value(value).strip()


def _edits_of(parsed, period, kpis, actions):
    """Turn the rows read into Edits (cell → form fields), with problems for ids that do not fit."""
    edits = []
    for kind, row in parsed.edits:
        sheet = row["sheet"]
        if kind == "kpi":
            kpi = kpis.get(row["id"])
            if kpi is None:
                parsed.problems.append(Problem(f"there is no KPI with id {row['id']}: the KPI id column must not be changed",
                                               sheet, row["id_ref"]))
                continue
            if not kpi.is_active:
                parsed.problems.append(Problem(f"{kpi.code} is no longer reported: delete its row", sheet, row["id_ref"]))
                continue
            if row.get("code") not in (None, "") and str(row["code"]).strip() != kpi.code:
                parsed.problems.append(Problem(
                    f"KPI id {kpi.id} is {kpi.code}, but the row's code says “{str(row['code'])[:20]}”: the KPI id and "
                    "code columns must not be changed", sheet, row["id_ref"]))
                continue
            sid = kpi.sub_strand_id
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == period.label:
                    edits.append(Edit(sheet, ref, sid, kpi.code, f"{period.label} figure", _figure_fields(kpi, value),
                                      "figure", kpi))
                elif heading == COL_DATA_FOR:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Data for", {kpi_field(kpi.id, "data_for"): _text_value(value).strip()}))
                elif heading == COL_EXPECTED:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Expected date",
                                      {kpi_field(kpi.id, "expected_date"): _date_text(value)}, "date"))
                elif heading == COL_COMMENTARY:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Commentary", {kpi_field(kpi.id, "commentary"): _text_value(value)}))
                elif heading == COL_RAG_OVERRIDE:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "RAG override",
                                      {kpi_field(kpi.id, "rag_override"): _choice(value, RAG_WORDS)}, "rag"))
                elif heading == COL_OVERRIDE_REASON:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Override reason",
                                      {kpi_field(kpi.id, "override_reason"): _text_value(value)}))
        elif kind == "return":
            sid = row["id"]
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == COL_OVERALL:
                    text = _text_value(value).strip()
                    posted = "" if text.lower() in OVERALL_BLANKS else RAG_WORDS.get(text.lower(), text)
                    edits.append(Edit(sheet, ref, sid, "Return", "Overall status", {"overall_rag": posted}, "overall"))
                elif heading == COL_COMMENTARY:
                    edits.append(Edit(sheet, ref, sid, "Return", "Commentary", {"commentary": _text_value(value)}))
                elif heading == COL_RAG_EXPLANATION:
                    edits.append(Edit(sheet, ref, sid, "Return", "Why the overall status differs",
                                      {"rag_explanation": _text_value(value)}))
        else:
            action = actions.get(row["id"])
            if action is None:
                parsed.problems.append(Problem(f"there is no action with id {row['id']}: the Action id column must not be changed",
                                               sheet, row["id_ref"]))
                continue
            if action.sub_strand_id is None:
                continue  # not part of any sub-strand's return: shown for information only
            subject = f"Action ({action.number})"
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == COL_PROGRESS:
                    edits.append(Edit(sheet, ref, action.sub_strand_id, subject, "Progress this quarter",
                                      {action_field(action.id, "narrative"): _text_value(value)}))
                elif heading == COL_ACTION_STATUS:
                    edits.append(Edit(sheet, ref, action.sub_strand_id, subject, "Status this quarter",
                                      {action_field(action.id, "status"): _choice(value, ACTION_STATUS_WORDS)}, "action_status"))
    return edits


# -- 3. what would change -----------------------------------------------------------------------


def _norm_text(value):
    if value is None or value is False:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(name, before, after):
    """Is a posted value the same as the saved one? Numbers by value, text ignoring outer spaces."""
    if name.endswith("-not_available"):
        return bool(before) == bool(after)
    a, b = _norm_text(before), _norm_text(after)
    if name.endswith("-value") and a and b:
        try:
            return Decimal(a.replace(",", "")) == Decimal(b.replace(",", ""))
        except InvalidOperation:
            return False
    if name.endswith("-expected_date") and a and b:
        return a[:10] == b[:10]
    return a == b


@dataclass
class CellChange:
    sheet: str
    cell: str
    subject: str
    label: str
    before: str
    after: str


@dataclass
class ReturnChanges:
    sub_strand: object
    quarterly_return: object
    changes: list
    fields: dict  # form field -> posted value (None: untick)

    @property
    def is_new(self):
        return self.quarterly_return.pk is None


@dataclass
class Preview:
    period: object
    returns: list  # ReturnChanges, in the strategy's order
    rows: int
    kind: str

    @property
    def change_count(self):
        return sum(len(r.changes) for r in self.returns)

    @property
    def has_changes(self):
        return bool(self.returns)

    def token(self, user):
        """The plan, signed for the confirm form."""
        return sign_plan(self.plan(), user)

    def plan(self):
        """What apply_import needs: each return's version as previewed and its changed fields (JSON-safe)."""
        return {
            "period": self.period.id,
            "returns": [
                {"sub_strand": r.sub_strand.id, "version": r.quarterly_return.version if r.quarterly_return.pk else 0,
                 "fields": r.fields, "cells": len(r.changes)}
                for r in self.returns
            ],
        }


def _show(edit, values):
    """A cell's value in words for the preview: '712', 'Not yet available', 'Achieved', '(empty)'."""
    if edit.kind == "figure":
        kpi = edit.kpi
        if values.get(kpi_field(kpi.id, "not_available")) in (True, "on"):
            return NOT_AVAILABLE
        if kpi.is_milestone:
            status = _norm_text(values.get(kpi_field(kpi.id, "milestone_status")))
            return MilestoneStatus(status).label if status in MilestoneStatus.values else (status or "(empty)")
        text = _norm_text(values.get(kpi_field(kpi.id, "value")))
        if not text:
            return "(empty)"
        if kpi.unit == KPI.Unit.PERCENT:
            return f"{text}%"
        if kpi.unit == KPI.Unit.GBP:
            try:
                return f"£{Decimal(text):,f}".rstrip("0").rstrip(".") if "." in text else f"£{Decimal(text):,}"
            except InvalidOperation:
                return text
        return text
    text = _norm_text(values.get(next(iter(edit.fields))))
    if not text:
        return "(empty)"
    if edit.kind in ("rag", "overall") and text in RAG.values:
        return RAG(text).label
    if edit.kind == "action_status" and text in Action.Status.values:
        return Action.Status(text).label
    return text if len(text) <= 300 else text[:300] + "…"


def _base_data(ret, kind):
    """The saved values, as the return form posts them. A briefing workbook shows a return not yet
    started as empty, so its cells are compared with empty values (the template shows last quarter's
    commentary, as the form does)."""
    data = as_post_data(initial_form_data(ret))
    if ret.pk is None and kind != "template":
        shown = {"version": "0", "intent": "save"}
        return data, shown
    return data, data


def preview_import(*, period, user, content, filename=""):
    """What importing this workbook would change, return by return (a Preview); raises ImportRefused
    with every problem found. Writes nothing."""
    check_file(content, filename=filename)
    parsed = read_workbook(content, period)
    problems = parsed.problems
    if parsed.kind not in ("template", "briefing") or not parsed.period_slug:
        problems.insert(0, Problem(
            "This workbook was not made by the tracker, or its hidden “_tracker” sheet has been changed: download the "
            f"return template for {period.label} again and fill that in.", TRACKER_SHEET))
    elif parsed.period_slug != period.slug:
        other = ReportingPeriod.objects.filter(slug=parsed.period_slug).first()
        problems.insert(0, Problem(
            f"This workbook is for {other.label if other else parsed.period_slug or 'another period'}, not {period.label}: "
            f"its KPIs' figures belong to that period. Download the return template for {period.label}.",
            TRACKER_SHEET,
        ))
    elif parsed.kind == "briefing" and parsed.scope != "all":
        problems.insert(0, Problem(
            "This briefing workbook was exported without the draft returns (by someone who sees approved returns "
            "only), so importing it would empty them. Use the return template instead."
        ))
    if problems:
        raise ImportRefused(problems)
    if parsed.rows == 0:
        raise ImportRefused([Problem(
            "The workbook holds no KPI, return or action rows: there is nothing to import. Download the return "
            f"template for {period.label}, fill it in, and upload that."
        )])

    kpi_ids = {row["id"] for kind, row in parsed.edits if kind == "kpi"}
    action_ids = {row["id"] for kind, row in parsed.edits if kind == "action"}
    kpis = {k.id: k for k in KPI.objects.filter(id__in=kpi_ids).select_related("sub_strand")}
    actions = {a.id: a for a in Action.objects.filter(id__in=action_ids)}
    edits = _edits_of(parsed, period, kpis, actions)
    sub_ids = {e.sub_strand_id for e in edits}
    subs = {s.id: s for s in SubStrand.objects.filter(id__in=sub_ids).select_related("objective")}
    for kind, row in parsed.edits:
        if kind == "return" and row["id"] not in subs:
            problems.append(Problem(f"there is no sub-strand with id {row['id']}: the Sub-strand id column must not be changed",
                                    row["sheet"], row["id_ref"]))
    if problems:
        raise ImportRefused(problems)

    existing = {
        r.sub_strand_id: r
        for r in QuarterlyReturn.objects.filter(period=period, sub_strand_id__in=sub_ids).select_related(
            "period", "sub_strand", "updated_by")
    }
    by_sub = {}
    for e in edits:
        by_sub.setdefault(e.sub_strand_id, []).append(e)
    results = []
    ordered = sorted(subs.values(), key=lambda s: (s.objective.strategy_id, s.objective.number, s.order))
    for sub in ordered:
        ret = existing.get(sub.id) or QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
        base, shown = _base_data(ret, parsed.kind)
        changed, fields = [], {}
        for e in by_sub.get(sub.id, []):
            moved = {name: value for name, value in e.fields.items() if not _same(name, shown.get(name), value)}
            if not moved:
                continue
            fields.update(e.fields)
            changed.append((e, CellChange(e.sheet, e.cell, e.subject, e.label, _show(e, shown), _show(e, e.fields))))
        if not changed:
            continue
        first = changed[0][0]
        refused = _refusal(ret, user, period, parsed)
        if refused:
            problems.append(Problem(refused, first.sheet, first.cell, first.subject))
            continue
        merged = _merge(base, fields, ret)
        form = ReturnForm(quarterly_return=ret, user=user, data=merged)
        if not form.is_valid():
            problems.extend(_form_problems(form, changed, by_sub.get(sub.id, []), sub))
            continue
        results.append(ReturnChanges(sub, ret, [c for _, c in changed], fields))
    if problems:
        raise ImportRefused(problems)
    return Preview(period=period, returns=results, rows=parsed.rows, kind=parsed.kind)


def _refusal(ret, user, period, parsed):
    """Why this return may not be changed by this user from this workbook, or ''."""
    name = ret.sub_strand.name
    if ret.pk is not None and not RETURN.allows("edit", ret):
        return (f"the {name} return for {period.label} is {ret.get_state_display().lower()}, so it cannot be changed "
                "(an approved return is corrected by reopening it on the site)")
    if not can(user, "edit_return", ret):
        return f"you may not edit the {name} return for {period.label}"
    if ret.pk is None and period.state not in PERIOD_TAKES_NEW_RETURNS:
        return f"{period.label} is {period.get_state_display().lower()}: no new return can start"
    recorded = parsed.versions.get(ret.sub_strand_id)
    current = ret.version if ret.pk else 0
    if recorded is None:
        return f"the {name} return is not part of this workbook: download the return template again"
    if recorded != current:
        who = ""
        if ret.pk and ret.updated_by_id:
            who = f" by {person_name(ret.updated_by)}"
        when = ""
        if ret.pk and ret.updated_at:
            local = timezone.localtime(ret.updated_at)
            when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
        return (f"the {name} return was changed on the site{who}{when} after this workbook was downloaded, so "
                "importing it could undo that change. Download the workbook again and re-enter your changes")
    return ""


def _merge(base, fields, ret):
    merged = dict(base)
    for name, value in fields.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    merged["version"] = str(ret.version if ret.pk else 0)
    merged["intent"] = "save"
    return merged


def _form_problems(form, changed, edits, sub):
    """The return form's errors, each placed on the cell that holds the field (changed cells first),
    or on the return when no cell of the workbook holds it."""
    by_field = {}
    for e in [e for e, _ in changed] + list(edits):
        for name in e.fields:
            by_field.setdefault(name, e)
    first = changed[0][0]
    problems = []
    for name, errors in form.errors.items():
        e = by_field.get(name, first)
        for message in errors:
            text = str(message)
            if name in by_field and text.startswith(f"{e.subject}: "):
                text = text[len(e.subject) + 2:]
            subject = e.subject if name in by_field else f"{sub.name} return"
            problems.append(Problem(text, e.sheet, e.cell if name in by_field else "", subject))
    return problems


# -- 4. saving ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    returns: list  # the saved QuarterlyReturns
    cells: int


def apply_import(*, period, user, plan):
    """Save a previewed import (Preview.plan()) in one transaction: every return, or none.

    Each return is validated again with the return form and saved by save_return, which refuses it
    (StaleEditError) when its version is no longer the one previewed."""
    if plan.get("period") != period.id:
        raise ImportRefused([Problem("This import was previewed for another period: upload the workbook again.")])
    saved, cells = [], 0
    try:
        with transaction.atomic():
            for item in plan["returns"]:
                sub = SubStrand.objects.get(pk=item["sub_strand"])
                ret = (QuarterlyReturn.objects.select_related("period", "sub_strand", "updated_by")
                       .filter(sub_strand=sub, period=period).first())
                if ret is None:
                    if item["version"] != 0:
                        raise ImportRefused([Problem(f"The {sub.name} return has been removed since the preview.")])
                    ret = QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
                if not may(user, "edit_return", ret):
                    raise ImportRefused([Problem(
                        f"The {sub.name} return can no longer be changed ({ret.get_state_display().lower()}): nothing was saved.")])
                base = as_post_data(initial_form_data(ret))
                merged = _merge(base, item["fields"], ret)
                merged["version"] = str(item["version"])
                form = ReturnForm(quarterly_return=ret, user=user, data=merged)
                if not form.is_valid():
                    raise ImportRefused([Problem(f"{sub.name}: {'; '.join(str(m) for ms in form.errors.values() for m in ms)}")])
                saved.append(save_return(quarterly_return=ret, by=user, form=form))
                cells += int(item.get("cells") or 0)
    except StaleEditError as exc:
        raise ImportRefused([Problem(
            f"{exc.current.sub_strand.name if exc.current else 'A return'} was changed by someone else after you "
            "uploaded the workbook, so nothing was saved. Upload it again to see the changes against theirs."
        )]) from exc
    except ReturnWorkflowError as exc:
        raise ImportRefused([Problem(f"{exc} Nothing was saved.")]) from exc
    except SubStrand.DoesNotExist as exc:
        raise ImportRefused([Problem("A sub-strand of this import no longer exists: nothing was saved.")]) from exc
    return ImportResult(saved, cells)


def sign_plan(plan, user):
    """The plan as a signed token for the confirm form (no state kept on the server)."""
    return signing.dumps({"user": user.pk, **plan}, salt=TOKEN_SALT, compress=True)


def unsign_plan(token, user):
    """The plan back from its token, or ImportRefused when it is forged, someone else's or over an hour old."""
    try:
        plan = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ImportRefused([Problem("The preview is more than an hour old: upload the workbook again.")]) from exc
    except signing.BadSignature as exc:
        raise ImportRefused([Problem("The preview could not be confirmed: upload the workbook again.")]) from exc
    if not isinstance(plan, dict) or plan.get("user") != user.pk or not isinstance(plan.get("returns"), list):
        raise ImportRefused([Problem("The preview could not be confirmed: upload the workbook again.")])
    return plan


# -- the return template -------------------------------------------------------------------------


def importable_returns(*, period, user):
    """The returns this user may fill in for the period: drafts and returned ones they may edit, and
    (while the period takes returns) unsaved ones for sub-strands not started. Three queries."""
    subs = SubStrand.objects.select_related("objective").order_by("objective__strategy_id", "objective__number", "order")
    existing = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period).select_related("period")}
    takes_new = period.state in PERIOD_TAKES_NEW_RETURNS
    found = []
    for sub in subs:
        ret = existing.get(sub.id)
        if ret is None:
            if not takes_new:
                continue
            ret = QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
        if may(user, "edit_return", ret):
            ret.sub_strand = sub
            found.append(ret)
    return found


class NothingToFill(Exception):
    """No return of the period can be filled in by this user; the message says why."""


def _unlock(cell):
    cell.protection = UNLOCKED
    cell.fill = EDITABLE_FILL


def _lock_grey(ws, row, columns, editable):
    for name, col in columns.items():
        if name not in editable:
            ws.cell(row=row, column=col).fill = LOCKED_FILL


def _protect(ws):
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.autoFilter = False
    p.sort = True
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _list_validation(options, *, prompt, error=True):
    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                        showErrorMessage=error, showInputMessage=True)
    dv.promptTitle = "Choose from the list"
    dv.prompt = prompt
    dv.errorTitle = "Not in the list"
    dv.error = "Choose one of the values in the list, or leave the cell empty."
    return dv


def build_return_template(*, period, user, now=None):
    """The return template for a period (an openpyxl Workbook); raises NothingToFill when there is none."""
    rets = importable_returns(period=period, user=user)
    if not rets:
        if period.state == ReportingPeriod.State.NOT_OPEN:
            raise NothingToFill(f"{period.label} is not open for returns yet.")
        raise NothingToFill(f"There are no draft returns for {period.label} that you may fill in.")
    ids = {r.sub_strand_id for r in rets}
    by_sub = {r.sub_strand_id: r for r in rets}
    data = workbook_data(period=period, user=user, sub_strand_ids=ids, now=now)
    bases = {r.sub_strand_id: as_post_data(initial_form_data(r)) for r in rets}
    wb = Workbook()
    used = set()
    _write_instructions(wb, data, used)
    _write_returns(wb, data, used, by_sub, bases)
    for sheet in data.objectives:
        if sheet.kpis:
            _write_template_kpis(wb, data, sheet, used, bases)
    _write_template_actions(wb, data, used, ids, bases)
    write_tracker(wb, kind="template", period=period, scope="template",
                  versions={sid: (r.version if r.pk else 0) for sid, r in by_sub.items()}, exported_at=data.exported_at)
    set_properties(wb, data, title=f"Return template – {period.label}", kind="Return template")
    return wb


INSTRUCTIONS = [
    "Fill in the white cells. Grey cells are locked: they show the KPI, its target and earlier quarters for reference.",
    "Figures: type the number as it is (640, 12.5, £35,000,000). For a percentage type 23.5% (the cells are formatted as per cent).",
    "A figure that is not yet available: choose “Not yet available” from the cell's list, and give the expected date if known.",
    "Milestone KPIs: choose the milestone status from the cell's list.",
    "RAG override: leave it empty to use the rules' status. To override, choose Red, Amber or Green and give a reason.",
    "Type values, not formulas. Do not change the id columns or the hidden _tracker sheet: they say which KPI each row is.",
    "Upload the workbook on the tracker's “Import returns from Excel” page. You will see every change before anything is saved.",
    "The returns stay drafts after the import: submit each one from its page on the tracker.",
    "If a return is changed on the tracker after you download this workbook, download it again: the import refuses an "
    "older workbook rather than undo someone's change.",
]


def _write_instructions(wb, data, used):
    ws = start_sheet(wb, "Instructions", used, first=True,
                     heading=f"Return template – {data.period.label} ({data.period.long_label})",
                     note=f"Downloaded on {timezone.localtime(data.exported_at):%d/%m/%Y at %H:%M}.",
                     columns=[("How to fill in this workbook", 120)])
    for i, text in enumerate(INSTRUCTIONS, start=FIRST_DATA_ROW):
        put(ws, i, 1, f"{i - HEADER_ROW}. {text}", alignment=WRAP)
    ws.auto_filter.ref = None
    _protect(ws)


TEMPLATE_RETURN_COLUMNS = [
    ("Objective", 26),
    ("Sub-strand", 28),
    ("Return status", 14),
    ("Last quarter's status", 14),
    (COL_OVERALL, 14),
    (COL_COMMENTARY, 90),
    (COL_RAG_EXPLANATION, 40),
    (COL_SUB_STRAND_ID, 10),
]


def _write_returns(wb, data, used, by_sub, bases):
    ws = start_sheet(wb, "Returns", used, heading=f"Overall status and commentary – {data.period.label}",
                     note="One row per return: choose the overall status and write the commentary.",
                     columns=TEMPLATE_RETURN_COLUMNS)
    cols = column_numbers(TEMPLATE_RETURN_COLUMNS)
    dv = _list_validation(["Red", "Amber", "Green"], prompt="The overall status: Red, Amber or Green.")
    ws.add_data_validation(dv)
    row = FIRST_DATA_ROW
    for sheet in data.objectives:
        for s in sheet.summary:
            ret = by_sub[s.sub_strand.id]
            base = bases[s.sub_strand.id]
            put(ws, row, cols["Objective"], s.objective.name, alignment=WRAP)
            put(ws, row, cols["Sub-strand"], s.sub_strand.name, alignment=WRAP)
            put(ws, row, cols["Return status"], return_state_label(ret) if ret.pk else "Not started", alignment=WRAP)
            put_rag(ws, row, cols["Last quarter's status"], s.previous.overall_rag if s.previous else None,
                    label=None if s.previous and s.previous.overall_rag else "None")
            rag = base.get("overall_rag") or ""
            _unlock(put(ws, row, cols[COL_OVERALL], RAG(rag).label if rag in RAG.values else None, alignment=TOP))
            dv.add(ws.cell(row=row, column=cols[COL_OVERALL]))
            _unlock(put(ws, row, cols[COL_COMMENTARY], base.get("commentary", ""), alignment=WRAP))
            _unlock(put(ws, row, cols[COL_RAG_EXPLANATION], base.get("rag_explanation", ""), alignment=WRAP))
            put(ws, row, cols[COL_SUB_STRAND_ID], s.sub_strand.id, alignment=TOP)
            _lock_grey(ws, row, cols, {COL_OVERALL, COL_COMMENTARY, COL_RAG_EXPLANATION})
            row += 1
    finish_sheet(ws, TEMPLATE_RETURN_COLUMNS, row - 1)
    _protect(ws)


def _write_template_kpis(wb, data, sheet, used, bases):
    period = data.period
    ws, cols = write_objective(
        wb, data, sheet, used, template=True,
        note=f"Fill in the white cells for {period.label}: the figure, the period the data is for, the expected date "
        "of a figure not yet available, the commentary, and any RAG override with its reason.",
    )
    editable = {period.label, COL_DATA_FOR, COL_EXPECTED, COL_COMMENTARY, COL_RAG_OVERRIDE, COL_OVERRIDE_REASON}
    milestone_dv = _list_validation([*(label for _, label in MilestoneStatus.choices), NOT_AVAILABLE],
                                    prompt="The milestone's status, or Not yet available.")
    figure_dv = _list_validation([NOT_AVAILABLE], prompt="Type the figure, or choose Not yet available.", error=False)
    rag_dv = _list_validation(["Red", "Amber", "Green"], prompt="Leave empty to use the rules' status.")
    for dv in (milestone_dv, figure_dv, rag_dv):
        ws.add_data_validation(dv)
    for i, r in enumerate(sheet.kpis):
        row = FIRST_DATA_ROW + i
        kpi, base = r.kpi, bases[r.sub_strand.id]
        figure = ws.cell(row=row, column=cols[period.label])
        if base.get(kpi_field(kpi.id, "not_available")) == "on":
            value, number_format = NOT_AVAILABLE, None
        elif kpi.is_milestone:
            status = base.get(kpi_field(kpi.id, "milestone_status"), "")
            value, number_format = (MilestoneStatus(status).label if status else None), None
        else:
            text = base.get(kpi_field(kpi.id, "value"), "")
            value = excel_number(kpi, Decimal(text)) if text else None
            number_format = number_format_for(kpi.unit, Decimal(text) if text else None)
        put(ws, row, figure.column, value, number_format=number_format, alignment=TOP)
        (milestone_dv if kpi.is_milestone else figure_dv).add(figure)
        put(ws, row, cols[COL_DATA_FOR], base.get(kpi_field(kpi.id, "data_for"), ""), alignment=WRAP)
        expected = base.get(kpi_field(kpi.id, "expected_date"), "")
        put(ws, row, cols[COL_EXPECTED], datetime.date.fromisoformat(expected) if expected else None,
            number_format=DATE_FORMAT, alignment=TOP)
        put(ws, row, cols[COL_COMMENTARY], base.get(kpi_field(kpi.id, "commentary"), ""), alignment=WRAP)
        override = base.get(kpi_field(kpi.id, "rag_override"), "")
        put(ws, row, cols[COL_RAG_OVERRIDE], RAG(override).label if override in RAG.values else None, alignment=TOP)
        rag_dv.add(ws.cell(row=row, column=cols[COL_RAG_OVERRIDE]))
        put(ws, row, cols[COL_OVERRIDE_REASON], base.get(kpi_field(kpi.id, "override_reason"), ""), alignment=WRAP)
        for name in editable:
            _unlock(ws.cell(row=row, column=cols[name]))
        _lock_grey(ws, row, {k: v for k, v in cols.items() if k != "RAG"}, editable)
    _protect(ws)


TEMPLATE_ACTION_COLUMNS = [
    ("Action plan", 24),
    ("No.", 6),
    ("Action", 24),
    ("Wording", 60),
    ("Sub-strand", 22),
    (COL_PROGRESS, 60),
    (COL_ACTION_STATUS, 16),
    (COL_ACTION_ID, 8),
]


def _write_template_actions(wb, data, used, ids, bases):
    actions = [a for a, _ in data.actions if a.sub_strand_id in ids]
    if not actions:
        return
    ws = start_sheet(wb, "Action plan", used, heading=f"Action plan progress – {data.period.label}",
                     note="Progress this quarter on each action of your sub-strands.", columns=TEMPLATE_ACTION_COLUMNS,
                     freeze="C4")
    cols = column_numbers(TEMPLATE_ACTION_COLUMNS)
    dv = _list_validation([label for value, label in Action.Status.choices if value != Action.Status.UNASSESSED],
                          prompt="The action's status this quarter.")
    ws.add_data_validation(dv)
    row = FIRST_DATA_ROW
    for action in actions:
        base = bases[action.sub_strand_id]
        put(ws, row, cols["Action plan"], action.plan.name, alignment=WRAP)
        put(ws, row, cols["No."], action.number, alignment=TOP)
        put(ws, row, cols["Action"], action.title, alignment=WRAP)
        put(ws, row, cols["Wording"], action.wording, alignment=WRAP)
        put(ws, row, cols["Sub-strand"], action.sub_strand.name, alignment=WRAP)
        _unlock(put(ws, row, cols[COL_PROGRESS], base.get(action_field(action.id, "narrative"), ""), alignment=WRAP))
        status = base.get(action_field(action.id, "status"), "")
        _unlock(put(ws, row, cols[COL_ACTION_STATUS], Action.Status(status).label if status else None, alignment=TOP))
        dv.add(ws.cell(row=row, column=cols[COL_ACTION_STATUS]))
        put(ws, row, cols[COL_ACTION_ID], action.id, alignment=TOP)
        _lock_grey(ws, row, cols, {COL_PROGRESS, COL_ACTION_STATUS})
        row += 1
    finish_sheet(ws, TEMPLATE_ACTION_COLUMNS, row - 1)
    _protect(ws)


def return_template_bytes(*, period, user, now=None):
    buffer = io.BytesIO()
    build_return_template(period=period, user=user, now=now).save(buffer)
    return buffer.getvalue()


def template_filename(period):
    return f"sefton-ses-return-template-{period.slug}.xlsx"
