"""Reading an onboarding workbook (reporting.workbooks.onboarding): each sheet found by its title in
the council's words, each column by its heading, each cell checked, and every problem named by its
sheet and cell; what it says as the strategy file's document (reporting.loaders)."""
import io
from dataclasses import dataclass, field

from django.utils.text import slugify
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kpis.models import KPI, Accumulation, Profile, Target
from kpis.numbers import NumberError, parse_number, whole_number
from objectives.council import from_words, in_words, words
from reporting.workbooks.reader import find_header
from reporting.workbooks.safety import FORMAT_HINT, ImportRefused, Problem

MAX_ROWS = 5000  # per sheet: far more than any council's strategy
YES, NO = "Yes", "No"
# Each sheet: its title (in today's words, shown in the council's), and its columns: (heading,
# width, the strategy file's key). The first column is the one each row is known by.
SHEETS = {
    "strategy": ("Strategy", [("Slug", 28, "slug"), ("Name", 44, "name")]),
    "objectives": ("Strategic objectives", [
        ("Number", 9, "number"), ("Name", 40, "name"), ("Slug", 28, "slug"), ("Short name", 22, "short_name"),
        ("Description", 50, "description")]),
    "sub_strands": ("Sub-strands", [
        ("Slug", 28, "slug"), ("Strategic objective number", 11, "objective"), ("Name", 36, "name"), ("Order", 8, "order"),
        ("Lead service", 30, "lead_service"), ("Reports as its strategic objective", 14, "reports_as_objective")]),
    "kpis": ("KPIs", [
        ("Code", 11, "code"), ("Sub-strand slug", 28, "sub_strand"), ("Title", 40, "title"), ("Unit", 12, "unit"),
        ("Direction", 12, "direction"), ("Cadence", 15, "cadence"), ("Order", 8, "order"),
        ("Data source", 28, "data_source"), ("Description", 40, "description"), ("Source notes", 40, "source_notes"),
        ("Kind of indicator", 14, "kpi_kind"), ("How its figures add up", 14, "accumulation"),
        ("Data lag (months)", 10, "data_lag_months")]),
    "targets": ("Targets", [
        ("KPI code", 11, "kpi"), ("Financial year", 11, "financial_year"), ("Kind", 18, "kind"), ("Value", 14, "value"),
        ("Primary", 9, "is_primary"), ("Description", 44, "description"), ("Trajectory", 12, "profile"),
        ("Baseline", 12, "baseline"), ("Points period by period", 24, "period_points")]),
}
# Columns a workbook made before they existed may lack: read as empty, so left as they are when it is
# imported (a KPI's kind: from its unit and direction, as the strategy file's loader reads a file without one).
OPTIONAL = {"kpi_kind", "accumulation", "data_lag_months", "profile", "baseline", "period_points"}
POINTS_SEPARATOR = ";"  # "100; 250; 450": a trajectory's points, each period but the last
# The KPI's kind: in words as a council would type it (targeted, contextual, milestone).
KPI_KINDS = [(value, value) for value, _ in KPI.Kind.choices]
CHOICES = {"kpi_kind": KPI_KINDS, "unit": KPI.Unit.choices, "direction": KPI.direction.field.choices,
           "cadence": KPI.DataCadence.choices, "kind": Target.Kind.choices, "accumulation": Accumulation.choices,
           "profile": Profile.choices}


@dataclass
class Sheet:
    """One sheet's rows as read: [(row number, {key: text})], and where each column is."""

    title: str
    rows: list = field(default_factory=list)
    letters: dict = field(default_factory=dict)


def text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheets(content):
    """{key: Sheet} for each sheet found, by its title in the council's words; problems for a missing
    sheet or column."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise ImportRefused([Problem(f"The file cannot be read as an Excel workbook ({type(exc).__name__}). {FORMAT_HINT}")]) from exc
    by_title = {from_words(ws.title): ws for ws in wb.worksheets}
    sheets, problems = {}, []
    for key, (title, columns) in SHEETS.items():
        ws = by_title.get(title)
        if ws is None:
            problems.append(Problem(f"the workbook has no sheet “{in_words(title)}”: download the onboarding workbook "
                                    "and fill that in"))
            continue
        found = find_header(ws, columns[0][0])
        if not found:
            problems.append(Problem(f"no column headed “{in_words(columns[0][0])}”", sheet=ws.title))
            continue
        header_row, cols = found
        missing = [heading for heading, _, name in columns if heading not in cols and name not in OPTIONAL]
        if missing:
            problems.append(Problem(f"no column headed {', '.join(f'“{in_words(m)}”' for m in missing)}", sheet=ws.title))
            continue
        present = [(heading, name) for heading, _, name in columns if heading in cols]
        sheet = Sheet(ws.title, letters={name: cols[heading] for heading, name in present})
        for number, cells in enumerate(ws.iter_rows(min_row=header_row + 1, max_row=header_row + MAX_ROWS,
                                                    values_only=True), start=header_row + 1):
            row = {name: "" for _, _, name in columns}
            row.update({name: text(cells[cols[heading] - 1]) if cols[heading] - 1 < len(cells) else ""
                        for heading, name in present})
            if any(row.values()):
                sheet.rows.append((number, row))
        sheets[key] = sheet
    if problems:
        raise ImportRefused(problems)
    return sheets


class _Checker:
    """Reads each cell into the strategy file's value, noting every problem by its sheet and cell."""

    def __init__(self):
        self.problems = []

    def problem(self, sheet, key, number, message, subject=""):
        self.problems.append(Problem(message, sheet=sheet.title, cell=f"{get_column_letter(sheet.letters[key])}{number}",
                                     subject=subject))

    def required(self, sheet, number, row, key, what):
        if not row[key]:
            self.problem(sheet, key, number, f"enter the {what}")
        return row[key]

    def whole(self, sheet, number, row, key, what, *, minimum=1, maximum=32767, required=True):
        if not row[key]:
            if required:
                self.problem(sheet, key, number, f"enter the {what}")
            return None
        value = whole_number(row[key], minimum=minimum, maximum=maximum)
        if value is None:
            self.problem(sheet, key, number, f"the {what} must be a whole number from {minimum} to {maximum}")
        return value

    def slug(self, sheet, number, row, key, what, seen):
        value = self.required(sheet, number, row, key, what)
        if value and slugify(value) != value:
            self.problem(sheet, key, number, f"the {what} may hold only lower-case letters, digits and hyphens, "
                                             f"like “{slugify(value) or 'town-centres'}”")
        elif value in seen:
            self.problem(sheet, key, number, f"“{value}” is in the sheet twice: each {what} once")
        seen.add(value)
        return value

    def choice(self, sheet, number, row, key, what, *, required=True):
        text = row[key]
        if not text:
            if required:
                self.problem(sheet, key, number, f"enter the {what}")
            return ""
        for value, label in CHOICES[key]:
            if text.lower() in (value.lower(), str(label).lower(), str(label).partition(":")[0].lower()):
                return value
        self.problem(sheet, key, number, f"the {what} must be one of {', '.join(v for v, _ in CHOICES[key])}")
        return ""

    def yes_no(self, sheet, number, row, key, what):
        text = row[key].lower()
        if text not in ("", "yes", "no", "true", "false"):
            self.problem(sheet, key, number, f"{what}: enter Yes or No")
        return text in ("yes", "true")


def _trajectory(check, sheet, number, row):
    """A target row's trajectory as the strategy file has it: profile, baseline, period_points."""
    profile = check.choice(sheet, number, row, "profile", "trajectory", required=False) or Profile.FLAT
    found = {"profile": profile}
    if profile == Profile.LINEAR:
        try:
            found["baseline"] = str(parse_number(row["baseline"])) if row["baseline"] else None
        except NumberError:
            check.problem(sheet, "baseline", number, "the baseline must be a number, like 640 or 12.5")
        if not row["baseline"]:
            check.problem(sheet, "baseline" if "baseline" in sheet.letters else "profile", number,
                          "a linear trajectory starts from a baseline: enter the figure at the start of the year")
    if profile == Profile.PERIODS:
        points = []
        for part in row["period_points"].split(POINTS_SEPARATOR):
            try:
                points.append(str(parse_number(part.strip())))
            except NumberError:
                points = None
                break
        if not row["period_points"] or points is None:
            check.problem(sheet, "period_points" if "period_points" in sheet.letters else "profile", number,
                          "give the trajectory's point for each period but the last, as numbers separated by "
                          "semicolons, like 100; 250; 450")
        found["period_points"] = points or []
    return found


def document(sheets):
    """The strategy file's document the sheets say, or ImportRefused with each problem by its cell."""
    check = _Checker()
    strategy_sheet = sheets["strategy"]
    if len(strategy_sheet.rows) != 1:
        raise ImportRefused([Problem("fill in one row: the strategy's slug and name", sheet=strategy_sheet.title)])
    number, row = strategy_sheet.rows[0]
    strategy = {"slug": check.slug(strategy_sheet, number, row, "slug", "strategy's slug", set()),
                "name": check.required(strategy_sheet, number, row, "name", "strategy's name")}
    objectives, seen = {}, set()
    sheet = sheets["objectives"]
    for number, row in sheet.rows:
        n = check.whole(sheet, number, row, "number", "number", maximum=99)
        if n in objectives:
            check.problem(sheet, "number", number, f"number {n} is in the sheet twice")
        objectives[n] = {"number": n, "name": check.required(sheet, number, row, "name", "name"),
                         "slug": check.slug(sheet, number, row, "slug", "slug", seen), "short_name": row["short_name"],
                         "description": row["description"], "sub_strands": []}
    subs, seen = {}, set()
    sheet = sheets["sub_strands"]
    for number, row in sheet.rows:
        slug = check.slug(sheet, number, row, "slug", words("{sub_strand.one_lower}'s slug"), seen)
        n = check.whole(sheet, number, row, "objective", words("{objective.one_lower}'s number"), maximum=99)
        if n is not None and n not in objectives:
            check.problem(sheet, "objective", number, words("there is no {objective.one_lower} {n} in its sheet", n=n))
        subs[slug] = {"slug": slug, "name": check.required(sheet, number, row, "name", "name"),
                      "order": check.whole(sheet, number, row, "order", "order", required=False) or 1,
                      "lead_service": row["lead_service"],
                      "reports_as_objective": check.yes_no(sheet, number, row, "reports_as_objective",
                                                           in_words("Reports as its strategic objective")), "kpis": []}
        if n in objectives:
            objectives[n]["sub_strands"].append(subs[slug])
    kpis, seen = {}, set()
    sheet = sheets["kpis"]
    for number, row in sheet.rows:
        code = check.required(sheet, number, row, "code", "code")
        if code in seen:
            check.problem(sheet, "code", number, f"“{code}” is in the sheet twice: each code once")
        seen.add(code)
        if row["sub_strand"] and row["sub_strand"] not in subs:
            check.problem(sheet, "sub_strand", number,
                          words("there is no {sub_strand.one_lower} “{name}” in its sheet", name=row["sub_strand"]))
        elif not row["sub_strand"]:
            check.problem(sheet, "sub_strand", number, words("enter the {sub_strand.one_lower}'s slug"))
        kind = check.choice(sheet, number, row, "kpi_kind", "kind of indicator", required=False)
        milestone = kind == KPI.Kind.MILESTONE  # its unit and direction follow from its kind
        kpis[code] = {"code": code, "title": check.required(sheet, number, row, "title", "title"), "kind": kind,
                      "unit": check.choice(sheet, number, row, "unit", "unit", required=not milestone),
                      "direction": check.choice(sheet, number, row, "direction", "direction", required=not milestone),
                      "cadence": check.choice(sheet, number, row, "cadence", "cadence", required=False),
                      "order": check.whole(sheet, number, row, "order", "order", required=False),
                      "data_source": row["data_source"], "description": row["description"],
                      "source_notes": row["source_notes"], "targets": []}
        if "accumulation" in sheet.letters:
            kpis[code]["accumulation"] = check.choice(sheet, number, row, "accumulation", "how its figures add up",
                                                      required=False) or Accumulation.SNAPSHOT
        if "data_lag_months" in sheet.letters:  # months after the period ends that its figures arrive (kpis.freshness)
            kpis[code]["data_lag_months"] = check.whole(sheet, number, row, "data_lag_months", "data lag in months",
                                                        minimum=0, maximum=36, required=False) or 0
        if kpis[code]["order"] is None:
            del kpis[code]["order"]
        if row["sub_strand"] in subs:
            subs[row["sub_strand"]]["kpis"].append(kpis[code])
    sheet = sheets["targets"]
    for number, row in sheet.rows:
        code = row["kpi"]
        if code not in kpis:
            check.problem(sheet, "kpi", number, f"there is no KPI “{code}” in its sheet" if code else "enter the KPI's code")
        value = None
        try:
            value = parse_number(row["value"])
        except NumberError:
            check.problem(sheet, "value", number, "the value must be a number, like 640 or 12.5")
        target = {"financial_year": check.whole(sheet, number, row, "financial_year", "financial year",
                                                minimum=2000, maximum=2100),
                  "kind": check.choice(sheet, number, row, "kind", "kind"),
                  "value": None if value is None else str(value),
                  "is_primary": check.yes_no(sheet, number, row, "is_primary", "Primary"),
                  "description": row["description"]}
        if "profile" in sheet.letters:
            target.update(_trajectory(check, sheet, number, row))
        if code in kpis:
            kpis[code]["targets"].append(target)
    if check.problems:
        raise ImportRefused(check.problems)
    return {"strategy": strategy, "objectives": list(objectives.values())}
