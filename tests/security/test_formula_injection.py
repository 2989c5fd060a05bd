"""Formula injection: text typed into a commentary (or any field an officer fills in) that begins
with =, +, - or @ never runs as a formula in any CSV or workbook the product writes. The formulas
are planted, every file is downloaded and every cell read; then LibreOffice, a real spreadsheet,
opens the files and must find no formula in them (it does find one in a CSV written naively)."""
import csv
import io
import os
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from objectives.text import with_line_feeds
from reporting.models import QuarterlyReturn

# Written out here, not imported from reporting.cell_safety, so that the test checks the rule.
STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_like_a_formula(value):
    return isinstance(value, str) and value.startswith(STARTS)


PAYLOADS = ["=1+2", "+1+2", "-1+2", "@SUM(1,2)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://example.org","Click")']


@pytest.fixture
def planted(sefton, demo_users):
    """Formulas in the published Q1 Housing return and its figures (what readers, the public and
    the open data see) and in a Q2 Planning draft (what the coordinator's files and the return
    template hold): commentaries, the period the data is for, the reason for a RAG override."""
    q1 = QuarterlyReturn.objects.get(period__slug="2023-24-q1", sub_strand__slug="housing")
    q1.commentary = PAYLOADS[0] + " housing commentary"
    q1.save()
    for i, m in enumerate(Measurement.objects.filter(period=q1.period, kpi__sub_strand=q1.sub_strand)):
        m.commentary = PAYLOADS[(i + 1) % len(PAYLOADS)] + " figure commentary"
        m.data_for = PAYLOADS[(i + 2) % len(PAYLOADS)]
        m.frozen_rag = "red"  # listed in the dashboard's KPI table (off target), so in its CSV
        m.save()
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    planning = SubStrand.objects.get(slug="planning")
    QuarterlyReturn.objects.create(sub_strand=planning, period=q2, overall_rag="red", commentary=PAYLOADS[3],
                                   rag_explanation=PAYLOADS[4])
    for i, kpi in enumerate(KPI.objects.filter(sub_strand=planning)):
        fields = {"milestone_status": "missed"} if kpi.is_milestone else {"value": 1}
        Measurement.objects.create(kpi=kpi, period=q2, commentary=PAYLOADS[i % len(PAYLOADS)], data_for=PAYLOADS[5],
                                   rag_calculated="red", rag_override="red", override_reason=PAYLOADS[6], **fields)


def every_csv_and_workbook(client_for, client, tmp_path):
    """{name: bytes} of every CSV and workbook the product writes, as each audience gets it."""
    coordinator, reader = client_for("coordinator"), client_for("cabinet")
    files = {
        "dashboard-coordinator.csv": coordinator.get("/dashboard/?_export=csv&period=2023-24-q2"),
        "dashboard-reader.csv": reader.get("/dashboard/?_export=csv"),
        "briefing-q1-reader.xlsx": reader.get("/periods/2023-24-q1/briefing.xlsx"),
        "briefing-q2-coordinator.xlsx": coordinator.get("/periods/2023-24-q2/briefing.xlsx"),
        "return-template-q2.xlsx": coordinator.get("/periods/2023-24-q2/return-template.xlsx"),
        **{f"open-{name}": client.get(f"/public/data/{name}") for name in ("figures.csv", "statuses.csv")},
    }
    out = {}
    for name, response in files.items():
        assert response.status_code == 200, name
        out[name] = b"".join(response.streaming_content) if response.streaming else response.content
    command_file = tmp_path / "command.xlsx"
    call_command("export_briefing", "2023-24-q2", str(command_file), "--user", "coordinator")
    out["export_briefing-command.xlsx"] = command_file.read_bytes()
    return out


def csv_cells(content):
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def is_number(text):
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


def workbook_problems(content):
    problems = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and ("<f>" in zf.read(name).decode() or "<f " in zf.read(name).decode()):
                problems.append(f"{name} holds a formula")
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif starts_like_a_formula(cell.value) and not cell.quotePrefix:
                    problems.append(f"{ws.title}!{cell.coordinate} looks like a formula without a quote prefix: {cell.value!r}")
    return problems


def planted_cells(files):
    found = set()
    for name, content in files.items():
        if name.endswith(".csv"):
            cells = csv_cells(content)
        else:
            wb = load_workbook(io.BytesIO(content))
            cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        for payload in PAYLOADS:  # typed text is kept with line feeds: the planted "\r=1+2" is stored "\n=1+2"
            if any(with_line_feeds(payload) in cell for cell in cells):
                found.add((name, payload))
    return found


def test_a_formula_planted_in_a_commentary_never_runs(planted, client_for, client, tmp_path):
    files = every_csv_and_workbook(client_for, client, tmp_path)
    problems = []
    for name, content in files.items():
        if name.endswith(".csv"):
            for cell in csv_cells(content):
                if starts_like_a_formula(cell) and not is_number(cell):
                    problems.append(f"{name}: {cell!r}")
        else:
            problems += [f"{name}: {p}" for p in workbook_problems(content)]
    assert problems == []
    # the formulas did reach every file (so the check above checked them)
    found = planted_cells(files)
    for name in files:
        assert any(n == name for n, _ in found), f"no planted formula reached {name}"
    assert {p for _, p in found} == set(PAYLOADS)


def libreoffice_formulas(path, tmp_path):
    """Open the file in LibreOffice, save it as .xlsx, and list the cells it read as formulas."""
    profile = tmp_path / "lo-profile"
    out = tmp_path / "lo-out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    converted = out / (path.stem + ".xlsx")
    wb = load_workbook(converted)
    return [f"{ws.title}!{c.coordinate}={c.value}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


@pytest.mark.skipif(not any(os.access(os.path.join(d, "soffice"), os.X_OK) for d in os.environ.get("PATH", "").split(":")),
                    reason="LibreOffice is not installed (make test installs it)")
def test_libreoffice_finds_no_formula_in_the_files(planted, client_for, client, tmp_path):
    files = every_csv_and_workbook(client_for, client, tmp_path)
    naive = tmp_path / "naive.csv"  # the control: the same commentary written without the rule runs as a formula
    naive.write_text("commentary\r\n=1+2\r\n", encoding="utf-8")
    assert libreoffice_formulas(naive, tmp_path)
    for name in ("open-figures.csv", "open-statuses.csv", "dashboard-coordinator.csv", "briefing-q2-coordinator.xlsx",
                 "return-template-q2.xlsx"):
        path = tmp_path / ("in-" + name)
        path.write_bytes(files[name])
        assert libreoffice_formulas(path, tmp_path) == [], name
