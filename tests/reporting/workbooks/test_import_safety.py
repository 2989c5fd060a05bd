"""Bad files: each gets a clear message naming the sheet, cell and problem, never a 500, and the
database is left exactly as it was."""
import io
import os
import zipfile

import openpyxl
import pytest

from reporting.workbooks.cells import HEADER_ROW
from reporting.workbooks.safety import ImportRefused, check_file
from tests.reporting.workbooks.test_import_roundtrip import (  # noqa: F401 - q2 is a fixture
    PERIOD,
    as_upload,
    cell_of,
    download,
    named,
    page_text,
    q2,
    snapshot,
    upload,
)


@pytest.fixture
def coordinator(q2, client_for):  # noqa: F811
    return client_for("coordinator")


@pytest.fixture
def template(coordinator):
    return download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")


def refused(client, file, url=f"/periods/{PERIOD}/import/"):
    """Upload a file, check it was refused with the error summary, and return the page's text."""
    before = snapshot()
    text = page_text(upload(client, file, url))
    assert "There is a problem" in text, text[:1500]
    assert "Check the changes before saving" not in text
    assert snapshot() == before, "a refused file changed the database"
    return text


def xlsx_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rezip(content, replace):
    """The same .xlsx with some parts' bytes replaced: {name: function(old bytes) -> new bytes}."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in replace:
                data = replace[info.filename](data)
            dst.writestr(info.filename, data)
    return out.getvalue()


# -- not a workbook at all ----------------------------------------------------------------------------


def test_a_csv_renamed_to_xlsx_is_refused(coordinator):
    text = refused(coordinator, named(b"code,value\nHOU-02,712\n"))
    assert "The file is not an Excel workbook (.xlsx)" in text


def test_a_renamed_zip_is_refused(coordinator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("returns.csv", "code,value\nHOU-02,712\n")
    text = refused(coordinator, named(buffer.getvalue()))
    assert "The file is a zip archive, not an Excel workbook (.xlsx)" in text


def test_an_old_xls_or_password_protected_workbook_is_refused(coordinator):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000
    text = refused(coordinator, named(ole))
    assert "Excel 97–2003 workbook (.xls) or a password-protected workbook" in text


def test_a_file_that_is_not_named_xlsx_is_refused(coordinator, template):
    text = refused(coordinator, as_upload(template, name="returns.csv"))
    assert "The file must be an Excel workbook (.xlsx)" in text


def test_a_damaged_workbook_is_refused(coordinator, template):
    content = xlsx_bytes(template)
    assert "not an Excel workbook" in refused(coordinator, named(content[: len(content) // 2]))
    broken = rezip(content, {"xl/workbook.xml": lambda old: b"<workbook><unclosed>"})
    assert "cannot be read" in refused(coordinator, named(broken))


def test_an_empty_upload_is_refused(coordinator):
    assert "The file is empty" in refused(coordinator, named(b""))


# -- too big ------------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(coordinator, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    text = refused(coordinator, named(b"PK\x03\x04" + os.urandom(1_300_000)))
    assert "The file is 1.2 MB: it must be smaller than 1 MB" in text
    with pytest.raises(ImportRefused, match="must be smaller than 1 MB"):
        check_file(b"PK\x03\x04" + b"0" * 1_300_000)


def zip_bomb(size, filler=b"\0"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = filler * (1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(coordinator):
    bomb = zip_bomb(80 * 1024 * 1024)
    assert len(bomb) < 200_000
    text = refused(coordinator, named(bomb))
    assert "expands to 80 MB" in text and "it has not been opened" in text


def test_a_part_compressed_as_a_bomb_is_refused(coordinator):
    text = refused(coordinator, named(zip_bomb(8 * 1024 * 1024)))
    assert "as a zip bomb is" in text


def test_xml_entities_are_refused(coordinator, template):
    doctype = b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'

    def add_doctype(old):
        if old.startswith(b"<?xml"):
            end = old.index(b"?>") + 2
            return old[:end] + doctype + old[end:]
        return doctype + old

    content = rezip(xlsx_bytes(template), {"xl/workbook.xml": add_doctype})
    assert "declares XML entities" in refused(coordinator, named(content))


# -- made by the tracker, but wrong ---------------------------------------------------------------------


def test_a_formula_where_a_value_belongs_is_refused(coordinator, template):
    cell = cell_of(template, "HOU-02", "2023/24 Q2")
    cell.value = "=700+12"
    text = refused(coordinator, as_upload(template))
    assert f"Sheet “Strategic objective 3 KPIs”, cell {cell.coordinate} (HOU-02): the cell holds a formula (=700+12)" in text


def test_text_in_a_number_cell_is_refused(coordinator, template):
    cell = cell_of(template, "HOU-02", "2023/24 Q2")
    cell.value = "about seven hundred"
    text = refused(coordinator, as_upload(template))
    assert f"Sheet “Strategic objective 3 KPIs”, cell {cell.coordinate} (HOU-02): enter a number, like 640 or 12.5" in text


def test_an_unknown_kpi_id_is_refused(coordinator, template):
    cell = cell_of(template, "HOU-02", "KPI id")
    cell.value = 99999
    text = refused(coordinator, as_upload(template))
    assert f"cell {cell.coordinate}: there is no KPI with id 99999" in text


def test_a_kpi_id_changed_to_another_kpis_is_refused(coordinator, template):
    from kpis.models import KPI

    cell = cell_of(template, "HOU-02", "KPI id")
    other = cell_of(template, "HOU-01", "KPI id")
    cell.value, other.value = other.value, cell.value  # rows out of step with their ids
    text = refused(coordinator, as_upload(template))
    assert f"cell {cell.coordinate}: KPI id {KPI.objects.get(code='HOU-01').id} is HOU-01, but the row's code says “HOU-02”" in text
    cell.value = "HOU-02"
    assert "“HOU-02” is not a KPI id" in refused(coordinator, as_upload(template))


def test_a_kpi_row_twice_is_refused(coordinator, template):
    ws = template["Strategic objective 3 KPIs"]
    source = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "HOU-02")
    target = ws.max_row + 1
    for cell in source:
        ws.cell(row=target, column=cell.column, value=cell.value)
    assert "appears twice" in refused(coordinator, as_upload(template))


def test_a_workbook_of_another_period_is_refused(coordinator):
    q1 = download(coordinator, "/periods/2023-24-q1/briefing.xlsx")
    text = refused(coordinator, as_upload(q1))
    assert "This workbook is for 2023/24 Q1, not 2023/24 Q2" in text


def test_an_approved_return_cannot_be_changed(coordinator):
    q1 = download(coordinator, "/periods/2023-24-q1/briefing.xlsx")
    cell = cell_of(q1, "TOU-01", "Commentary")
    cell.value = "Rewritten after approval"
    text = refused(coordinator, as_upload(q1), "/periods/2023-24-q1/import/")
    assert (f"Sheet “Strategic objective 3 KPIs”, cell {cell.coordinate} (TOU-01): the Tourism return for 2023/24 Q1 is "
            "published, so it cannot be changed") in text


def test_a_submitted_return_cannot_be_changed(coordinator):
    wb = download(coordinator, f"/periods/{PERIOD}/briefing.xlsx")
    cell_of(wb, "TOU-02", "2023/24 Q2").value = 1
    assert "the Tourism return for 2023/24 Q2 is submitted, so it cannot be changed" in refused(coordinator, as_upload(wb))


def test_an_empty_template_is_refused(coordinator, template):
    for ws in template.worksheets:
        if ws.title != "_tracker" and ws.max_row > HEADER_ROW:
            ws.delete_rows(HEADER_ROW + 1, ws.max_row)
    text = refused(coordinator, as_upload(template))
    assert "The workbook holds no KPI, return or action rows: there is nothing to import" in text


def test_a_workbook_not_made_by_the_tracker_is_refused(coordinator):
    wb = openpyxl.Workbook()
    wb.active.append(["Code", "2023/24 Q2"])
    wb.active.append(["HOU-02", 712])
    assert "This workbook was not made by the tracker" in refused(coordinator, as_upload(wb))


def test_a_readers_workbook_cannot_empty_the_drafts(coordinator, client_for):
    readers = download(client_for("cabinet"), f"/periods/{PERIOD}/briefing.xlsx")
    assert "exported without the draft returns" in refused(coordinator, as_upload(readers))


def test_a_sheet_for_another_quarter_is_named(coordinator, template):
    ws = template["Strategic objective 3 KPIs"]
    cell = next(c for c in ws[HEADER_ROW] if c.value == "2023/24 Q2")
    cell.value = "2023/24 Q3"
    text = refused(coordinator, as_upload(template))
    assert "Sheet “Strategic objective 3 KPIs”, cell A3: there is no column headed “2023/24 Q2”" in text
