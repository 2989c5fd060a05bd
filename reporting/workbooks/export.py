"""The briefing workbook (.xlsx): the Economy Cell's working document, written with openpyxl.

One workbook per reporting period:

* **Summary** — every sub-strand: objective, lead, overall status (the word, on a fill of its
  colour), movement since last quarter, return status and commentary;
* **one sheet per strategic objective** — every KPI: code, title, unit, target and its kind, the
  last four quarters' figures, RAG, the period the data is for and commentary;
* **Action plan** — the strategy's actions with their progress this quarter;
* **Calendar** — the governance dates of the financial year.

What goes in follows the same rules as the pages: `visible_returns` and `visible_measurements`
decide, so a Cabinet Member's workbook holds approved and published figures only.

The reads are a fixed number of queries whatever the size of the council (see
`workbook_data`); the sheets are then written from memory. The return template that officers
fill in offline (reporting/services/workbook_import.py) is written by the same helpers, and
its KPI sheets have the same columns, so that the briefing workbook can be uploaded too.
"""
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from kpis.figures import judged_target, primary_targets, target_text, target_year
from kpis.models import KPI
from kpis.rag import MilestoneStatus, movements, rag_label
from objectives.models import Action, ActionPlan, ReportingPeriod
from objectives.roles import person_name
from objectives.selectors import objectives_with_sub_strands
from reporting.access import SEEN_BY_READERS, sees_all_drafts, visible_measurements, visible_returns
from reporting.models import ActionUpdate
from reporting.statuses import rated_before, status

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The same colours as static/css/app.css .app-rag--*: (fill, text).
RAG_COLOURS = {
    "red": ("A4231F", "FFFFFF"),
    "amber": ("F7A600", "0B0C0C"),
    "green": ("00703C", "FFFFFF"),
    None: ("E8E9EA", "0B0C0C"),
}
NOT_AVAILABLE = "Not yet available"
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="505A5F")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
THIN = Side(style="thin", color="B1B4B6")
CELL_BORDER = Border(bottom=THIN)
DATE_FORMAT = "d mmmm yyyy"
HEADER_ROW = 3  # rows 1-2: title and a note; row 3: column headings; data from row 4
FIRST_DATA_ROW = HEADER_ROW + 1

# Column headings shared by the briefing workbook and the return template (the import reads them).
COL_KPI_ID = "KPI id"
COL_SUB_STRAND_ID = "Sub-strand id"
COL_CODE = "Code"
COL_DATA_FOR = "Data for"
COL_EXPECTED = "Expected date"
COL_COMMENTARY = "Commentary"
COL_OVERALL = "Overall status"
COL_RAG = "RAG"
COL_RAG_OVERRIDE = "RAG override"
COL_OVERRIDE_REASON = "Override reason"
COL_RAG_EXPLANATION = "Why the overall status differs from what the KPIs suggest"
COL_ACTION_ID = "Action id"
COL_PROGRESS = "Progress this quarter"
COL_ACTION_STATUS = "Status this quarter"
TRACKER_SHEET = "_tracker"
TRACKER_FORMAT = 1

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# -- reading what goes in ------------------------------------------------------------------------


@dataclass
class SummaryRow:
    objective: object
    sub_strand: object
    ret: object  # the return this user may see, or None
    previous: object  # last quarter's return this user may see, or None
    earlier: object = None  # the latest earlier return with an overall status this user may see

    @property
    def movement_word(self):
        if self.ret is None or not self.ret.overall_rag:
            return "No status this quarter"
        return movements([status(self.ret)], before=status(self.earlier) if self.earlier else None)[0].words


@dataclass
class KpiRow:
    objective: object
    sub_strand: object
    kpi: object
    figures: list  # one Measurement or None per quarter in WorkbookData.quarters, oldest first
    target: object  # (value, kind label) for the current figure
    ret: object = None

    @property
    def current(self):
        return self.figures[-1]


@dataclass
class ObjectiveSheet:
    objective: object
    summary: list = field(default_factory=list)
    kpis: list = field(default_factory=list)


@dataclass
class WorkbookData:
    period: object
    quarters: list  # up to four periods, oldest first, ending with `period`
    objectives: list  # ObjectiveSheet
    actions: list  # (action, ActionUpdate or None)
    calendar: list  # the periods of the financial year
    user: object
    exported_at: datetime.datetime
    includes_drafts: bool

    @property
    def strategy_name(self):
        names = sorted({o.objective.strategy.name for o in self.objectives})
        return names[0] if len(names) == 1 else "Economic strategies"


def last_quarters(period, count=4):
    """The period and the three quarters before it, oldest first (one query). A quarter that is not
    in the database yet is an unsaved period, so that the sheet always has four quarter columns."""
    wanted = []
    fy, q = period.financial_year, period.quarter
    for _ in range(count):
        wanted.append((fy, q))
        fy, q = (fy, q - 1) if q > 1 else (fy - 1, 4)
    condition = Q()
    for fy, q in wanted:
        condition |= Q(financial_year=fy, quarter=q)
    found = {(p.financial_year, p.quarter): p for p in ReportingPeriod.objects.filter(condition)}
    return [found.get(key) or ReportingPeriod(financial_year=key[0], quarter=key[1]) for key in reversed(wanted)]


def target_for(kpi, measurement, period, targets):
    """(value, kind label) of the target a figure is judged against (kpis.figures.judged_target);
    with no target, the value is None and the words say what the bar is instead."""
    value, kind = judged_target(kpi, measurement, financial_year=period.financial_year, targets=targets)
    return (value, kind) if value is not None else (None, target_text(kpi, None, ""))


def workbook_data(*, period, user, sub_strand_ids=None, now=None):
    """Everything the workbook shows, as this user may see it. Nine queries whatever the size.

    `sub_strand_ids` limits the KPI sheets and summary to those sub-strands (the return template).
    """
    quarters = last_quarters(period)
    previous = quarters[-2] if quarters[-2].pk else None
    objectives = list(objectives_with_sub_strands())
    returns = visible_returns(user).filter(period__in=[p.id for p in quarters[-2:] if p.pk]).select_related("period")
    if sub_strand_ids is not None:
        returns = returns.filter(sub_strand_id__in=sub_strand_ids)
    by_sub = {(r.sub_strand_id, r.period_id): r for r in returns}
    kpis = KPI.objects.filter(is_active=True).order_by("sub_strand_id", "order", "code")
    if sub_strand_ids is not None:
        kpis = kpis.filter(sub_strand_id__in=sub_strand_ids)
    kpis_by_sub = {}
    for kpi in kpis:
        kpis_by_sub.setdefault(kpi.sub_strand_id, []).append(kpi)
    measurements = visible_measurements(user).filter(period__in=[p.id for p in quarters if p.pk], kpi__is_active=True)
    if sub_strand_ids is not None:
        measurements = measurements.filter(kpi__sub_strand_id__in=sub_strand_ids)
    by_id = {p.id: p for p in quarters if p.pk}
    figures = {}
    for m in measurements:
        m.period = by_id[m.period_id]
        figures[(m.kpi_id, m.period_id)] = m
    kpi_ids = [k.id for subs in kpis_by_sub.values() for k in subs]
    targets = primary_targets(kpi_ids, [period.financial_year, *(target_year(m) for m in figures.values())])
    sub_ids = [s.id for o in objectives for s in o.sub_strands.all() if sub_strand_ids is None or s.id in sub_strand_ids]
    earlier = rated_before(visible_returns(user), sub_ids, period)
    sheets = []
    for objective in objectives:
        sheet = ObjectiveSheet(objective)
        for sub in objective.sub_strands.all():
            if sub_strand_ids is not None and sub.id not in sub_strand_ids:
                continue
            ret = by_sub.get((sub.id, period.id))
            sheet.summary.append(SummaryRow(objective, sub, ret, by_sub.get((sub.id, previous.id)) if previous else None,
                                            earlier.get(sub.id)))
            for kpi in kpis_by_sub.get(sub.id, []):
                row_figures = [figures.get((kpi.id, p.id)) if p.pk else None for p in quarters]
                kpi.sub_strand = sub
                sheet.kpis.append(
                    KpiRow(objective, sub, kpi, row_figures, target_for(kpi, row_figures[-1], period, targets), ret)
                )
        if sheet.summary:
            sheets.append(sheet)
    strategies = {o.strategy_id for o in objectives}
    visible_period_returns = [r.id for r in by_sub.values() if r.period_id == period.id]
    updates = {
        u.action_id: u
        for u in ActionUpdate.objects.filter(quarterly_return_id__in=visible_period_returns)
    }
    actions = [
        (action, updates.get(action.id))
        for action in Action.objects.filter(plan__in=ActionPlan.objects.filter(strategy_id__in=strategies))
        .select_related("plan", "sub_strand")
        .order_by("plan__name", "number")
    ]
    calendar = list(ReportingPeriod.objects.filter(financial_year=period.financial_year).order_by("quarter"))
    return WorkbookData(
        period=period,
        quarters=quarters,
        objectives=sheets,
        actions=actions,
        calendar=calendar,
        user=user,
        exported_at=now or timezone.now(),
        includes_drafts=any(r.state not in SEEN_BY_READERS for r in by_sub.values()),
    )


# -- cells ---------------------------------------------------------------------------------------


def clean_text(value):
    """Text as Excel can hold it: no control characters, at most 32,767 characters."""
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]


def put(ws, row, column, value, *, number_format=None, alignment=None, font=None, fill=None):
    """Write a cell. Text is always text: '=HYPERLINK(…)' typed into a commentary never becomes a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if cell.data_type == "f" or cell.data_type == "e":
            cell.data_type = "s"
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


_RAG_STYLES = {
    rag: (PatternFill("solid", fgColor=fill), Font(bold=True, color=text)) for rag, (fill, text) in RAG_COLOURS.items()
}


def put_rag(ws, row, column, rag, *, label=None):
    """The RAG word on a fill of its colour: never colour alone."""
    fill, font = _RAG_STYLES.get(rag or None, _RAG_STYLES[None])
    return put(ws, row, column, label or rag_label(rag), fill=fill, font=font, alignment=TOP)


def number_format_for(unit, value):
    """£ with thousands separators, per cent to one place, thousands separators elsewhere."""
    integral = value is None or Decimal(value) == Decimal(value).to_integral_value()
    if unit == KPI.Unit.GBP:
        return '"£"#,##0' if integral else '"£"#,##0.00'
    if unit == KPI.Unit.PERCENT:
        return "0.0%"
    if unit == KPI.Unit.YEARS:
        return "0.0"
    return "#,##0" if integral else "#,##0.0##"


def figure_value(kpi, measurement):
    """What a quarter's cell holds: a number, a milestone status, 'Not yet available' or nothing.

    Per cent figures are stored as 23.5 and written as 0.235 with a 0.0% format, as Excel expects.
    """
    if measurement is None:
        return None
    if measurement.not_available:
        return NOT_AVAILABLE
    if kpi.is_milestone:
        return MilestoneStatus(measurement.milestone_status).label if measurement.milestone_status else None
    if measurement.value is None:
        return None
    return excel_number(kpi, measurement.value)


def excel_number(kpi, value):
    if value is None:
        return None
    value = Decimal(value)
    if kpi.unit == KPI.Unit.PERCENT:
        value = value / 100
    return int(value) if value == value.to_integral_value() else float(value)


def put_figure(ws, row, column, kpi, measurement):
    value = figure_value(kpi, measurement)
    number_format = number_format_for(kpi.unit, measurement.value) if isinstance(value, (int, float)) else None
    return put(ws, row, column, value, number_format=number_format, alignment=TOP)


def safe_sheet_name(name, used):
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe, and unique in the workbook (case-insensitively)."""
    base = _FORBIDDEN_SHEET_CHARS.sub(" ", name).strip().strip("'").strip() or "Sheet"
    base = re.sub(r"\s+", " ", base)
    candidate = base[:31].rstrip()
    n = 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def start_sheet(wb, title, used, *, heading, note, columns, freeze="A4", first=False):
    """A sheet with a title row, a note row and a heading row; columns: [(heading, width), …]."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = safe_sheet_name(title, used)
    put(ws, 1, 1, heading, font=TITLE_FONT)
    put(ws, 2, 1, note, font=NOTE_FONT)
    for i, (name, width) in enumerate(columns, start=1):
        put(ws, HEADER_ROW, i, name, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGN)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = freeze
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&A – page &P of &N"
    return ws


def finish_sheet(ws, columns, last_row):
    """Autofilter over the heading row and the data."""
    last_row = max(last_row, HEADER_ROW)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last_row}"


def fmt_date(d):
    return f"{d.day} {d:%B %Y}" if d else ""


def user_label(user):
    """The name to print for who exported a file; the command line without --user is 'the command line'."""
    if not getattr(user, "is_authenticated", False):
        return "the command line"
    return person_name(user)


def local(dt):
    return timezone.localtime(dt) if timezone.is_aware(dt) else dt


def scope_note(data):
    exported = local(data.exported_at)
    who = user_label(data.user)
    what = (
        "Includes returns not yet approved: see the Return status column."
        if data.includes_drafts
        else "Approved and published returns only."
    )
    return f"Exported on {fmt_date(exported)} at {exported:%H:%M} by {who}. {what}"


def sub_strand_label(sub):
    return sub.name


def return_state_label(ret):
    if ret is None:
        return "No return yet"
    label = ret.get_state_display()
    return f"{label} (synthetic demonstration data)" if ret.is_synthetic else label


# -- the sheets ----------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    ("Objective", 28),
    ("Sub-strand", 30),
    ("Lead service", 24),
    ("Lead officer", 20),
    (COL_OVERALL, 14),
    ("Movement since last quarter", 18),
    ("Return status", 16),
    (COL_COMMENTARY, 100),
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
            put(ws, row, 9, s.sub_strand.id, alignment=TOP)
            row += 1
    ws.column_dimensions[get_column_letter(len(SUMMARY_COLUMNS))].hidden = True
    finish_sheet(ws, SUMMARY_COLUMNS, row - 1)
    return ws


def kpi_columns(quarters, *, template=False):
    """The KPI sheet's columns; the return template adds the override columns (the import reads
    the KPI id, this quarter's figure, data for, expected date, commentary and the overrides)."""
    return [
        (COL_CODE, 10),
        ("KPI", 40),
        ("Sub-strand", 22),
        ("Unit", 12),
        ("Target", 12),
        ("Target kind", 22),
        *[(p.label, 13) for p in quarters],
        (COL_RAG, 11),
        ("RAG basis", 26),
        (COL_DATA_FOR, 16),
        (COL_EXPECTED, 15),
        (COL_COMMENTARY, 70),
        *([(COL_RAG_OVERRIDE, 13), (COL_OVERRIDE_REASON, 40)] if template else []),
        (COL_KPI_ID, 8),
    ]


def write_kpi_row(ws, row, r, quarters, cols):
    kpi = r.kpi
    put(ws, row, cols[COL_CODE], kpi.code, alignment=TOP)
    put(ws, row, cols["KPI"], kpi.title, alignment=WRAP)
    put(ws, row, cols["Sub-strand"], sub_strand_label(r.sub_strand), alignment=WRAP)
    put(ws, row, cols["Unit"], kpi.get_unit_display(), alignment=TOP)
    target_value, target_kind = r.target
    put(ws, row, cols["Target"], excel_number(kpi, target_value),
        number_format=number_format_for(kpi.unit, target_value) if target_value is not None else None, alignment=TOP)
    put(ws, row, cols["Target kind"], target_kind, alignment=WRAP)
    for p, m in zip(quarters, r.figures):
        put_figure(ws, row, cols[p.label], kpi, m)
    current = r.current
    put_rag(ws, row, cols[COL_RAG], current.rag if current else None, label=None if current else "No figure")
    basis = ""
    if current is not None:
        basis = f"Override: {current.override_reason}" if current.rag_override and not current.is_frozen else current.rag_basis
    put(ws, row, cols["RAG basis"], basis, alignment=WRAP)
    put(ws, row, cols[COL_DATA_FOR], current.data_for if current else "", alignment=WRAP)
    put(ws, row, cols[COL_EXPECTED], current.expected_date if current else None,
        number_format=DATE_FORMAT if current and current.expected_date else None, alignment=TOP)
    put(ws, row, cols[COL_COMMENTARY], current.commentary if current else "", alignment=WRAP)
    put(ws, row, cols[COL_KPI_ID], kpi.id, alignment=TOP)


def column_numbers(columns):
    return {name: i for i, (name, _) in enumerate(columns, start=1)}


def write_objective(wb, data, sheet, used, *, template=False, note=None):
    quarters = data.quarters
    columns = kpi_columns(quarters, template=template)
    cols = column_numbers(columns)
    objective = sheet.objective
    ws = start_sheet(
        wb, f"{objective.number}. {objective.name}", used,
        heading=f"{objective.number}. {objective.name} – KPIs, {data.period.label}",
        note=note or (
            f"Figures for the last four quarters; RAG, basis, data period and commentary are {data.period.label}'s. "
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
    ("Action plan", 26),
    ("No.", 6),
    ("Action", 26),
    ("Wording", 70),
    ("Sub-strand", 22),
    ("Owner", 22),
    ("Timescale", 16),
    ("Status", 14),
    ("Progress this quarter", 60),
    ("Status this quarter", 16),
    ("Note", 30),
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
        put(ws, row, 11, action.status_note, alignment=WRAP)
        put(ws, row, 12, action.id, alignment=TOP)
        row += 1
    if not data.actions:
        put(ws, row, 1, "No actions recorded.", font=NOTE_FONT)
        row += 1
    ws.column_dimensions[get_column_letter(len(ACTION_COLUMNS))].hidden = True
    finish_sheet(ws, ACTION_COLUMNS, row - 1)
    return ws


CALENDAR_COLUMNS = [
    ("Quarter", 14),
    ("Economy Cell meeting", 18),
    ("Dashboard update deadline", 18),
    ("Cabinet Member briefing", 18),
    ("Cabinet Member / Overview & Scrutiny", 20),
    ("State", 16),
    ("Notes", 80),
]


def write_calendar(wb, data, used):
    ws = start_sheet(
        wb, "Calendar", used,
        heading=f"Governance calendar {data.period.financial_year_label}",
        note="The Economy Cell meets quarterly; Cabinet Member briefings follow the dashboard update.",
        columns=CALENDAR_COLUMNS,
    )
    row = FIRST_DATA_ROW
    for p in data.calendar:
        put(ws, row, 1, p.label, alignment=TOP, font=Font(bold=p.id == data.period.id))
        for col, d in enumerate(
            [p.economy_cell_meeting, p.dashboard_deadline, p.cabinet_member_briefing, p.scrutiny_meeting], start=2
        ):
            put(ws, row, col, d, number_format=DATE_FORMAT if d else None, alignment=TOP)
        put(ws, row, 6, p.get_state_display(), alignment=TOP)
        put(ws, row, 7, p.governance_notes, alignment=WRAP)
        row += 1
    finish_sheet(ws, CALENDAR_COLUMNS, row - 1)
    return ws


def set_properties(wb, data, *, title, kind):
    exported = data.exported_at.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    props = wb.properties
    props.title = title
    props.subject = f"{data.period.label} ({data.period.long_label})"
    props.keywords = f"{data.period.slug}; {data.period.label}; {kind}; Sefton Economic Strategy"
    props.description = f"{kind} for {data.period.label}, exported from the Sefton SES Tracker. {scope_note(data)}"
    props.creator = "Sefton SES Tracker"
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
        ("about", "Used by the Sefton SES Tracker to read this workbook back. Do not change it."),
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


def build_briefing_workbook(*, period, user, now=None):
    """The briefing workbook for a period, as `user` may see it (an openpyxl Workbook)."""
    data = workbook_data(period=period, user=user, now=now)
    wb = Workbook()
    used = set()
    write_summary(wb, data, used)
    for sheet in data.objectives:
        write_objective(wb, data, sheet, used)
    write_actions(wb, data, used)
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
    return f"sefton-ses-briefing-{period.slug}.{extension}"
