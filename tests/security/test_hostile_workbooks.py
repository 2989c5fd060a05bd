"""Hostile workbooks (issue 13, defect 5): an entity declaration is found in every part whatever its
name or encoding, a sheet too long is refused rather than read in part, and a cell that is not a
number where the file says it is one is named. Each is refused with the error summary, before
anything is written."""
import codecs
import re

import pytest

from reporting.workbooks.cells import HEADER_ROW
from reporting.workbooks.reader import MAX_ROWS_PER_SHEET
from tests.reporting.workbooks.test_import_roundtrip import PERIOD, cell_of, download, named  # noqa: F401
from tests.reporting.workbooks.test_import_roundtrip import q2  # noqa: F401 - a fixture
from tests.reporting.workbooks.test_import_safety import refused, rezip, xlsx_bytes

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
FIGURES = {}  # kind of hostile workbook -> what it got, for the note


@pytest.fixture
def coordinator(q2, client_for):  # noqa: F811
    return client_for("coordinator")


@pytest.fixture
def template(coordinator):
    return download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")


def sheet_part(content):
    """The name of the worksheet part holding the KPI rows (the largest sheet)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheets = [i for i in zf.infolist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", i.filename)]
        return max(sheets, key=lambda i: i.file_size).filename


def with_doctype(xml, encoding, bom=True):
    """The part re-encoded in `encoding`, declaring it, with a billion-laughs DTD after the declaration."""
    text = xml.decode("utf-8")
    body = text[text.index("?>") + 2:] if text.startswith("<?xml") else text
    declared = encoding.replace("-le", "").replace("-be", "").upper()
    out = f'<?xml version="1.0" encoding="{declared}" standalone="yes"?>{LAUGHS}{body}'.encode(encoding)
    if bom and encoding.endswith(("-le", "-be")):
        boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
                "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
        out = boms[encoding] + out
    return out


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", True), ("utf-16-be", False),
    ("utf-32-le", True), ("utf-32-be", False), ("utf-8", False),
])
def test_a_dtd_in_a_sheet_in_any_encoding_is_refused(coordinator, template, encoding, bom):
    content = xlsx_bytes(template)
    part = sheet_part(content)
    hostile = rezip(content, {part: lambda old: with_doctype(old, encoding, bom)})
    text = refused(coordinator, named(hostile))
    assert "declares XML entities: it has not been opened" in text
    FIGURES[f"DTD in a {encoding}{' BOM' if bom else ''} sheet"] = "refused"


def test_a_dtd_in_a_part_renamed_bin_is_refused(coordinator, template):
    import io
    import zipfile

    content = xlsx_bytes(template)
    part = sheet_part(content)
    renamed = part.replace(".xml", ".bin")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            name = info.filename
            if name == part:
                name, data = renamed, with_doctype(data, "utf-16-le")
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(part.split("/", 1)[1].encode(), renamed.split("/", 1)[1].encode())
                data = data.replace(part.encode(), renamed.encode())
            dst.writestr(name, data)
    text = refused(coordinator, named(out.getvalue()))
    assert f"Part {renamed} of the file declares XML entities" in text
    FIGURES["DTD in a part renamed .bin (UTF-16)"] = "refused"


def test_an_entity_bomb_in_an_unreferenced_part_is_refused(coordinator, template):
    import io
    import zipfile

    content = xlsx_bytes(template)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("customXml/item1.dat", ("<?xml version='1.0'?>" + LAUGHS + "<a>&lol3;</a>").encode("utf-16"))
    assert "customXml/item1.dat of the file declares XML entities" in refused(coordinator, named(out.getvalue()))


@pytest.mark.parametrize("encoding", ["UTF-7", "IBM037", "x-unknown"])
def test_a_part_declaring_an_encoding_workbooks_never_use_is_refused(coordinator, template, encoding):
    content = xlsx_bytes(template)
    part = sheet_part(content)

    def redeclare(old):
        text = old.decode("utf-8")
        body = text[text.index("?>") + 2:] if text.startswith("<?xml") else text
        return f'<?xml version="1.0" encoding="{encoding}"?>{body}'.encode("utf-8")

    text = refused(coordinator, named(rezip(content, {part: redeclare})))
    assert "written in an encoding that workbooks never use" in text
    FIGURES[f"sheet declared as {encoding}"] = "refused"


def test_rows_past_the_limit_are_refused_not_ignored(coordinator, template):
    cell = cell_of(template, "HOU-02", "2023/24 Q2")
    ws = cell.parent
    far = HEADER_ROW + MAX_ROWS_PER_SHEET + 5
    ws.cell(row=far, column=1, value="HOU-99")
    text = refused(coordinator, named(xlsx_bytes(template)))
    assert f"the sheet has rows past row {HEADER_ROW + MAX_ROWS_PER_SHEET:,}" in text
    assert "none of it has been read" in text
    FIGURES["a sheet 20,000+ rows long"] = "refused"


def test_rows_the_file_hides_past_its_stated_size_are_read(coordinator, template):
    """A forged <dimension> must not hide rows from the import: they are read (and refused here)."""
    cell = cell_of(template, "HOU-02", "2023/24 Q2")
    cell.value = "not a number"
    content = xlsx_bytes(template)
    part = f"xl/worksheets/sheet{template.worksheets.index(cell.parent) + 1}.xml"
    forged = rezip(content, {part: lambda old: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:B2"/>', old)})
    assert "enter a number, like 640 or 12.5" in refused(coordinator, named(forged))


@pytest.mark.parametrize("bad", [b"INF", b"NaN", b"-INF", b"1.#INF", b"nan"])
def test_a_number_cell_holding_inf_or_nan_is_refused_with_its_sheet(coordinator, template, bad):
    cell = cell_of(template, "HOU-02", "2023/24 Q2")
    cell.value = 4242.5
    sheet = cell.parent.title
    content = xlsx_bytes(template)
    part = f"xl/worksheets/sheet{template.worksheets.index(cell.parent) + 1}.xml"  # as openpyxl names them
    hostile = rezip(content, {part: lambda old: old.replace(b"<v>4242.5</v>", b"<v>" + bad + b"</v>")})
    text = refused(coordinator, named(hostile))
    assert f"Sheet “{sheet}”" in text and "holds a value that is not a number (such as INF or NaN)" in text
    assert "ValueError" not in text.split("not a number")[0]
    FIGURES[f"{bad.decode()} in a number cell"] = "refused"


@pytest.mark.parametrize("kpi_id", ["²", "９", "9223372036854775808"])
def test_a_kpi_id_that_is_not_plain_digits_is_refused(coordinator, template, kpi_id):
    cell_of(template, "HOU-02", "KPI id").value = kpi_id
    text = refused(coordinator, named(xlsx_bytes(template)))
    assert "is not a KPI id" in text or "there is no KPI with id" in text


@pytest.mark.parametrize("figure, message", [
    ("1,2,3", "put commas only between thousands"), ("５", "type the number with the digits 0 to 9"),
    ("5%", "a % sign goes only with a percentage"), ("9999999999999.999", "the value is too large"),
])
def test_a_figure_typed_as_text_follows_the_return_forms_rules(coordinator, template, figure, message):
    cell_of(template, "HOU-02", "2023/24 Q2").value = figure
    assert message in refused(coordinator, named(xlsx_bytes(template)))
