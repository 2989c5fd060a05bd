"""A KPI's kind is set in the strategy file (`kind:`) and the onboarding workbook (its "Kind of
indicator" column): read, written back and read again unchanged; a wrong one refused, saying where."""
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kpis.models import KPI
from reporting.workbooks.cells import FIRST_DATA_ROW
from reporting.workbooks.onboarding import apply_onboarding, onboarding_workbook_bytes, preview_onboarding
from reporting.workbooks.safety import ImportRefused

pytestmark = pytest.mark.django_db

FILE = """
council: {name: Anytown Borough Council}
strategy: {slug: anytown-plan, name: Anytown Corporate Plan}
objectives:
  - number: 1
    name: Thriving Places
    slug: thriving-places
    sub_strands:
      - slug: town-centres
        name: Town Centres
        kpis:
          - {code: TC-01, title: Town centre footfall, kind: contextual, unit: number, direction: higher}
          - {code: TC-02, title: Vacant shop units, kind: targeted, unit: percent, direction: lower}
          - {code: TC-03, title: Market hall reopened, kind: milestone}
          - {code: TC-04, title: Old-style milestone, unit: milestone, direction: milestone}
          - {code: TC-05, title: No kind given, unit: number, direction: higher}
"""


def load(tmp_path, text):
    path = tmp_path / "strategy.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("load_strategy", str(path), stdout=io.StringIO())


def test_the_strategy_file_sets_each_kpis_kind(tmp_path):
    load(tmp_path, FILE)
    kinds = {k.code: (k.kind, k.unit, k.direction) for k in KPI.objects.all()}
    assert kinds == {
        "TC-01": ("contextual", "number", "higher"),
        "TC-02": ("targeted", "percent", "lower"),
        "TC-03": ("milestone", "milestone", "milestone"),  # its unit and direction follow from its kind
        "TC-04": ("milestone", "milestone", "milestone"),  # a file written before kinds: known by its direction
        "TC-05": ("targeted", "number", "higher"),
    }


@pytest.mark.parametrize("line, says", [
    ("{code: TC-09, title: t, kind: volume}", "'kind' is 'volume'; it must be one of 'targeted', 'contextual', 'milestone'"),
    ("{code: TC-09, title: t, kind: contextual, unit: milestone, direction: milestone}", "a milestone KPI has kind 'milestone'"),
    ("{code: TC-09, title: t, kind: milestone, unit: number, direction: higher}", "a milestone KPI has kind 'milestone'"),
])
def test_a_wrong_kind_stops_the_load_saying_where_and_nothing_is_written(tmp_path, line, says):
    text = FILE.replace("{code: TC-05, title: No kind given, unit: number, direction: higher}", line)
    with pytest.raises(CommandError, match="kpis\\[4\\]") as refused:
        load(tmp_path, text)
    assert says in str(refused.value)
    assert not KPI.objects.exists()


def kpi_sheet(content):
    ws = openpyxl.load_workbook(io.BytesIO(content))["KPIs"]
    headings = [c.value for c in ws[FIRST_DATA_ROW - 1]]
    return ws, headings, {ws.cell(row=r, column=1).value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}


def test_the_onboarding_workbook_writes_each_kind_and_reads_it_back(tmp_path):
    load(tmp_path, FILE)
    content = onboarding_workbook_bytes()
    ws, headings, rows = kpi_sheet(content)
    column = headings.index("Kind of indicator") + 1
    assert ws.cell(row=rows["TC-01"], column=column).value == "contextual"
    assert ws.cell(row=rows["TC-03"], column=column).value == "milestone"
    assert preview_onboarding(content=content).changes == []  # round trip: nothing changes
    ws.cell(row=rows["TC-05"], column=column, value="Contextual")
    ws.cell(row=rows["TC-01"], column=column, value="targeted")
    out = io.BytesIO()
    ws.parent.save(out)
    preview = preview_onboarding(content=out.getvalue())
    assert {(c.subject, c.before, c.after) for c in preview.changes} == {
        ("TC-05", "targeted", "Contextual"), ("TC-01", "contextual", "targeted")}
    apply_onboarding(preview.doc)
    assert dict(KPI.objects.filter(code__in=["TC-01", "TC-05"]).values_list("code", "kind")) == {
        "TC-01": "targeted", "TC-05": "contextual"}


def test_the_onboarding_workbook_refuses_a_wrong_kind_by_its_cell(tmp_path):
    load(tmp_path, FILE)
    ws, headings, rows = kpi_sheet(onboarding_workbook_bytes())
    column = headings.index("Kind of indicator") + 1
    ws.cell(row=rows["TC-02"], column=column, value="volume")
    out = io.BytesIO()
    ws.parent.save(out)
    with pytest.raises(ImportRefused) as refused:
        preview_onboarding(content=out.getvalue())
    letter = openpyxl.utils.get_column_letter(column)
    assert (f"Sheet “KPIs”, cell {letter}{rows['TC-02']}: the kind of indicator must be one of targeted, contextual, "
            "milestone") in [str(p) for p in refused.value.problems]
    assert KPI.objects.get(code="TC-02").kind == "targeted"


def test_an_onboarding_workbook_without_the_kind_column_is_read_as_before(tmp_path):
    load(tmp_path, FILE)
    ws, headings, rows = kpi_sheet(onboarding_workbook_bytes())
    ws.delete_cols(headings.index("Kind of indicator") + 1)
    out = io.BytesIO()
    ws.parent.save(out)
    preview = preview_onboarding(content=out.getvalue())
    assert preview.changes == []
