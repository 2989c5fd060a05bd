"""The briefing workbook: Sefton's Q1 2023/24 exactly as in the database, in the council's own format."""
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import KPI, Measurement
from kpis.services import rate_measurement
from tests.factories import approved_figures
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import QuarterlyReturn
from reporting.workbooks.cells import COL_KPI_ID, HEADER_ROW, RAG_COLOURS, safe_sheet_name
from reporting.workbooks.export import build_briefing_workbook
from tests.factories import KPIFactory, ObjectiveFactory, ReturnFactory, SubStrandFactory

MARKER = "ZZWORKBOOKDRAFT"


def open_xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(ws):
    """The sheet's rows below its heading row, as dicts keyed by heading, with the cells too."""
    headings = [c.value for c in ws[HEADER_ROW]]
    rows = []
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1):
        if all(c.value is None for c in cells):
            continue
        row = {h: c.value for h, c in zip(headings, cells)}
        row["_cells"] = dict(zip(headings, cells))
        rows.append(row)
    return rows


def kpi_sheets(wb):
    return [ws for ws in wb.worksheets if ws.title.startswith("Strategic objective ")]


def kpi_rows(wb):
    found = {}
    for ws in kpi_sheets(wb):
        for row in table(ws):
            if row.get("Code"):
                found[row["Code"]] = row
    return found


def fill_of(cell):
    return cell.fill.fgColor.rgb[-6:].upper()


def q2_figures(*, state="draft"):
    """Q2 2023/24 returns with figures of each unit, in the given state."""
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    values = {"HOU-02": Decimal("712"), "TOU-02": Decimal("35000000"), "HW-01": Decimal("23.5"), "HW-07": Decimal("78.4"),
              "PLA-02": Decimal("12500.5")}
    made = {}
    for code, value in values.items():
        kpi = KPI.objects.get(code=code)
        ret, _ = QuarterlyReturn.objects.get_or_create(
            sub_strand=kpi.sub_strand, period=period, defaults={"state": state, "overall_rag": "amber",
                                                                "commentary": f"{kpi.sub_strand.name} in Q2"})
        m = Measurement(kpi=kpi, period=period, value=value, data_for="Q2 2023/24", commentary=f"{code} commentary")
        rate_measurement(m)
        m.save()
        if state in ("approved", "published"):
            approved_figures(m)  # approval freezes its figures: readers see those
        made[code] = m
    return period, made


def test_q1_workbook_has_every_sub_strands_status_and_commentary_as_in_the_database(client_for):
    wb = open_xlsx(client_for("coordinator").get("/periods/2023-24-q1/briefing.xlsx"))
    assert wb.sheetnames[0] == "Summary"
    rows = {int(row["Sub-strand id"]): row for row in table(wb["Summary"])}
    returns = QuarterlyReturn.objects.filter(period__slug="2023-24-q1").select_related("sub_strand__objective")
    assert returns.count() == 11
    assert len(rows) == SubStrand.objects.count() == 11
    for ret in returns:
        row = rows[ret.sub_strand_id]
        assert row["Strategic objective"] == ret.sub_strand.objective.name
        assert row["Sub-strand"] == ret.sub_strand.name
        assert row["Lead service"] == ret.sub_strand.lead_service
        assert row["Overall status"] == ret.get_overall_rag_display()
        status_cell = row["_cells"]["Overall status"]
        assert fill_of(status_cell) == RAG_COLOURS[ret.overall_rag][0]
        assert status_cell.font.color.rgb[-6:] == RAG_COLOURS[ret.overall_rag][1]
        assert row["Commentary"] == ret.commentary
        assert row["_cells"]["Commentary"].alignment.wrap_text
        assert row["Return status"] == "Published"
        assert row["Movement since the status before"] == "No previous status"
    amber = [row["Sub-strand"] for row in rows.values() if row["Overall status"] == "Amber"]
    assert amber == ["Health & Wellbeing"]


def test_q1_workbook_has_every_kpi_as_in_the_database(client_for):
    wb = open_xlsx(client_for("cabinet").get("/periods/2023-24-q1/briefing.xlsx"))
    rows = kpi_rows(wb)
    kpis = KPI.objects.filter(is_active=True).select_related("sub_strand")
    assert len(rows) == kpis.count() >= 40
    figures = {m.kpi_id: m for m in Measurement.objects.filter(period__slug="2023-24-q1")}
    assert figures, "the Q1 fixture has figures"
    for kpi in kpis:
        row = rows[kpi.code]
        assert row["KPI"] == kpi.title
        assert row["Sub-strand"] == kpi.sub_strand.name
        assert row["Unit"] == kpi.get_unit_display()
        assert row[COL_KPI_ID] == str(kpi.id)  # text: a number in a hidden column prints as "###"
        m = figures.get(kpi.id)
        if m is None:
            assert row["2023/24 Q1"] is None and row["RAG"] == "No figure"
            continue
        assert row["RAG"] == m.rag_label
        assert fill_of(row["_cells"]["RAG"]) == RAG_COLOURS[m.rag or None][0]
        assert (row["Data for"] or "") == m.data_for
        assert (row["Commentary"] or "") == m.commentary
        if m.not_available:
            assert row["2023/24 Q1"] == "Not yet available"
        elif kpi.is_milestone:
            assert row["2023/24 Q1"] == m.get_milestone_status_display()
    assert rows["TOU-01"]["2023/24 Q1"] == "Not yet available"
    assert rows["TOU-01"]["Data for"] == "Calendar year 2022"
    assert rows["PLA-01"]["2023/24 Q1"] == "Achieved"
    assert rows["HOU-02"]["Target"] == 640
    assert rows["HOU-02"]["Target kind"] == "Local Plan requirement"


def test_kpi_sheets_show_the_last_four_quarters(client_for):
    period, made = q2_figures(state="approved")
    ws = kpi_sheets(open_xlsx(client_for("cabinet").get("/periods/2023-24-q2/briefing.xlsx")))[2]
    headings = [c.value for c in ws[HEADER_ROW]]
    assert headings[6:10] == ["2022/23 Q3", "2022/23 Q4", "2023/24 Q1", "2023/24 Q2"]
    row = {r["Code"]: r for r in table(ws)}["HOU-02"]
    assert row["2023/24 Q2"] == 712
    assert row["2023/24 Q1"] == "Not yet available"
    assert row["RAG"] == "Green"


def test_numbers_pounds_and_percentages_have_their_formats(client_for):
    q2_figures()
    wb = open_xlsx(client_for("coordinator").get("/periods/2023-24-q2/briefing.xlsx"))
    rows = kpi_rows(wb)
    homes = rows["HOU-02"]["_cells"]["2023/24 Q2"]
    assert homes.value == 712 and homes.number_format == "#,##0"
    assert rows["HOU-02"]["_cells"]["Target"].number_format == "#,##0"
    money = rows["TOU-02"]["_cells"]["2023/24 Q2"]
    assert money.value == 35000000 and money.number_format == '"£"#,##0'
    share = rows["HW-01"]["_cells"]["2023/24 Q2"]
    assert share.value == pytest.approx(0.235) and share.number_format == "0.0%"
    floorspace = rows["PLA-02"]["_cells"]["2023/24 Q2"]
    assert floorspace.value == pytest.approx(12500.5) and "#,##0" in floorspace.number_format
    assert rows["HW-07"]["_cells"]["2023/24 Q2"].number_format == "0.0"
    calendar = table(wb["Calendar"])
    q2 = next(r for r in calendar if r["Quarter"] == "2023/24 Q2")
    assert q2["Dashboard update deadline"] == datetime.datetime(2023, 9, 1)
    assert q2["_cells"]["Dashboard update deadline"].number_format == "d mmmm yyyy"
    assert q2["Economy Cell meeting"] == datetime.datetime(2023, 9, 7)


def test_every_sheet_is_laid_out_for_screen_and_print(client_for):
    wb = open_xlsx(client_for("coordinator").get("/periods/2023-24-q1/briefing.xlsx"))
    assert {"Summary", "Action plan", "Calendar"} <= set(wb.sheetnames)
    assert len(kpi_sheets(wb)) == 4
    for ws in wb.worksheets:
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        if ws.sheet_state == "hidden":
            assert ws.title == "_tracker"
            continue
        assert ws.freeze_panes in ("A4", "C4"), ws.title
        assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:"), ws.title
        assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        # Fitted to the page's width only where the text stays at 80% or more; otherwise printed at
        # 80% over pages across, with the frozen columns on every page.
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        else:
            assert ws.page_setup.scale == 80 and ws.print_title_cols.replace("$", "") == "A:B", ws.title
        assert ws.column_dimensions["A"].width >= 5
        assert ws.cell(HEADER_ROW, 1).font.b
        for row in range(1, ws.max_row + 1):  # every row has a height: wrapped text never runs over the next
            assert ws.row_dimensions[row].height, (ws.title, row)
    for name in ("Summary", "Calendar"):
        assert wb[name].sheet_properties.pageSetUpPr.fitToPage, name
    assert not kpi_sheets(wb)[0].sheet_properties.pageSetUpPr.fitToPage
    assert [ws.title for ws in kpi_sheets(wb)] == [f"Strategic objective {n} KPIs" for n in range(1, 5)]
    assert wb["Summary"].column_dimensions["H"].width >= 60


def test_the_document_properties_name_the_period_and_the_export_time(demo_users, sefton):
    now = datetime.datetime(2024, 3, 5, 10, 15, tzinfo=datetime.timezone.utc)
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    wb = build_briefing_workbook(period=period, user=demo_users["coordinator"], now=now)
    buffer = io.BytesIO()
    wb.save(buffer)
    props = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).properties
    assert "2023/24 Q1" in props.title
    assert "2023/24 Q1" in props.subject
    assert "2023-24-q1" in props.keywords
    assert props.created == datetime.datetime(2024, 3, 5, 10, 15)
    assert "5 March 2024" in props.description


def test_a_reader_gets_no_drafts_in_the_workbook(client_for):
    period, made = q2_figures()
    for ret in QuarterlyReturn.objects.filter(period=period):
        ret.commentary = MARKER
        ret.save()
    coordinator = client_for("coordinator").get("/periods/2023-24-q2/briefing.xlsx")
    assert MARKER in xml_text(coordinator)
    for reader in ("cabinet", "scrutiny"):
        response = client_for(reader).get("/periods/2023-24-q2/briefing.xlsx")
        text = xml_text(response)
        assert MARKER not in text
        assert "Q2 commentary" not in text and "35000000" not in text
        summary = table(open_xlsx(response)["Summary"])
        assert {r["Return status"] for r in summary} == {"No return yet"}


def test_an_officer_sees_their_own_drafts_but_no_one_elses(client_for):
    q2_figures()
    rows = kpi_rows(open_xlsx(client_for("officer").get("/periods/2023-24-q2/briefing.xlsx")))
    assert rows["HOU-02"]["2023/24 Q2"] == 712  # housing: the officer's own
    assert rows["TOU-02"]["2023/24 Q2"] is None  # tourism: someone else's draft


def xml_text(response):
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        return " ".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))


def test_commentary_that_looks_like_a_formula_stays_text(client_for):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    sub = SubStrand.objects.get(slug="housing")
    QuarterlyReturn.objects.create(sub_strand=sub, period=period, commentary='=HYPERLINK("http://evil.example","x")\x07')
    wb = open_xlsx(client_for("coordinator").get("/periods/2023-24-q2/briefing.xlsx"))
    row = next(r for r in table(wb["Summary"]) if r["Sub-strand id"] == str(sub.id))
    cell = row["_cells"]["Commentary"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","x")'


def test_sheet_names_are_ones_excel_accepts():
    used = set()
    assert safe_sheet_name("Summary", used) == "Summary"
    assert safe_sheet_name("summary", used) == "summary (2)"
    long = safe_sheet_name("4. Social Inclusion & Access for all people [2023/24]: *?", used)
    assert len(long) <= 31 and not set(long) & set("[]:*?/\\")
    assert safe_sheet_name("'quoted'", used) == "quoted"
    assert safe_sheet_name("///", used) == "Sheet"


def test_unknown_period_is_not_found_and_anonymous_users_sign_in(client_for, client):
    assert client_for("coordinator").get("/periods/2031-32-q9/briefing.xlsx").status_code == 404
    response = client.get("/periods/2023-24-q1/briefing.xlsx")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_export_takes_the_same_number_of_queries_at_two_sizes(client_for):
    client = client_for("coordinator")
    url = "/periods/2023-24-q2/briefing.xlsx"
    q2_figures()
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    for i in range(3):
        objective = ObjectiveFactory(strategy=SubStrand.objects.first().objective.strategy, number=10 + i)
        for j in range(3):
            sub = SubStrandFactory(objective=objective, order=j + 1)
            ReturnFactory(sub_strand=sub, period=period, overall_rag="red", commentary="bigger")
            for k in range(4):
                kpi = KPIFactory(sub_strand=sub, order=k + 1)
                Measurement.objects.create(kpi=kpi, period=period, value=k, rag_calculated="green")
    client.get(url)  # what requests share, read again since the data changed (reporting.readers_cache)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(kpi_sheets(open_xlsx(response))) == 7
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_export_briefing_command_writes_the_workbook(sefton, demo_users, tmp_path):
    q2_figures()
    out = tmp_path / "q2.xlsx"
    call_command("export_briefing", "2023-24-q2", str(out))
    rows = kpi_rows(openpyxl.load_workbook(out))
    assert rows["HOU-02"]["2023/24 Q2"] is None, "without --user the command writes approved figures only"
    call_command("export_briefing", "2023-24-q2", str(out), "--user", "coordinator")
    assert kpi_rows(openpyxl.load_workbook(out))["HOU-02"]["2023/24 Q2"] == 712
    with pytest.raises(CommandError, match="no reporting period"):
        call_command("export_briefing", "2099-00-q1", str(out))
    with pytest.raises(CommandError, match="no user"):
        call_command("export_briefing", "2023-24-q2", str(out), "--user", "nobody")
