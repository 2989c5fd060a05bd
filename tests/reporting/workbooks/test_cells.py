"""reporting.workbooks.cells.put: the styles it works out once a workbook for each combination give
every cell what assigning each style to it gives."""
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from reporting.workbooks.cells import BODY_FONT, BOLD_FONT, DATE_FORMAT, HEADER_FILL, TOP, WRAP, put

# (value, keyword arguments), written again and again in turn, as a sheet's rows are.
WRITES = [
    ("Housing", {}),
    ("=HYPERLINK(\"http://example.com\")", {"alignment": WRAP}),  # text that looks like a formula: a quote prefix
    (12.5, {"number_format": "#,##0.0", "alignment": TOP}),
    ("Heading", {"font": BOLD_FONT, "fill": HEADER_FILL}),
    (None, {"number_format": DATE_FORMAT}),
    ("Red", {"fill": PatternFill("solid", fgColor="D4351C"), "font": Font(name="Arial", size=10, bold=True)}),
    ("Plain", {"alignment": Alignment(horizontal="left")}),
]


def assigned_by_hand(ws, row, column, value, number_format=None, alignment=None, font=None, fill=None):
    """What openpyxl gives a cell when each style is assigned to it (put's behaviour before it kept them)."""
    cell = ws.cell(row=row, column=column)
    put(ws, row, column, value)  # the value (and a quote prefix) as put writes it
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    cell.font = font if font is not None else BODY_FONT
    if fill is not None:
        cell.fill = fill
    return cell


def test_every_cell_put_has_the_styles_assigning_them_gives():
    wb = Workbook()  # (new_workbook reads the council's name: no database here)
    kept, by_hand = wb.active, wb.create_sheet("by hand")
    for row in range(1, 30):
        for column, (value, styles) in enumerate(WRITES, start=1):
            if row == 5 and column == 2:  # a cell with a style of its own before it is written
                kept.cell(row=row, column=column).protection = Protection(locked=False)
                by_hand.cell(row=row, column=column).protection = Protection(locked=False)
            put(kept, row, column, value, **styles)
            assigned_by_hand(by_hand, row, column, value, **styles)
    for row in range(1, 30):
        for column in range(1, len(WRITES) + 1):
            a, b = kept.cell(row=row, column=column), by_hand.cell(row=row, column=column)
            assert (a.value, a.data_type) == (b.value, b.data_type)
            # both sheets are of one workbook: the same styles are the same positions in its lists
            assert tuple(a._style) == tuple(b._style), (row, column)
            assert (a.number_format, a.protection.locked, a.quotePrefix) == (b.number_format, b.protection.locked, b.quotePrefix)
    assert kept.cell(row=5, column=2).protection.locked is False
    assert kept.cell(row=1, column=2).quotePrefix and not kept.cell(row=1, column=1).quotePrefix
