"""The risk register in Excel: the Risks and Actions sheets' columns, written and read the same way
by the risk register workbook (reporting/workbooks/risk_register.py) and the onboarding workbook
(reporting/workbooks/onboarding.py): one definition of each column, each cell's check, and what a
row says as the strategy file's `risks:` entry (reporting/loaders/risks.py), so that the two
workbooks and the strategy file follow the same rules.

A risk's current score is not here: it comes from its reviews, period by period."""
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from objectives.council import council, from_words, in_words
from objectives.forms import date_from_text
from objectives.roles import person_name
from reporting.models import Risk, RiskAction, RiskMatrix
from reporting.workbooks.cells import DATE_ALIGN, DATE_FORMAT, DATE_WIDTH, FIRST_DATA_ROW, TOP, WRAP, fmt_date, put
from reporting.workbooks.imports import CellChange
from reporting.workbooks.reader import find_header
from reporting.workbooks.safety import FORMAT_HINT, ImportRefused, Problem

RISKS, ACTIONS = "Risks", "Actions"
YES, NO = "Yes", "No"
KPI_SEPARATOR = ";"  # "EMP-01; EMP-02": a risk's linked KPIs by their codes
MAX_ROWS = 5000  # per sheet: far more than any council's register
LEVELS = ("inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact")
DATE_KEYS = ("next_review_date", "due_date")

# Each sheet's columns: (heading, width, the strategy file's key). Headings are in today's words and
# shown in the council's (in_words); the first column is the one each row is known by.
RISK_COLUMNS = [
    ("Reference", 11, "reference"), ("Title", 22, "title"), ("Cause", 24, "cause"), ("Effect", 24, "effect"),
    ("Owner", 16, "owner"), ("Owner's title", 18, "owner_title"), ("Category", 12, "category"),
    ("Strategic objective", 10, "objective"), ("Sub-strand", 14, "sub_strand"),
    ("Inherent likelihood", 10, "inherent_likelihood"), ("Inherent impact", 10, "inherent_impact"),
    ("Target likelihood", 10, "target_likelihood"), ("Target impact", 10, "target_impact"),
    ("Controls in place", 28, "controls"), ("Next review", DATE_WIDTH, "next_review_date"), ("Exempt", 8, "exempt"),
    ("Linked KPIs", 10, "kpis"),
]
ACTION_COLUMNS = [
    ("Risk reference", 10, "risk"), ("Action", 50, "description"), ("Owner", 24, "owner"),
    ("Due date", DATE_WIDTH, "due_date"), ("Status", 14, "status"),
]
SHEETS = {RISKS: RISK_COLUMNS, ACTIONS: ACTION_COLUMNS}
NOTES = {
    RISKS: "One row for each risk, known by its reference. Likelihood and impact: the matrix's words or numbers "
           "({likelihood}; {impact}). Owner: their name or email. Strategic objective: its number or name; sub-strand: its "
           "slug or name. Linked KPIs: their codes, separated by semicolons. Exempt: Yes for a risk not for publication. "
           "The current score is not here: it comes from each period's review.",
    ACTIONS: "One row for each action, under the reference of its risk, in the order they are listed. Status: "
             "{statuses}.",
}


def note(sheet, matrix):
    levels = {axis: ", ".join(f"{value} {name}" for value, name in sorted(names.items()))
              for axis, names in level_names(matrix).items()}
    return in_words(NOTES[sheet].format(statuses=", ".join(str(label) for _, label in RiskAction.Status.choices), **levels))


# -- what is saved now, as the sheets write it -----------------------------------------------------


def register_risks(strategy):
    """The strategy's risks with what their rows need, in register order (a fixed number of queries)."""
    if strategy is None:
        return []
    return list(Risk.objects.filter(strategy=strategy).select_related("objective", "sub_strand", "owner", "category")
                .prefetch_related("kpis", "actions").order_by("order", "reference"))


def entry_of(risk):
    """A saved risk as the strategy file's `risks:` entry (the form every import is compared in)."""
    return {
        "reference": risk.reference, "title": risk.title, "cause": risk.cause, "effect": risk.effect,
        "owner": risk.owner.get_username() if risk.owner_id else "", "owner_title": risk.owner_title,
        "category": risk.category.name if risk.category_id else "",
        "objective": risk.objective.number if risk.objective_id else None,
        "sub_strand": risk.sub_strand.slug if risk.sub_strand_id else None,
        **{key: getattr(risk, key) for key in LEVELS},
        "controls": risk.controls,
        "next_review_date": risk.next_review_date.isoformat() if risk.next_review_date else None,
        "exempt": bool(risk.exempt),
        "kpis": sorted(k.code for k in risk.kpis.all()),
        "actions": [action_entry(a) for a in sorted(risk.actions.all(), key=lambda a: (a.order, a.pk))],
    }


def action_entry(action):
    return {"description": action.description, "owner": action.owner,
            "due_date": action.due_date.isoformat() if action.due_date else None, "status": action.status}


def write_risks(ws, risks, matrix, *, first_row=FIRST_DATA_ROW):
    """The Risks sheet's rows; the last row written."""
    names = level_names(matrix)
    row = first_row - 1
    for row, risk in enumerate(risks, start=first_row):
        values = {
            "reference": risk.reference, "title": risk.title, "cause": risk.cause, "effect": risk.effect,
            "owner": person_name(risk.owner) if risk.owner_id else None, "owner_title": risk.owner_title,
            "category": risk.category.name if risk.category_id else None,
            "objective": risk.objective.number if risk.objective_id else None,
            "sub_strand": risk.sub_strand.slug if risk.sub_strand_id else None,
            **{key: names[key.partition("_")[2]].get(getattr(risk, key), getattr(risk, key)) for key in LEVELS},
            "controls": risk.controls, "next_review_date": risk.next_review_date,
            "exempt": YES if risk.exempt else NO,
            "kpis": f"{KPI_SEPARATOR} ".join(sorted(k.code for k in risk.kpis.all())) or None,
        }
        _write_row(ws, row, RISK_COLUMNS, values)
    return row


def write_actions(ws, risks, *, first_row=FIRST_DATA_ROW):
    """The Actions sheet's rows, each risk's actions in their order; the last row written."""
    row = first_row - 1
    for risk in risks:
        for action in sorted(risk.actions.all(), key=lambda a: (a.order, a.pk)):
            row += 1
            _write_row(ws, row, ACTION_COLUMNS, {"risk": risk.reference, "description": action.description,
                                                 "owner": action.owner, "due_date": action.due_date,
                                                 "status": action.get_status_display()})
    return row


def _write_row(ws, row, columns, values):
    for c, (_, _, key) in enumerate(columns, start=1):
        value = values.get(key)
        if isinstance(value, datetime.date):
            put(ws, row, c, value, number_format=DATE_FORMAT, alignment=DATE_ALIGN)
        elif isinstance(value, int):  # an objective's number, a level's: beside the text, not across the column
            put(ws, row, c, value, alignment=DATE_ALIGN)
        else:
            put(ws, row, c, value if value not in ("", None) else None, alignment=WRAP if isinstance(value, str) else TOP)


def level_names(matrix):
    """{axis: {value: name}} of the matrix's levels (none without a matrix)."""
    names = {"likelihood": {}, "impact": {}}
    for level in matrix.levels.all() if matrix is not None else ():
        names[level.axis][level.value] = level.name
    return names


# -- reading ----------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet's rows as read: [(row number, {key: text or date})], and each column's letter."""

    title: str
    rows: list = field(default_factory=list)
    letters: dict = field(default_factory=dict)

    def ref(self, key, number):
        return f"{get_column_letter(self.letters[key])}{number}"


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else str(value)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return YES if value else NO
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def open_workbook(content):
    """The workbook, read-only (formulas kept, so that one is refused by its cell); its file already checked
    (reporting.workbooks.safety.check_file)."""
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise ImportRefused([Problem(f"The file cannot be read as an Excel workbook ({type(exc).__name__}). {FORMAT_HINT}")]) from exc


def read_register_sheets(wb, *, required=True):
    """{RISKS: Sheet, ACTIONS: Sheet} found by their titles (in the council's words) and headings;
    problems for a missing sheet or column, or a formula where a value belongs. Without `required`,
    a workbook with neither sheet (an onboarding workbook made before risks) gives {}."""
    by_title = {from_words(ws.title): ws for ws in wb.worksheets}
    if not required and not any(title in by_title for title in SHEETS):
        return {}
    sheets, problems = {}, []
    for title, columns in SHEETS.items():
        ws = by_title.get(title)
        if ws is None:
            problems.append(Problem(f"the workbook has no sheet “{in_words(title)}”: download the risk register again "
                                    "and fill that in"))
            continue
        found = find_header(ws, columns[0][0])
        if not found:
            problems.append(Problem(f"no column headed “{in_words(columns[0][0])}”", sheet=ws.title))
            continue
        header_row, cols = found
        missing = [heading for heading, _, _ in columns if heading not in cols]
        if missing:
            problems.append(Problem(f"no column headed {', '.join(f'“{in_words(m)}”' for m in missing)}", sheet=ws.title))
            continue
        sheet = Sheet(ws.title, letters={key: cols[heading] for heading, _, key in columns})
        for number, cells in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
            if number > header_row + MAX_ROWS:  # refused, never read in part (whatever size the file says it is)
                if any(getattr(cell, "value", None) not in (None, "") for cell in cells):
                    problems.append(Problem(f"the sheet has more than {MAX_ROWS:,} rows: a register holds fewer; remove "
                                            "the rows below it", sheet=ws.title))
                    break
                continue
            row = {}
            for heading, _, key in columns:
                i = cols[heading] - 1
                cell = cells[i] if i < len(cells) else None
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    problems.append(Problem(f"the cell holds a formula ({str(value)[:40]}); type the value itself",
                                            ws.title, f"{get_column_letter(i + 1)}{number}"))
                    value = None
                row[key] = cell_text(value)
            if any(v not in ("", None) for v in row.values()):
                sheet.rows.append((number, row))
        sheets[title] = sheet
    if problems:
        raise ImportRefused(problems)
    return sheets


@dataclass
class Known:
    """What a register's cells may name: the matrix's levels and categories, the objectives (by number
    and name), the sub-strands (by slug and name), the KPIs' codes, and the people (by name, email or
    username). From the database for the register workbook; from its own sheets for the onboarding workbook."""

    matrix: object
    objectives: dict  # number or lower-case name -> number
    sub_strands: dict  # slug or lower-case name -> slug
    kpis: set  # codes
    objective_of: dict  # sub-strand slug -> its objective's number
    levels: dict = field(default_factory=dict)  # axis -> {value: name}
    categories: dict = field(default_factory=dict)  # lower-case name -> name

    def __post_init__(self):
        self.levels = level_names(self.matrix)
        self.categories = ({c.name.lower(): c.name for c in self.matrix.categories.all()}
                           if self.matrix is not None else {})


def known_for(strategy, matrix):
    """What the strategy's register may name, from the database."""
    from objectives.models import StrategicObjective, SubStrand
    from kpis.models import KPI

    objectives, subs, objective_of = {}, {}, {}
    for o in StrategicObjective.objects.filter(strategy=strategy):
        objectives[str(o.number)] = o.number
        objectives.setdefault(o.name.lower(), o.number)
    for s in SubStrand.objects.filter(objective__strategy=strategy).select_related("objective"):
        subs[s.slug] = s.slug
        subs.setdefault(s.name.lower(), s.slug)
        objective_of[s.slug] = s.objective.number
    codes = set(KPI.objects.filter(sub_strand__objective__strategy=strategy).values_list("code", flat=True))
    return Known(matrix=matrix, objectives=objectives, sub_strands=subs, kpis=codes, objective_of=objective_of)


def known_in_document(doc, matrix):
    """What a register may name in a strategy file's document (the onboarding workbook's own sheets)."""
    objectives, subs, codes, objective_of = {}, {}, set(), {}
    for o in doc["objectives"]:
        objectives[str(o["number"])] = o["number"]
        objectives.setdefault(str(o["name"]).lower(), o["number"])
        for s in o["sub_strands"]:
            subs[s["slug"]] = s["slug"]
            subs.setdefault(str(s["name"]).lower(), s["slug"])
            objective_of[s["slug"]] = o["number"]
            codes.update(k["code"] for k in s["kpis"])
    return Known(matrix=matrix, objectives=objectives, sub_strands=subs, kpis=codes, objective_of=objective_of)


def people(names):
    """{typed text: [users]} for the owners typed (names, emails or usernames), in one query."""
    typed = {n for n in names if n}
    if not typed:
        return {}
    query = Q()
    for name in typed:
        query |= Q(email__iexact=name) | Q(username__iexact=name) | Q(full_name__iexact=name)
    users = list(get_user_model().objects.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
                 .filter(query, is_active=True))
    found = {}
    for name in typed:
        lower = name.lower()
        by_login = [u for u in users if u.email.lower() == lower or u.get_username().lower() == lower]
        found[name] = by_login or [u for u in users if person_name(u).lower() == lower]
    return found


class Checker:
    """Reads each cell into the strategy file's value, noting every problem by its sheet and cell."""

    def __init__(self, known):
        self.known = known
        self.problems = []

    def problem(self, sheet, key, number, message):
        self.problems.append(Problem(message, sheet=sheet.title, cell=sheet.ref(key, number)))

    def text(self, sheet, number, row, key, what, *, required=False, limit=None):
        value = row[key]
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if required and not value:
            self.problem(sheet, key, number, f"enter the {what}")
        if limit and len(value) > limit:
            self.problem(sheet, key, number, f"the {what} may be at most {limit:,} characters long (it is {len(value):,})")
        return value

    def level(self, sheet, number, row, key):
        axis = key.partition("_")[2]
        names = self.known.levels.get(axis, {})
        typed = row[key]
        if not typed:
            self.problem(sheet, key, number, f"enter the {key.replace('_', ' ')}")
            return None
        typed = str(typed)
        for value, name in names.items():
            if typed.lower() in (str(value), name.lower(), f"{value} {name}".lower()):
                return value
        self.problem(sheet, key, number, f"“{typed}” is not {'an' if axis == 'impact' else 'a'} {axis}; use one of: "
                                         f"{', '.join(names[v] for v in sorted(names))} (or 1 to {len(names)})")
        return None

    def date(self, sheet, number, row, key, what):
        value = row[key]
        if value in ("", None):
            return None
        if not isinstance(value, datetime.date):
            value = date_from_text(value)
        if value is None:
            self.problem(sheet, key, number, f"“{row[key]}” is not a date: type the {what} like 5 March 2027")
            return None
        return value.isoformat()

    def yes_no(self, sheet, number, row, key, what):
        typed = str(row[key]).lower()
        if typed not in ("", "yes", "no", "true", "false", "y", "n"):
            self.problem(sheet, key, number, f"{what}: enter Yes or No, not “{row[key]}”")
        return typed in ("yes", "true", "y")


def register_document(sheets, known):
    """The strategy file's `risks:` entries the sheets say (each with its actions), or ImportRefused
    naming each bad cell by its sheet and cell. Reads the owners in one query."""
    check = Checker(known)
    risks, by_reference = [], {}
    sheet = sheets[RISKS]
    owners = people([row["owner"] for _, row in sheet.rows if isinstance(row["owner"], str)])
    for number, row in sheet.rows:
        reference = check.text(sheet, number, row, "reference", "risk's reference", required=True, limit=20)
        if reference and reference in by_reference:
            check.problem(sheet, "reference", number, f"“{reference}” is in the sheet twice: each risk once")
        entry = {"reference": reference,
                 "title": check.text(sheet, number, row, "title", "title", required=True, limit=300),
                 "cause": check.text(sheet, number, row, "cause", "cause"),
                 "effect": check.text(sheet, number, row, "effect", "effect"),
                 "owner": _owner(check, sheet, number, row, owners),
                 "owner_title": check.text(sheet, number, row, "owner_title", "owner's title", limit=200),
                 "category": _category(check, sheet, number, row),
                 "objective": None, "sub_strand": None,
                 **{key: check.level(sheet, number, row, key) for key in LEVELS},
                 "controls": check.text(sheet, number, row, "controls", "controls in place"),
                 "next_review_date": check.date(sheet, number, row, "next_review_date", "next review date"),
                 "exempt": check.yes_no(sheet, number, row, "exempt", "Exempt"),
                 "kpis": _kpis(check, sheet, number, row),
                 "actions": []}
        typed = typed_objective = str(row["objective"]) if row["objective"] != "" else ""
        if typed:
            entry["objective"] = known.objectives.get(typed, known.objectives.get(typed.lower()))
            if entry["objective"] is None:
                check.problem(sheet, "objective", number, in_words(f"there is no strategic objective “{typed}”: give its "
                                                                   "number or its name"))
        typed = str(row["sub_strand"]) if row["sub_strand"] != "" else ""
        if typed:
            entry["sub_strand"] = known.sub_strands.get(typed, known.sub_strands.get(typed.lower()))
            if entry["sub_strand"] is None:
                check.problem(sheet, "sub_strand", number, in_words(f"there is no sub-strand “{typed}”: give its slug or "
                                                                    "its name"))
            elif entry["objective"] is None and not typed_objective:  # a sub-strand's risk is its objective's too
                entry["objective"] = known.objective_of[entry["sub_strand"]]
            elif entry["objective"] is not None and entry["objective"] != known.objective_of[entry["sub_strand"]]:
                check.problem(sheet, "sub_strand", number, in_words(
                    f"the sub-strand “{typed}” is not one of strategic objective {entry['objective']}'s: give its own "
                    f"strategic objective ({known.objective_of[entry['sub_strand']]}), or leave that cell empty"))
        by_reference.setdefault(reference, entry)
        risks.append(entry)
    sheet = sheets[ACTIONS]
    statuses = {str(v).lower(): v for v, _ in RiskAction.Status.choices}
    statuses.update({str(label).lower(): v for v, label in RiskAction.Status.choices})
    for number, row in sheet.rows:
        reference = check.text(sheet, number, row, "risk", "risk's reference", required=True)
        risk = by_reference.get(reference)
        if reference and risk is None:
            check.problem(sheet, "risk", number, f"there is no risk “{reference}” in the {in_words(RISKS)} sheet")
        status = str(row["status"]).lower()
        if status and status not in statuses:
            check.problem(sheet, "status", number, f"“{row['status']}” is not a status; use one of: "
                                                   f"{', '.join(str(label) for _, label in RiskAction.Status.choices)}")
        action = {"description": check.text(sheet, number, row, "description", "action", required=True),
                  "owner": check.text(sheet, number, row, "owner", "action's owner", limit=200),
                  "due_date": check.date(sheet, number, row, "due_date", "due date"),
                  "status": statuses.get(status, RiskAction.Status.NOT_STARTED)}
        if risk is not None:
            risk["actions"].append(action)
    if check.problems:
        raise ImportRefused(check.problems)
    return risks


def _owner(check, sheet, number, row, owners):
    typed = row["owner"]
    if not typed:
        return ""
    found = owners.get(typed, [])
    if not found:
        check.problem(sheet, "owner", number, f"there is no one called “{typed}” who can sign in: give the owner's name "
                                              "as the register shows it, or their email")
        return ""
    if len({u.pk for u in found}) > 1:
        check.problem(sheet, "owner", number, f"more than one person is called “{typed}”: give the owner's email instead")
        return ""
    return found[0].get_username()


def _category(check, sheet, number, row):
    typed = str(row["category"])
    if not typed:
        return ""
    name = check.known.categories.get(typed.lower())
    if name is None:
        names = sorted(check.known.categories.values())
        check.problem(sheet, "category", number, f"“{typed}” is not a risk category; use one of: {', '.join(names)}"
                      if names else f"“{typed}” is not a risk category: the matrix has none yet (leave the cell empty)")
        return ""
    return name


def _kpis(check, sheet, number, row):
    codes = [c.strip() for c in str(row["kpis"]).replace(",", KPI_SEPARATOR).split(KPI_SEPARATOR) if c.strip()]
    unknown = [c for c in codes if c not in check.known.kpis]
    if unknown:
        check.problem(sheet, "kpis", number, f"there is no KPI {', '.join(f'“{c}”' for c in unknown)} in this strategy: "
                                             "give the KPIs' codes, separated by semicolons")
    return sorted(set(codes))


def matrix_for_council():
    """The council's matrix (the default one made the first time); None before there is a council."""
    found = council()
    return RiskMatrix.for_council(found) if found.pk is not None else None


# -- what an import would change ---------------------------------------------------------------------


def _shown(key, value, names):
    """An entry's value as the workbook writes it, for the preview."""
    if value in (None, "", []):
        return ""
    if key in LEVELS:
        return f"{names[key.partition('_')[2]].get(value, value)} ({value})"
    if key in DATE_KEYS:
        return fmt_date(datetime.date.fromisoformat(value))
    if key == "exempt":
        return YES if value else NO
    if key == "kpis":
        return f"{KPI_SEPARATOR} ".join(value)
    if key == "status":
        return str(dict(RiskAction.Status.choices).get(value, value))
    return str(value)


def register_changes(sheets, entries, saved, matrix):
    """{reference: [CellChange]} for each risk the sheets give: each cell that differs from what is
    saved (`saved`: {reference: entry_of(risk)}), each cell of a new risk, each action removed."""
    names = level_names(matrix)
    headings = {key: in_words(heading) for heading, _, key in RISK_COLUMNS + ACTION_COLUMNS}
    number_of = {row["reference"]: number for number, row in reversed(sheets[RISKS].rows)}
    action_rows = {}
    for number, row in sheets[ACTIONS].rows:
        action_rows.setdefault(row["risk"], []).append(number)
    return {entry["reference"]: _changes(sheets, number_of[entry["reference"]], entry, saved.get(entry["reference"]),
                                         names, action_rows.get(entry["reference"], []), headings)
            for entry in entries}


def _changes(sheets, number, entry, before, names, action_rows, headings):
    out = []
    risks, actions = sheets[RISKS], sheets[ACTIONS]
    for heading, _, key in RISK_COLUMNS:
        old = None if before is None else before.get(key)
        if old == entry[key] or (before is None and entry[key] in (None, "", [], False)):
            continue
        out.append(CellChange(risks.title, risks.ref(key, number), entry["reference"], headings[key],
                              _shown(key, old, names), _shown(key, entry[key], names)))
    old_actions = [] if before is None else before["actions"]
    for i, action in enumerate(entry["actions"]):
        old = old_actions[i] if i < len(old_actions) else {}
        for heading, _, key in ACTION_COLUMNS[1:]:
            if old.get(key) == action[key] or (not old and action[key] in (None, "")):
                continue
            out.append(CellChange(actions.title, actions.ref(key, action_rows[i]), f"{entry['reference']} action {i + 1}",
                                  headings[key], _shown(key, old.get(key), names), _shown(key, action[key], names)))
    for i in range(len(entry["actions"]), len(old_actions)):
        out.append(CellChange(actions.title, "no row", f"{entry['reference']} action {i + 1}", headings["description"],
                              old_actions[i]["description"], "(removed)"))
    return out
