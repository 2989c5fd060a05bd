"""The return template: what it holds, its locked ids and drop-downs; and the workbooks page."""
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.workbooks.cells import HEADER_ROW
from tests.factories import KPIFactory, ObjectiveFactory, ReturnFactory, SubStrandFactory
from tests.reporting.workbooks.test_import_roundtrip import (  # noqa: F401 - q2 is a fixture
    PERIOD,
    cell_of,
    download,
    page_text,
    q2,
    return_cell,
)


@pytest.fixture
def template(q2, client_for):  # noqa: F811
    return download(client_for("coordinator"), f"/periods/{PERIOD}/return-template.xlsx")


def validations_of(ws):
    """{cell coordinate: DataValidation} for every cell with a drop-down list."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for row in ws.iter_rows(min_row=cell_range.min_row, max_row=cell_range.max_row,
                                    min_col=cell_range.min_col, max_col=cell_range.max_col):
                for cell in row:
                    found[cell.coordinate] = dv
    return found


def test_the_template_holds_the_returns_the_user_may_fill_in_with_what_is_saved(template):
    returns = {row[1].value: row[2].value for row in template["Returns"].iter_rows(min_row=HEADER_ROW + 1)}
    assert returns["Housing"] == "Draft"
    assert returns["Digital"] == "Not started"
    assert "Tourism" not in returns, "a submitted return cannot be filled in"
    assert cell_of(template, "HOU-02", "2023/24 Q2").value == 712
    assert cell_of(template, "HOU-01", "2023/24 Q2").value == "Not yet available"
    assert cell_of(template, "HOU-01", "Expected date").value == datetime.datetime(2023, 10, 31)
    share = cell_of(template, "HW-01", "2023/24 Q2")
    assert share.value == pytest.approx(0.235) and share.number_format == "0.0%"
    assert cell_of(template, "HW-03", "RAG override").value == "Red"
    assert cell_of(template, "HW-03", "Override reason").value == "Rising since last year"
    assert cell_of(template, "PLA-01", "2023/24 Q2").value == "On track"
    assert return_cell(template, "housing", "Overall status").value == "Amber"
    with pytest.raises(AssertionError):
        cell_of(template, "TOU-02", "2023/24 Q2")
    assert template.sheetnames[0] == "Instructions"
    assert template["_tracker"].sheet_state == "hidden"


def test_the_ids_are_locked_and_only_the_cells_to_fill_are_open(template):
    for ws in template.worksheets:
        assert ws.protection.sheet, ws.title
    kpi_id = cell_of(template, "HOU-02", "KPI id")
    assert kpi_id.protection.locked
    assert cell_of(template, "HOU-02", "Code").protection.locked
    assert cell_of(template, "HOU-02", "2023/24 Q1").protection.locked, "earlier quarters are for reference"
    assert cell_of(template, "HOU-02", "Target").protection.locked
    for heading in ("2023/24 Q2", "Data for", "Expected date", "Commentary", "RAG override", "Override reason"):
        assert not cell_of(template, "HOU-02", heading).protection.locked, heading
    assert return_cell(template, "housing", "Sub-strand id").protection.locked
    assert not return_cell(template, "housing", "Commentary").protection.locked


def test_the_statuses_have_drop_down_lists(template):
    kpis = template["Strategic objective 3 KPIs"]
    lists = validations_of(kpis)
    override = lists[cell_of(template, "HOU-02", "RAG override").coordinate]
    assert override.type == "list" and override.formula1 == '"Red,Amber,Green"' and override.showErrorMessage
    milestone = lists[cell_of(template, "PLA-01", "2023/24 Q2").coordinate]
    assert "Achieved" in milestone.formula1 and "Not yet available" in milestone.formula1
    figure = lists[cell_of(template, "HOU-02", "2023/24 Q2").coordinate]
    assert figure.formula1 == '"Not yet available"' and not figure.showErrorMessage, "numbers can still be typed"
    overall = validations_of(template["Returns"])[return_cell(template, "housing", "Overall status").coordinate]
    assert overall.formula1 == '"Red,Amber,Green"'


def test_no_template_for_a_period_not_open(q2, client_for):  # noqa: F811
    client = client_for("coordinator")
    response = client.get("/periods/2023-24-q3/return-template.xlsx")
    assert response.status_code == 302 and response["Location"] == "/periods/2023-24-q3/import/"
    assert "2023/24 Q3 is not open for returns yet" in page_text(client.get(response["Location"]))


def test_the_workbooks_page_offers_what_each_user_may_download(q2, client_for):  # noqa: F811
    reader = page_text(client_for("cabinet").get("/workbooks/"))
    assert "Download the workbook for 2023/24 Q1 (.xlsx)" in reader
    assert "Download the note for 2023/24 Q1 (.docx)" in reader
    assert "Download the note for 2023/24 Q2" not in reader
    assert "Template and import" not in reader
    coordinator = page_text(client_for("coordinator").get("/workbooks/"))
    assert "Template and import for 2023/24 Q2" in coordinator
    assert "Template and import for 2023/24 Q1" not in coordinator, "a published period takes no imports"
    assert "Workbooks" in coordinator


def test_the_workbooks_page_takes_the_same_number_of_queries_at_two_sizes(q2, client_for):  # noqa: F811
    client = client_for("coordinator")
    client.get("/workbooks/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/workbooks/").status_code == 200
    for fy in range(2015, 2023):
        for quarter in (1, 2, 3, 4):
            ReportingPeriod.objects.create(financial_year=fy, number=quarter, state="published")
    client.get("/workbooks/")  # what requests share, read again since the data changed (reporting.readers_cache)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/workbooks/")
    assert "2015/16 Q1" in page_text(response)
    assert len(large) == len(small)


def _luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour(value, default):
    rgb = getattr(value, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) and len(rgb) >= 6 else default


def test_every_status_and_text_in_the_template_is_readable_against_its_fill(template):
    checked = 0
    for ws in template.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                fill = colour(cell.fill.fgColor, "FFFFFF") if cell.fill.fill_type == "solid" else "FFFFFF"
                text = colour(cell.font.color, "000000") if cell.font.color is not None else "000000"
                assert contrast(text, fill) >= 4.5, (ws.title, cell.coordinate, cell.value, text, fill)
                checked += 1
    assert checked > 200
    last = return_cell(template, "planning", "Last period's status")
    assert last.value == "Green" and colour(last.fill.fgColor, "") == "00703C"  # its own colour, not grey


def test_commentary_carried_forward_from_last_quarter_is_marked_as_last_quarters(template):
    carried = return_cell(template, "digital", "Commentary")  # not started: it starts from Q1's commentary
    assert carried.value.startswith("Sefton Council has an established digital strategy")
    assert carried.font.i
    assert return_cell(template, "digital", "Commentary so far").value == "Last period's, carried forward: update it"
    saved = return_cell(template, "housing", "Commentary")  # a draft saved for Q2: this quarter's
    assert not saved.font.i
    assert return_cell(template, "housing", "Commentary so far").value == "This period's"
    assert "carried forward" in template["Returns"]["A2"].value


def test_the_template_takes_the_same_number_of_queries_at_two_sizes(q2, client_for):  # noqa: F811
    """What each return's rows start from is read once for all the returns, not once a return: with
    nine more sub-strands, three of them started and six with last period's commentary to carry
    forward, the template runs the same queries."""
    client = client_for("coordinator")
    url = f"/periods/{PERIOD}/return-template.xlsx"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    period = ReportingPeriod.objects.get(slug=PERIOD)
    before = period.previous()
    strategy = SubStrand.objects.first().objective.strategy
    for i in range(3):
        objective = ObjectiveFactory(strategy=strategy, number=10 + i)
        for j in range(3):
            sub = SubStrandFactory(objective=objective, order=j + 1)
            for k in range(4):
                kpi = KPIFactory(sub_strand=sub, order=k + 1)
                if j == 0:
                    Measurement.objects.create(kpi=kpi, period=period, value=k, commentary=f"Figure {k}")
            if j == 0:
                ReturnFactory(sub_strand=sub, period=period, commentary=f"Started {i}")
            else:
                ReturnFactory(sub_strand=sub, period=before, state="published", overall_rag="green",
                              commentary=f"Carried {i}-{j}")
    client.get(url)  # what requests share, read again since the data changed (reporting.readers_cache)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    commentary = [str(c.value) for row in wb["Returns"].iter_rows(min_row=HEADER_ROW + 1) for c in row if c.value]
    assert "Started 2" in commentary and "Carried 2-2" in commentary
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
