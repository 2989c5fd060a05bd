"""The return template: a workbook of every return the user may fill in for the period (drafts,
returned ones, and ones not started while the period takes returns), pre-filled with what is saved
now: ids locked by sheet protection, drop-downs for RAG, overall, milestone and action statuses,
white cells to fill, grey cells locked."""
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from objectives.selectors import sub_strands_reporting_in
from objectives.council import remembered
from kpis.models import KPI, Measurement
from kpis.outlook import has_trajectory
from kpis.rag import RAG, MilestoneStatus
from objectives.models import Action, ReportingPeriod
from reporting.models import ActionUpdate, QuarterlyReturn, WorkflowState
from reporting.returns.completeness import action_field, kpi_field
from reporting.returns.forms import as_post_data, initial_form_data
from reporting.returns.selectors import prefills
from reporting.workbooks.cells import (
    COL_ACTION_ID,
    COL_ACTION_STATUS,
    COL_COMMENTARY,
    COL_DATA_FOR,
    COL_EXPECTED,
    COL_FORECAST,
    COL_FORECAST_REASON,
    COL_OVERALL,
    COL_OVERRIDE_REASON,
    COL_PROGRESS,
    COL_RAG_EXPLANATION,
    COL_RAG_OVERRIDE,
    COL_SUB_STRAND_ID,
    DATE_ALIGN,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    FONT,
    FONT_SIZE,
    HEADER_ROW,
    NOT_AVAILABLE,
    TOP,
    WRAP,
    excel_number,
    finish_sheet,
    fit_row_heights,
    fmt_date,
    new_workbook,
    number_format_for,
    print_setup,
    put,
    put_id,
    put_rag,
    return_state_label,
    start_sheet,
)
from reporting.workbooks.data import workbook_data
from reporting.workbooks.export import column_numbers, set_properties, write_objective, write_tracker
from reporting.steps import SAVE_RETURN

LOCKED_FILL = PatternFill("solid", fgColor="F3F2F1")
CARRIED_FONT = Font(name=FONT, size=FONT_SIZE, italic=True, color="505A5F")  # 6.9:1 on white
EDITABLE_FILL = PatternFill("solid", fgColor="FFFFFF")
UNLOCKED = Protection(locked=False)


# -- the return template -------------------------------------------------------------------------


def importable_returns(*, period, user):
    """The returns this user may fill in for the period: drafts and returned ones they may edit, and
    (while the period takes returns) unsaved ones for sub-strands not started. Three queries."""
    subs = sub_strands_reporting_in(period).select_related("objective").order_by("objective__number", "order")
    existing = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period).select_related("period")}
    found = []
    for sub in subs:
        ret = existing.get(sub.id) or QuarterlyReturn(sub_strand=sub, period=period, state=WorkflowState.DRAFT, version=0)
        ret.sub_strand, ret.period = sub, period
        if SAVE_RETURN.allows(user, ret):  # the step's own answer: who, state and period
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


@remembered()
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
    bases = _initial_data(rets, period)
    wb = new_workbook()
    used = set()
    _write_instructions(wb, data, used)
    _write_returns(wb, data, used, by_sub, bases)
    for sheet in data.objectives:
        if sheet.kpis:
            _write_template_kpis(wb, data, sheet, used, bases)
    _write_template_actions(wb, data, used, ids, bases, by_sub)
    write_tracker(wb, kind="template", period=period, scope="template",
                  versions={sid: (r.version if r.pk else 0) for sid, r in by_sub.items()}, exported_at=data.exported_at)
    set_properties(wb, data, title=f"Return template – {period.label}", kind="Return template")
    return wb


def _initial_data(rets, period):
    """{sub-strand id: the return's initial_form_data, as posted}: what each return's rows start from,
    with what initial_form_data would read for each return read once for all of them (six queries,
    not six a return)."""
    kpis, actions, measurements, updates = {}, {}, {}, {}
    sub_of_kpi = {}
    for kpi in KPI.objects.filter(sub_strand_id__in=[r.sub_strand_id for r in rets], is_active=True):
        kpis.setdefault(kpi.sub_strand_id, []).append(kpi)
        sub_of_kpi[kpi.id] = kpi.sub_strand_id
    for action in Action.objects.filter(sub_strand_id__in=[r.sub_strand_id for r in rets]):
        actions.setdefault(action.sub_strand_id, []).append(action)
    for m in Measurement.objects.filter(kpi_id__in=sub_of_kpi, period_id=period.id):
        measurements.setdefault(sub_of_kpi[m.kpi_id], {})[m.kpi_id] = m
    started = {r.pk: r for r in rets if r.pk}
    for update in ActionUpdate.objects.filter(quarterly_return_id__in=started):
        updates.setdefault(update.quarterly_return_id, {})[update.action_id] = update
    starts = prefills([r.sub_strand_id for r in rets if not r.pk], period)
    return {
        r.sub_strand_id: as_post_data(initial_form_data(
            r, kpis=kpis.get(r.sub_strand_id, []), actions=actions.get(r.sub_strand_id, []),
            measurements=measurements.get(r.sub_strand_id, {}), updates=updates.get(r.pk, {}) if r.pk else None,
            start=starts.get(r.sub_strand_id)))
        for r in rets
    }


INSTRUCTIONS = [
    "Fill in the white cells. Grey cells are locked: they show the KPI, its target and earlier periods for reference.",
    "Figures: type the number as it is (640, 12.5, £35,000,000). For a percentage type 23.5% (the cells are formatted as per cent).",
    "A figure that is not yet available: choose “Not yet available” from the cell's list, and give the expected date if known.",
    "Milestone KPIs: choose the milestone status from the cell's list.",
    "RAG override: leave it empty to use the rules' status. To override, choose Red, Amber or Green and give a reason.",
    "Year-end forecast (optional): the figure you expect at the end of the financial year, and why you expect it. "
    "Leave both empty to give none; the tracker shows its own computed projection beside yours.",
    "Type values, not formulas. Do not change the id columns or the hidden _tracker sheet: they say which KPI each row is.",
    "Commentary and progress carried forward from the period before are in grey italics, marked “Last period's, "
    "carried forward”: write this period's over them.",
    "Upload the workbook on the tracker's “Import returns from Excel” page. You will see every change before anything is saved.",
    "The returns stay drafts after the import: submit each one from its page on the tracker.",
    "If a return is changed on the tracker after you download this workbook, download it again: the import refuses an "
    "older workbook rather than undo someone's change.",
]


def _write_instructions(wb, data, used):
    columns = [("How to fill in this workbook", 120)]
    downloaded = timezone.localtime(data.exported_at)
    ws = start_sheet(wb, "Instructions", used, first=True,
                     heading=f"Return template – {data.period.label} ({data.period.long_label})",
                     note=f"Downloaded on {fmt_date(downloaded)} at {downloaded:%H:%M}.", columns=columns)
    for i, text in enumerate(INSTRUCTIONS, start=FIRST_DATA_ROW):
        put(ws, i, 1, f"{i - HEADER_ROW}. {text}", alignment=WRAP)
    ws.auto_filter.ref = None
    fit_row_heights(ws, columns, FIRST_DATA_ROW + len(INSTRUCTIONS))
    print_setup(ws, [width for _, width in columns])
    _protect(ws)


COL_COMMENTARY_FROM = "Commentary so far"
COL_PROGRESS_FROM = "Progress so far"
CARRIED = "Last period's, carried forward: update it"
TEMPLATE_RETURN_COLUMNS = [
    ("Strategic objective", 12),
    ("Sub-strand", 14),
    ("Return status", 10),
    ("Last period's status", 10),
    (COL_OVERALL, 10),
    (COL_COMMENTARY_FROM, 12),
    (COL_COMMENTARY, 80),
    (COL_RAG_EXPLANATION, 16),
    (COL_SUB_STRAND_ID, 8),
]


def _write_returns(wb, data, used, by_sub, bases):
    ws = start_sheet(wb, "Returns", used, heading=f"Overall status and commentary – {data.period.label}",
                     note="One row per return: choose the overall status and write the commentary. A return not started "
                     f"yet comes with the period before's commentary, in grey italics and marked “{CARRIED}”: "
                     "write this period's over it.",
                     columns=TEMPLATE_RETURN_COLUMNS)
    cols = column_numbers(TEMPLATE_RETURN_COLUMNS)
    dv = _list_validation(["Red", "Amber", "Green"], prompt="The overall status: Red, Amber or Green.")
    ws.add_data_validation(dv)
    row = FIRST_DATA_ROW
    for sheet in data.objectives:
        for s in sheet.summary:
            ret = by_sub[s.sub_strand.id]
            base = bases[s.sub_strand.id]
            put(ws, row, cols["Strategic objective"], s.objective.name, alignment=WRAP)
            put(ws, row, cols["Sub-strand"], s.sub_strand.name, alignment=WRAP)
            put(ws, row, cols["Return status"], return_state_label(ret) if ret.pk else "Not started", alignment=WRAP)
            put_rag(ws, row, cols["Last period's status"], s.previous.overall_rag if s.previous else None,
                    label=None if s.previous and s.previous.overall_rag else "None")
            rag = base.get("overall_rag") or ""
            _unlock(put(ws, row, cols[COL_OVERALL], RAG(rag).label if rag in RAG.values else None, alignment=TOP))
            dv.add(ws.cell(row=row, column=cols[COL_OVERALL]))
            carried = ret.pk is None and bool(base.get("commentary"))
            put(ws, row, cols[COL_COMMENTARY_FROM], CARRIED if carried else ("This period's" if ret.pk else "None yet"),
                alignment=WRAP)
            _unlock(put(ws, row, cols[COL_COMMENTARY], base.get("commentary", ""), alignment=WRAP,
                        font=CARRIED_FONT if carried else None))
            _unlock(put(ws, row, cols[COL_RAG_EXPLANATION], base.get("rag_explanation", ""), alignment=WRAP))
            put_id(ws, row, cols[COL_SUB_STRAND_ID], s.sub_strand.id)
            # Last period's status keeps its RAG fill: grey under white text could not be read.
            _lock_grey(ws, row, {k: v for k, v in cols.items() if k != "Last period's status"},
                       {COL_OVERALL, COL_COMMENTARY, COL_RAG_EXPLANATION})
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
    forecasts = {COL_FORECAST, COL_FORECAST_REASON}
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
            number_format=DATE_FORMAT, alignment=DATE_ALIGN)
        put(ws, row, cols[COL_COMMENTARY], base.get(kpi_field(kpi.id, "commentary"), ""), alignment=WRAP)
        override = base.get(kpi_field(kpi.id, "rag_override"), "")
        put(ws, row, cols[COL_RAG_OVERRIDE], RAG(override).label if override in RAG.values else None, alignment=TOP)
        rag_dv.add(ws.cell(row=row, column=cols[COL_RAG_OVERRIDE]))
        put(ws, row, cols[COL_OVERRIDE_REASON], base.get(kpi_field(kpi.id, "override_reason"), ""), alignment=WRAP)
        # The officer's year-end forecast and why (a KPI with a target to forecast: not a milestone).
        forecast = base.get(kpi_field(kpi.id, "forecast_value"), "")
        put(ws, row, cols[COL_FORECAST], excel_number(kpi, Decimal(forecast)) if forecast else None,
            number_format=number_format_for(kpi.unit, Decimal(forecast) if forecast else None), alignment=TOP)
        put(ws, row, cols[COL_FORECAST_REASON], base.get(kpi_field(kpi.id, "forecast_reason"), ""), alignment=WRAP)
        open_cells = editable | forecasts if has_trajectory(kpi) else editable
        for name in open_cells:
            _unlock(ws.cell(row=row, column=cols[name]))
        _lock_grey(ws, row, {k: v for k, v in cols.items() if k != "RAG"}, open_cells)
    _protect(ws)


TEMPLATE_ACTION_COLUMNS = [
    ("Action plan", 16),
    ("No.", 5),
    ("Action", 16),
    ("Wording", 36),
    ("Sub-strand", 14),
    (COL_PROGRESS_FROM, 14),
    (COL_PROGRESS, 44),
    (COL_ACTION_STATUS, 12),
    (COL_ACTION_ID, 8),
]


def _write_template_actions(wb, data, used, ids, bases, by_sub):
    actions = [a for a, _ in data.actions if a.sub_strand_id in ids]
    if not actions:
        return
    ws = start_sheet(wb, "Action plan", used, heading=f"Action plan progress – {data.period.label}",
                     note="Progress this period on each action of your sub-strands. Progress carried forward from the "
                     f"period before is in grey italics and marked “{CARRIED}”.", columns=TEMPLATE_ACTION_COLUMNS,
                     freeze="C4")
    cols = column_numbers(TEMPLATE_ACTION_COLUMNS)
    dv = _list_validation([label for value, label in Action.Status.choices if value != Action.Status.UNASSESSED],
                          prompt="The action's status this period.")
    ws.add_data_validation(dv)
    row = FIRST_DATA_ROW
    for action in actions:
        base = bases[action.sub_strand_id]
        put(ws, row, cols["Action plan"], action.plan.name, alignment=WRAP)
        put(ws, row, cols["No."], action.number, alignment=TOP)
        put(ws, row, cols["Action"], action.title, alignment=WRAP)
        put(ws, row, cols["Wording"], action.wording, alignment=WRAP)
        put(ws, row, cols["Sub-strand"], action.sub_strand.name, alignment=WRAP)
        narrative = base.get(action_field(action.id, "narrative"), "")
        carried = not by_sub[action.sub_strand_id].pk and bool(narrative)
        put(ws, row, cols[COL_PROGRESS_FROM], CARRIED if carried else ("This period's" if narrative else "None yet"),
            alignment=WRAP)
        _unlock(put(ws, row, cols[COL_PROGRESS], narrative, alignment=WRAP, font=CARRIED_FONT if carried else None))
        status = base.get(action_field(action.id, "status"), "")
        _unlock(put(ws, row, cols[COL_ACTION_STATUS], Action.Status(status).label if status else None, alignment=TOP))
        dv.add(ws.cell(row=row, column=cols[COL_ACTION_STATUS]))
        put_id(ws, row, cols[COL_ACTION_ID], action.id)
        _lock_grey(ws, row, cols, {COL_PROGRESS, COL_ACTION_STATUS})
        row += 1
    finish_sheet(ws, TEMPLATE_ACTION_COLUMNS, row - 1)
    _protect(ws)


def return_template_bytes(*, period, user, now=None):
    buffer = io.BytesIO()
    build_return_template(period=period, user=user, now=now).save(buffer)
    return buffer.getvalue()


def template_filename(period):
    return f"ses-return-template-{period.slug}.xlsx"
