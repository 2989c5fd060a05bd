"""Cells a spreadsheet would run as a formula: one rule for every CSV and workbook the product writes.

Excel, LibreOffice and Google Sheets read a cell that begins with =, +, - or @ as a formula (and
one that begins with a tab, carriage return or line feed before one), so a commentary typed as
'=HYPERLINK("http://…","Click here")' would run when a downloaded file is opened. Every text cell
goes through `starts_like_a_formula`:

- in a CSV (`csv_cell`: the dashboard's KPI table, the open data), such text gets a leading
  apostrophe, which spreadsheets show as text and never run;
- in a workbook (`reporting.workbooks.cells.put`: the briefing workbook and notes, the return
  template), it is stored as text with Excel's quote prefix, so that it shows as typed and stays
  text when someone edits the cell, and reads back unchanged when the workbook is imported.
"""
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# The full-width forms too: some spreadsheets read them as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_like_a_formula(value):
    """Would a spreadsheet read this text as a formula?"""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A value for a CSV cell: text a spreadsheet would run gets a leading apostrophe; None is
    empty; numbers, dates and booleans are left as they are."""
    if value is None:
        return ""
    if starts_like_a_formula(value):
        return "'" + value
    return value


def storable_text(value):
    """Text as a workbook cell or a Word document (both XML) can hold it: no control characters, at
    most 32,767 characters (Excel's limit for a cell)."""
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]
