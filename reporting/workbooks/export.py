"""The briefing workbook (.xlsx): the Economy Cell's working document, written with openpyxl.

One workbook per reporting period:

* **Summary** — every sub-strand: objective, lead, overall status (the word, on a fill of its
  colour), movement since last quarter, return status and commentary;
* **one sheet per strategic objective** — every KPI: code, title, unit, target and its kind, the
  last four quarters' figures, RAG, the period the data is for and commentary; and what its figures
  say as at the period, in the KPI page's words (reporting.kpi_summaries): its variation and
  assurance, when its next figure is due and whether it is stale, its status now and forecast at the
  year's end, and whose forecast that is;
* **Action plan** — the strategy's actions with their progress this quarter;
* **Risk register** — each risk the person may see, with its latest review they may see, its scores
  in words and its band (reporting/workbooks/risk_sheet.py);
* **Calendar** — the governance dates of the financial year.

What goes in follows the same rules as the pages: `visible_returns` and `visible_measurements`
decide, so a Cabinet Member's workbook holds approved and published figures only.

The reads are a fixed number of queries whatever the size of the council (see
`workbook_data`); the sheets are then written from memory. The return template that officers
fill in offline (reporting/workbooks/template.py) is written by the same helpers, and
its KPI sheets have the same columns, so that the briefing workbook can be uploaded too."""
import datetime
import io

from openpyxl.utils import get_column_letter

from objectives.roles import person_name
from objectives.council import council_name, remembered, terms
from reporting.access import sees_all_drafts
from reporting.briefings.contents import governance_calendar
from reporting.workbooks.cells import (
    COL_ACTION_STATUS,
    COL_ACTION_ID,
    COL_CODE,
    COL_COMMENTARY,
    COL_DATA_FOR,
    COL_EXPECTED,
    COL_KPI_ID,
    COL_OVERALL,
    COL_OVERRIDE_REASON,
    COL_FORECAST,
    COL_FORECAST_REASON,
    COL_PROGRESS,
    COL_RAG,
    COL_RAG_OVERRIDE,
    COL_SUB_STRAND_ID,
    BOLD_FONT,
    DATE_ALIGN,
    DATE_FORMAT,
    DATE_WIDTH,
    FIRST_DATA_ROW,
    NOTE_FONT,
    TOP,
    TRACKER_FORMAT,
    TRACKER_SHEET,
    WRAP,
    excel_number,
    finish_sheet,
    new_workbook,
    number_format_for,
    put,
    put_figure,
    put_id,
    put_rag,
    return_state_label,
    scope_note,
    start_sheet,
    sub_strand_label,
    user_label,
)
from reporting.workbooks.data import workbook_data
from reporting.workbooks.risk_sheet import write_risks

# -- the sheets ----------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    ("Strategic objective", 14),  # in the council's word, as every heading (cells.start_sheet)
    ("Sub-strand", 18),
    ("Lead service", 13),
    ("Lead officer", 11),
    (COL_OVERALL, 10),
    ("Movement since the status before", 12),
    ("Return status", 11),
    (COL_COMMENTARY, 84),
    (COL_SUB_STRAND_ID, 10),
]


def write_summary(wb, data, used):
    period = data.period
    ws = start_sheet(
        wb, "Summary", used, first=True,
        heading=f"{data.strategy_name} – {period.label} ({period.long_label}): summary",
        note=scope_note(data), columns=SUMMARY_COLUMNS,
    )
    row = FIRST_DATA_ROW
    for sheet in data.objectives:
        for s in sheet.summary:
            lead = s.sub_strand.lead_officer
            put(ws, row, 1, s.objective.name, alignment=WRAP)
            put(ws, row, 2, sub_strand_label(s.sub_strand), alignment=WRAP)
            put(ws, row, 3, s.sub_strand.lead_service, alignment=WRAP)
            put(ws, row, 4, person_name(lead), alignment=WRAP)
            if s.ret is not None:
                put_rag(ws, row, 5, s.ret.overall_rag or None, label=None if s.ret.overall_rag else "Not yet given")
            else:
                put_rag(ws, row, 5, None, label="No return yet")
            put(ws, row, 6, s.movement_word, alignment=WRAP)
            put(ws, row, 7, return_state_label(s.ret), alignment=WRAP)
            put(ws, row, 8, s.ret.commentary if s.ret else "", alignment=WRAP)
            put_id(ws, row, 9, s.sub_strand.id)
            row += 1
    ws.column_dimensions[get_column_letter(len(SUMMARY_COLUMNS))].hidden = True
    finish_sheet(ws, SUMMARY_COLUMNS, row - 1)
    return ws


KPI_SUMMARY_COLUMNS = [
    ("Variation", 30),
    ("Assurance", 30),
    ("Next figure due", DATE_WIDTH),
    ("Stale", 7),
    ("Status now", 11),
    ("Forecast at year end", 11),
    ("Forecast by", 16),
    ("Compared with similar councils", 40),
]


def kpi_columns(quarters, *, template=False):
    """The KPI sheet's columns; the return template adds the override columns (the import reads
    the KPI id, this quarter's figure, data for, expected date, commentary and the overrides), the
    briefing workbook what each KPI's figures say (KPI_SUMMARY_COLUMNS)."""
    return [
        (COL_CODE, 9),
        ("KPI", 30),
        ("Sub-strand", 18),
        ("Unit", 10),
        ("Target", 11),
        ("Target kind", 18),
        *[(p.label, 12) for p in quarters],
        (COL_RAG, 11),
        ("RAG basis", 24),
        (COL_DATA_FOR, 16),
        (COL_EXPECTED, DATE_WIDTH),
        (COL_COMMENTARY, 60),
        *([(COL_RAG_OVERRIDE, 12), (COL_OVERRIDE_REASON, 36), (COL_FORECAST, 12), (COL_FORECAST_REASON, 36)]
          if template else KPI_SUMMARY_COLUMNS),
        (COL_KPI_ID, 8),
    ]


def write_kpi_row(ws, row, r, quarters, cols):
    kpi = r.kpi
    put(ws, row, cols[COL_CODE], kpi.code, alignment=TOP)
    put(ws, row, cols["KPI"], kpi.title, alignment=WRAP)
    put(ws, row, cols["Sub-strand"], sub_strand_label(r.sub_strand), alignment=WRAP)
    put(ws, row, cols["Unit"], kpi.get_unit_display(), alignment=WRAP)
    target_value, target_kind = r.target
    put(ws, row, cols["Target"], excel_number(kpi, target_value),
        number_format=number_format_for(kpi.unit, target_value) if target_value is not None else None, alignment=TOP)
    put(ws, row, cols["Target kind"], target_kind, alignment=WRAP)
    for p, m in zip(quarters, r.figures):
        put_figure(ws, row, cols[p.label], kpi, m)
    current = r.current
    put_rag(ws, row, cols[COL_RAG], current.rag if current else None,
            label=kpi.no_rating_words if kpi.is_contextual else None if current else "No figure")
    basis = ""
    if current is not None:
        override = current.override  # an officer's override says so, with its reason and what the rules say
        basis = override.note if override else current.rag_basis
    put(ws, row, cols["RAG basis"], basis, alignment=WRAP)
    put(ws, row, cols[COL_DATA_FOR], current.data_for if current else "", alignment=WRAP)
    put(ws, row, cols[COL_EXPECTED], current.expected_date if current else None,
        number_format=DATE_FORMAT if current and current.expected_date else None, alignment=DATE_ALIGN)
    put(ws, row, cols[COL_COMMENTARY], current.commentary if current else "", alignment=WRAP)
    if r.summary is not None and "Variation" in cols:
        write_kpi_summary(ws, row, r.summary, cols)
    put_id(ws, row, cols[COL_KPI_ID], kpi.id)


def write_kpi_summary(ws, row, s, cols):
    """What the KPI's figures say as at the period, in the KPI page's words (reporting.kpi_summaries):
    its variation and assurance, its freshness, its two statuses (each RAG a word on its fill) and
    whose the forecast is, and where the council stands among its comparator group (kpis.benchmarks). A
    contextual KPI is never rated: its statuses say so."""
    put(ws, row, cols["Variation"], s.variation_words or "", alignment=WRAP)
    put(ws, row, cols["Assurance"], s.assurance_words or "", alignment=WRAP)
    put(ws, row, cols["Next figure due"], s.next_figure_due, number_format=DATE_FORMAT if s.next_figure_due else None,
        alignment=DATE_ALIGN)
    put(ws, row, cols["Stale"], "Yes" if s.is_stale else "No", alignment=TOP)
    for heading, rag in (("Status now", s.status_now), ("Forecast at year end", s.status_year_end)):
        if rag:
            put_rag(ws, row, cols[heading], rag)
        else:
            put(ws, row, cols[heading], s.kpi.no_rating_words if s.kpi.is_contextual else "", alignment=WRAP)
    put(ws, row, cols["Forecast by"], s.forecast_by_words or "", alignment=WRAP)
    c = s.comparison  # kpis.benchmarks: where the council stands among its comparator group
    put(ws, row, cols["Compared with similar councils"],
        f"{c.group}, {c.period}: {c.words} (source: {c.source}, {c.licence})" if c is not None else "", alignment=WRAP)


def column_numbers(columns):
    return {name: i for i, (name, _) in enumerate(columns, start=1)}


def sheet_name(objective):
    """A KPI sheet's tab: short by design ("Strategic objective 3 KPIs", "Outcome 3 KPIs"), the
    objective's name in its title row."""
    return f"{terms().objective.one} {objective.number} KPIs"


def write_objective(wb, data, sheet, used, *, template=False, note=None):
    quarters = data.quarters
    columns = kpi_columns(quarters, template=template)
    cols = column_numbers(columns)
    objective = sheet.objective
    ws = start_sheet(
        wb, sheet_name(objective), used,
        heading=f"{objective.number}. {objective.name} – KPIs, {data.period.label}",
        note=note or (
            f"Figures for the last four {data.period.term.many_lower}; RAG, basis, data period and commentary are {data.period.label}'s. "
            + scope_note(data)
        ),
        columns=columns, freeze="C4",
    )
    row = FIRST_DATA_ROW
    for r in sheet.kpis:
        write_kpi_row(ws, row, r, quarters, cols)
        row += 1
    if not sheet.kpis:
        put(ws, row, 1, "No KPIs recorded for this objective.", font=NOTE_FONT)
        row += 1
    if not template:
        ws.column_dimensions[get_column_letter(cols[COL_KPI_ID])].hidden = True
    finish_sheet(ws, columns, row - 1)
    return ws, cols


ACTION_COLUMNS = [
    ("Action plan", 12),
    ("No.", 5),
    ("Action", 14),
    ("Wording", 36),
    ("Sub-strand", 12),
    ("Owner", 14),
    ("Timescale", 10),
    ("Status", 11),
    (COL_PROGRESS, 40),
    (COL_ACTION_STATUS, 11),
    (COL_ACTION_ID, 8),
]


def write_actions(wb, data, used):
    ws = start_sheet(
        wb, "Action plan", used,
        heading=f"Action plan – {data.period.label}", note=scope_note(data), columns=ACTION_COLUMNS, freeze="C4",
    )
    row = FIRST_DATA_ROW
    for action, update in data.actions:
        put(ws, row, 1, action.plan.name, alignment=WRAP)
        put(ws, row, 2, action.number, alignment=TOP)
        put(ws, row, 3, action.title, alignment=WRAP)
        put(ws, row, 4, action.wording, alignment=WRAP)
        put(ws, row, 5, action.sub_strand.name if action.sub_strand else "", alignment=WRAP)
        put(ws, row, 6, action.owner, alignment=WRAP)
        put(ws, row, 7, action.timescale, alignment=WRAP)
        put(ws, row, 8, action.get_status_display(), alignment=WRAP)
        put(ws, row, 9, update.narrative if update else "", alignment=WRAP)
        put(ws, row, 10, update.get_status_display() if update and update.status else "", alignment=WRAP)
        put_id(ws, row, 11, action.id)
        row += 1
    if not data.actions:
        put(ws, row, 1, "No actions recorded.", font=NOTE_FONT)
        row += 1
    ws.column_dimensions[get_column_letter(len(ACTION_COLUMNS))].hidden = True
    finish_sheet(ws, ACTION_COLUMNS, row - 1)
    return ws


def calendar_columns(calendar):
    """The calendar sheet's columns: the quarter, the briefing's calendar headings, the state."""
    return [(calendar.period_word.capitalize(), 12), *[(label, DATE_WIDTH + 3) for label in calendar.columns], ("State", 14)]


def write_calendar(wb, data, used):
    """The governance calendar of the financial year, as the briefing note's section 4.1 has it
    (reporting.briefings.contents.governance_calendar), with each quarter's state."""
    calendar = governance_calendar(data.period)
    columns = calendar_columns(calendar)
    ws = start_sheet(
        wb, "Calendar", used,
        heading=f"Governance calendar {data.period.financial_year_label}",
        note="Each period's deadline and governance events, as section 4.1 of the briefing note sets them out.",
        columns=columns,
    )
    row = FIRST_DATA_ROW
    for entry in calendar.rows:
        current = entry.period is not None and entry.period.id == data.period.id
        put(ws, row, 1, entry.label, alignment=TOP, font=BOLD_FONT if current else None)
        for col, (_key, d, words) in enumerate(entry.cells, start=2):
            put(ws, row, col, d or words or None, number_format=DATE_FORMAT if d else None, alignment=DATE_ALIGN)
        put(ws, row, len(columns), entry.period.get_state_display() if entry.period else "", alignment=TOP)
        row += 1
    finish_sheet(ws, columns, row - 1)
    return ws


def set_properties(wb, data, *, title, kind):
    exported = data.exported_at.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    props = wb.properties
    props.title = title
    props.subject = f"{data.period.label} ({data.period.long_label})"
    props.keywords = f"{data.period.slug}; {data.period.label}; {kind}; {data.strategy_name}"
    props.description = f"{kind} for {data.period.label}, exported from the tracker. {scope_note(data)}"
    props.creator = council_name()
    props.lastModifiedBy = user_label(data.user)
    props.created = exported
    props.modified = exported
    props.category = kind
    props.language = "en-GB"


def write_tracker(wb, *, kind, period, scope, versions, exported_at):
    """A hidden, protected sheet that lets the import read the workbook back: what it is, its
    period, whose view of the drafts it holds, and each return's version when it was written (so
    that a file older than a change made on the site cannot silently undo that change)."""
    ws = wb.create_sheet(TRACKER_SHEET)
    ws.sheet_state = "hidden"
    rows = [
        ("about", "Used by the tracker to read this workbook back. Do not change it."),
        ("format", TRACKER_FORMAT),
        ("kind", kind),
        ("period", period.slug),
        ("scope", scope),
        ("exported_at", exported_at.isoformat()),
    ]
    for i, (key, value) in enumerate(rows, start=1):
        put(ws, i, 1, key)
        put(ws, i, 2, value)
    row = len(rows) + 1
    for sub_strand_id, version in sorted(versions.items()):
        put(ws, row, 1, "return")
        put(ws, row, 2, sub_strand_id)
        put(ws, row, 3, version)
        row += 1
    ws.protection.sheet = True
    return ws


@remembered()
def build_briefing_workbook(*, period, user, now=None):
    """The briefing workbook for a period, as `user` may see it (an openpyxl Workbook)."""
    data = workbook_data(period=period, user=user, now=now, summaries=True)
    wb = new_workbook()
    used = set()
    write_summary(wb, data, used)
    for sheet in data.objectives:
        write_objective(wb, data, sheet, used)
    write_actions(wb, data, used)
    write_risks(wb, data, used)
    write_calendar(wb, data, used)
    versions = {s.sub_strand.id: (s.ret.version if s.ret else 0) for sheet in data.objectives for s in sheet.summary}
    write_tracker(wb, kind="briefing", period=period, scope="all" if sees_all_drafts(user) else "limited",
                  versions=versions, exported_at=data.exported_at)
    set_properties(wb, data, title=f"{data.strategy_name} briefing workbook – {period.label}", kind="Briefing workbook")
    return wb


def workbook_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_briefing_workbook(*, period, user, now=None):
    """The briefing workbook as the bytes of an .xlsx file."""
    return workbook_bytes(build_briefing_workbook(period=period, user=user, now=now))


def briefing_filename(period, extension):
    return f"ses-briefing-{period.slug}.{extension}"
