"""The onboarding workbook: a council's strategy in Excel (its objectives, sub-strands, KPIs and
targets, sheet by sheet, in the council's words), filled in or changed offline and imported with
the return import's care: the file checked (reporting.workbooks.safety), every cell read and
checked, every problem named by its sheet and cell, a preview of what would be made and changed,
and on confirmation one transaction through the strategy file's loader (reporting.loaders), so
that the workbook and a strategy file follow the same rules. Nothing is written unless all of it is.

The workbook written holds what is there now, so that one downloaded and uploaded again changes
nothing (a round trip)."""
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from openpyxl.utils import get_column_letter

from kpis.models import KPI, Target
from kpis.numbers import NumberError, parse_number, whole_number
from objectives.council import council_name, in_words, remembered, terms
from objectives.models import StrategicObjective, Strategy, SubStrand
from reporting.loaders import FixtureError, Loader
from reporting.workbooks import preview_token
from reporting.workbooks.imports import CellChange
from reporting.workbooks.cells import FIRST_DATA_ROW, TOP, WRAP, finish_sheet, new_workbook, put, start_sheet
from reporting.workbooks.onboarding_reader import (
    CHOICES, NO, POINTS_SEPARATOR, SHEETS, YES, document, read_sheets, text,
)
from reporting.workbooks.safety import ImportRefused, Problem, check_file

TOKEN_SALT = "reporting.workbooks.onboarding"
NOTES = {
    "strategy": "The strategy these belong to: its slug (its address) and its name. One row.",
    "objectives": "One row for each strategic objective. Slugs: lower case letters, digits and hyphens.",
    "sub_strands": "One row for each sub-strand, under the strategic objective of its number.",
    "kpis": "One row for each KPI. Kind of indicator: targeted (rated against its target), contextual (a volume or "
            "context measure: its trend shown, never rated) or milestone. Unit: {units}. Direction: higher, lower or "
            "milestone. Cadence: {cadences} or empty. How its figures add up: snapshot (each figure on its own) or "
            "cumulative (the year to date).",
    "targets": "One row for each KPI's target for a financial year (2023 for 2023/24). Kind: {kinds}. Primary: Yes or No. "
               "Trajectory: flat (the year's target every period), linear (from the Baseline at the year's start) or "
               "periods (the Points period by period, each period but the last, like 100; 250; 450).",
}
# -- the workbook written ------------------------------------------------------------------------


def _rows(strategy):
    """Each sheet's rows of the strategy as they are now (none for None), in the strategy file's keys.
    A fixed number of queries."""
    objectives = StrategicObjective.objects.filter(strategy=strategy).order_by("number")
    subs = SubStrand.objects.filter(objective__strategy=strategy).select_related("objective").order_by(
        "objective__number", "order", "slug")
    kpis = KPI.objects.filter(sub_strand__objective__strategy=strategy).select_related("sub_strand").order_by(
        "sub_strand__objective__number", "sub_strand__order", "order", "code")
    targets = Target.objects.filter(kpi__in=kpis).select_related("kpi").order_by("kpi__code", "financial_year", "kind")
    return {
        "strategy": [{"slug": strategy.slug, "name": strategy.name}] if strategy else [],
        "objectives": [{"number": o.number, "name": o.name, "slug": o.slug, "short_name": o.short_name,
                        "description": o.description} for o in objectives],
        "sub_strands": [{"slug": s.slug, "objective": s.objective.number, "name": s.name, "order": s.order,
                         "lead_service": s.lead_service, "reports_as_objective": YES if s.reports_as_objective else NO}
                        for s in subs],
        "kpis": [{"code": k.code, "sub_strand": k.sub_strand.slug, "title": k.title, "kpi_kind": k.kind, "unit": k.unit,
                  "direction": k.direction, "cadence": k.cadence, "order": k.order, "data_source": k.data_source,
                  "description": k.description, "source_notes": k.source_notes, "accumulation": k.accumulation,
                  "data_lag_months": k.data_lag_months}
                 for k in kpis],
        "targets": [{"kpi": t.kpi.code, "financial_year": t.financial_year, "kind": t.kind,
                     "value": None if t.value is None else format(t.value.normalize(), "f"), "is_primary": YES if t.is_primary else NO, "description": t.description,
                     "profile": t.profile,
                     "baseline": None if t.baseline is None else format(t.baseline.normalize(), "f"),
                     "period_points": f"{POINTS_SEPARATOR} ".join(t.period_points or [])}
                    for t in targets],
    }


def _note(key):
    values = {name: ", ".join(v for v, _ in choices) for name, choices in
              (("units", CHOICES["unit"]), ("cadences", CHOICES["cadence"]), ("kinds", CHOICES["kind"]))}
    return NOTES[key].format(**values)


@remembered()
def onboarding_workbook_bytes(strategy=None):
    """The onboarding workbook (.xlsx) holding the strategy (by default the first) as it is now
    (empty sheets when there is none)."""
    wb, used = new_workbook(), set()
    strategy = strategy or Strategy.objects.order_by("pk").first()
    for i, (key, rows) in enumerate(_rows(strategy).items()):
        title, columns = SHEETS[key]
        # Its first column (a slug, a number, a code) frozen, and so printed on every page across.
        ws = start_sheet(wb, in_words(title), used, heading=in_words(title), note=_note(key),
                         columns=[(heading, width) for heading, width, _ in columns], first=i == 0, freeze="B4")
        for r, row in enumerate(rows, start=FIRST_DATA_ROW):
            for c, (_, _, name) in enumerate(columns, start=1):
                value = row.get(name)
                # Text wraps in its column (a title, a lead service, a source note: never clipped).
                put(ws, r, c, value if value not in (None, "") else None, alignment=WRAP if isinstance(value, str) else TOP)
        finish_sheet(ws, [(heading, width) for heading, width, _ in columns], FIRST_DATA_ROW + max(len(rows), 1) - 1)
    _properties(wb, strategy)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _properties(wb, strategy):
    """The workbook's title, subject and language (en-GB), and the council as its author (dated the day
    it is made: it holds the strategy as it is that day)."""
    props = wb.properties
    props.title = f"Onboarding workbook – {strategy.name}" if strategy else "Onboarding workbook"
    words = terms()
    props.subject = (f"The strategy's {words.objective.many_lower}, {words.sub_strand.many_lower}, KPIs and targets, "
                     "to fill in and import")
    props.creator = props.lastModifiedBy = council_name()
    props.language = "en-GB"
    props.category = "Onboarding workbook"


def _load(doc):
    """Load the document through the strategy file's loader, in the caller's transaction; its counts."""
    loader = Loader(Path("the onboarding workbook"))
    strategy, created = Strategy.objects.get_or_create(slug=doc["strategy"]["slug"],
                                                       defaults={"name": doc["strategy"]["name"]})
    if created:  # an existing strategy's own fields are the admin's and the strategy file's, not the workbook's
        loader.count("strategy", created)
    try:
        for i, objective in enumerate(doc["objectives"]):
            loader.load_objective(objective, strategy, f"{in_words('Strategic objectives')}, row {i + 1}")
    except FixtureError as exc:
        raise ImportRefused([Problem(f"{exc}. Nothing was saved.")]) from exc
    except IntegrityError as exc:
        raise ImportRefused([Problem(f"the workbook breaks a rule of the database ({exc}). Nothing was saved.")]) from exc
    return loader.counts


DEFAULTS = {"accumulation": "snapshot", "profile": "flat"}  # an empty cell of these columns means their default


def _chosen(name, value):
    """A choice cell's value as it is saved ("Cumulative" → "cumulative"; empty → its default)."""
    typed = text(value).lower()
    for choice, label in CHOICES[name]:
        if typed in (choice.lower(), str(label).lower(), str(label).partition(":")[0].lower()):
            return choice
    return DEFAULTS[name] if not typed else typed


def _same(name, old, new):
    if name in DEFAULTS:
        return _chosen(name, old) == _chosen(name, new)
    if name == "period_points":
        try:
            return ([parse_number(p) for p in text(old).split(POINTS_SEPARATOR) if p.strip()]
                    == [parse_number(p) for p in text(new).split(POINTS_SEPARATOR) if p.strip()])
        except NumberError:
            return False
    if name == "data_lag_months":  # an empty cell is no lag
        return (whole_number(text(old) or "0", minimum=0, maximum=36) == whole_number(text(new) or "0", minimum=0, maximum=36))
    if name in ("value", "baseline"):
        try:
            return parse_number(old) == parse_number(new)
        except NumberError:
            return False
    return text(old) == new


def _changes(sheets):
    """[CellChange] for each cell that differs from what is saved now, and each new row (before: empty)."""
    named = sheets["strategy"].rows[0][1].get("slug") if sheets["strategy"].rows else None
    before = _rows(Strategy.objects.filter(slug=named).first() if named else None)
    out = []
    for key, sheet in sheets.items():
        _, columns = SHEETS[key]
        names = [name for _, _, name in columns]
        known = {(r["kpi"], text(r["financial_year"]), r["kind"]) if key == "targets" else text(r[names[0]]): r
                 for r in before[key]}
        for number, row in sheet.rows:
            old = known.get((row["kpi"], row["financial_year"], row["kind"]) if key == "targets" else row[names[0]])
            subject = " ".join(row[n] for n in (names[:3] if key == "targets" else names[:1]))
            for heading, _, name in columns:
                if name not in sheet.letters:  # a column the workbook lacks (made before it existed)
                    continue
                if old is not None and _same(name, old.get(name), row[name]):
                    continue
                if old is None and not row[name]:
                    continue
                out.append(CellChange(sheet.title, f"{get_column_letter(sheet.letters[name])}{number}", subject,
                                  in_words(heading), "" if old is None else text(old.get(name)), row[name]))
    return out


@dataclass
class Preview:
    doc: dict
    counts: dict
    changes: list = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.changes)

    def lines(self):
        """'2 priorities to be created', '1 KPI to be created' … in the council's words, in the sheets' order."""
        words = terms()
        names = {"strategy": ("strategy", "strategies"), "objective": (words.objective.one_lower, words.objective.many_lower),
                 "sub-strand": (words.sub_strand.one_lower, words.sub_strand.many_lower), "KPI": ("KPI", "KPIs"),
                 "target": ("target", "targets")}
        out = []
        for what, (one, many) in names.items():
            n = self.counts.get(f"{what} created", 0)
            if n:
                out.append(f"{n:,} {one if n == 1 else many} to be created")
        return out

    def token(self, user):
        return preview_token.sign({"doc": self.doc}, user=user, salt=TOKEN_SALT)


@remembered()
def preview_onboarding(*, content, filename=""):
    """What the workbook would make and change, worked out in a transaction rolled back; ImportRefused
    with every problem by its cell when it cannot be imported."""
    check_file(content, filename=filename)
    sheets = read_sheets(content)
    doc = document(sheets)
    with transaction.atomic():
        counts = _load(doc)
        transaction.set_rollback(True)
    return Preview(doc, counts, _changes(sheets))


def unsign_onboarding(token, user):
    """The strategy document back from its confirm form's token, or ImportRefused."""
    return preview_token.unsign(token, user=user, salt=TOKEN_SALT, expect={"doc": dict})["doc"]


@remembered()
def apply_onboarding(doc):
    """Save a previewed workbook in one transaction: all of it, or nothing. Its counts."""
    with transaction.atomic():
        return _load(doc)
