"""A strategy's risk register in Excel, and back: the workbook downloaded (a Risks sheet and an
Actions sheet, their columns reporting/workbooks/risk_sheets.py's), and a filled-in one imported with
the returns' care: the file checked (reporting.workbooks.safety), every cell read and checked, each
problem named by its sheet and cell, a preview of what would be added, changed and left as it is, and
on the uploader's own confirmation (reporting.workbooks.preview_token) one transaction through the
strategy file's loader (reporting/loaders/risks.py): all of it, or nothing.

The workbook written holds what is saved now, so one downloaded and imported again changes nothing.
Risks the workbook leaves out are left as they are; a risk's actions are the rows the Actions sheet
gives it. A risk's current score is not imported: it comes from its reviews."""
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.council import in_words, remembered, words
from reporting.access import can
from reporting.loaders import FixtureError, Loader
from reporting.models import Risk
from reporting.workbooks.risk_sheets import (
    ACTION_COLUMNS, ACTIONS, RISK_COLUMNS, RISKS, entry_of, known_for, matrix_for_council, note, open_workbook,
    read_register_sheets, register_changes, register_document, register_risks, write_actions, write_risks,
)
from reporting.workbooks import preview_token
from reporting.workbooks.cells import FIRST_DATA_ROW, finish_sheet, fmt_date, new_workbook, start_sheet
from reporting.workbooks.safety import ImportRefused, Problem, check_file

TOKEN_SALT = "reporting.workbooks.risk_register"


def register_filename(strategy):
    return f"{strategy.slug}-risk-register.xlsx"


@remembered()
def register_workbook_bytes(strategy):
    """The strategy's register as it is now (.xlsx): one row a risk, one row an action; header rows
    frozen, columns filtered, each sheet printed A4 landscape one page wide."""
    matrix = matrix_for_council()
    risks = register_risks(strategy)
    wb, used = new_workbook(), set()
    now = timezone.localtime()
    for i, (title, columns, write) in enumerate(((RISKS, RISK_COLUMNS, lambda ws: write_risks(ws, risks, matrix)),
                                                 (ACTIONS, ACTION_COLUMNS, lambda ws: write_actions(ws, risks)))):
        widths = [(heading, width) for heading, width, _ in columns]
        ws = start_sheet(wb, in_words(title), used, heading=f"{strategy.name}: {in_words(title).lower()}",
                         note=f"{note(title, matrix)} Downloaded on {fmt_date(now)} at {now:%H:%M}.",
                         columns=widths, first=i == 0)
        last = write(ws)
        finish_sheet(ws, widths, max(last, FIRST_DATA_ROW), one_page_wide=True)  # a register is read across
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the preview ----------------------------------------------------------------------------------


@dataclass
class RiskChange:
    reference: str
    title: str
    changes: list  # CellChange
    is_new: bool


@dataclass
class Preview:
    strategy: object
    added: list = field(default_factory=list)  # RiskChange
    changed: list = field(default_factory=list)  # RiskChange
    unchanged: list = field(default_factory=list)  # references
    entries: list = field(default_factory=list)  # the strategy file's entries of the added and changed risks
    versions: dict = field(default_factory=dict)  # reference -> version as previewed

    @property
    def has_changes(self):
        return bool(self.added or self.changed)

    @property
    def changes(self):
        return [c for r in (*self.added, *self.changed) for c in r.changes]

    def token(self, user):
        return preview_token.sign({"strategy": self.strategy.pk, "risks": self.entries, "versions": self.versions},
                                  user=user, salt=TOKEN_SALT)


@remembered()
def preview_register(*, strategy, user, content, filename=""):
    """What importing this workbook would add and change (a Preview); ImportRefused with every problem by
    its sheet and cell. Writes nothing."""
    if not can(user, "manage_risks"):
        raise ImportRefused([Problem(words("Only {coordinator.the} may import the risk register."))])
    check_file(content, filename=filename)
    sheets = read_register_sheets(open_workbook(content))
    matrix = matrix_for_council()
    entries = register_document(sheets, known_for(strategy, matrix))
    if not entries:
        raise ImportRefused([Problem(f"The {in_words(RISKS)} sheet holds no risks: there is nothing to import. Download "
                                     "the risk register, fill it in, and upload that.", sheet=sheets[RISKS].title)])
    saved = {r.reference: r for r in register_risks(strategy)}
    changes = register_changes(sheets, entries, {ref: entry_of(r) for ref, r in saved.items()}, matrix)
    preview = Preview(strategy)
    for entry in entries:
        risk = saved.get(entry["reference"])
        if risk is not None and not changes[entry["reference"]]:
            preview.unchanged.append(entry["reference"])
            continue
        found = RiskChange(entry["reference"], entry["title"], changes[entry["reference"]], risk is None)
        (preview.added if risk is None else preview.changed).append(found)
        preview.entries.append(entry)
        preview.versions[entry["reference"]] = risk.version if risk is not None else None
    with transaction.atomic():  # the loader's own checks (the matrix's levels, the database's rules), then undone
        _load(strategy, preview.entries, user)
        transaction.set_rollback(True)
    return preview


def unsign_register(token, user):
    """The previewed plan back from its confirm form's token, or ImportRefused."""
    return preview_token.unsign(token, user=user, salt=TOKEN_SALT,
                                expect={"strategy": int, "risks": list, "versions": dict})


def _load(strategy, entries, user):
    loader = Loader(Path("the risk register workbook"))
    loader.by = user
    try:
        sheet = in_words(RISKS)
        for entry in entries:
            loader.load_risk(entry, strategy, f"{sheet}, {entry['reference']}")
    except FixtureError as exc:
        raise ImportRefused([Problem(f"{str(exc).partition(': ')[2] or exc}. Nothing was saved.")]) from exc
    except IntegrityError as exc:
        raise ImportRefused([Problem(f"the workbook breaks a rule of the database ({exc}). Nothing was saved.")]) from exc
    return loader.counts


@dataclass
class ImportResult:
    added: int
    changed: int


@remembered()
def apply_register(*, strategy, user, plan):
    """Save a previewed import (unsign_register's plan) in one transaction: all of it, or nothing. A risk
    changed on the site since the preview is refused, so an old file never undoes someone's work."""
    if not can(user, "manage_risks"):
        raise ImportRefused([Problem(words("Only {coordinator.the} may import the risk register."))])
    if plan["strategy"] != strategy.pk:
        raise ImportRefused([Problem("This import was previewed for another strategy: upload the workbook again.")])
    with transaction.atomic():
        now = {r.reference: r.version for r in Risk.objects.select_for_update().filter(strategy=strategy)}
        for reference, version in plan["versions"].items():
            if now.get(reference) != version:
                raise ImportRefused([Problem(
                    f"Risk {reference} was {'added' if version is None else 'changed'} on the site after you uploaded the "
                    "workbook, so nothing was saved. Upload it again to see the changes against theirs.")])
        _load(strategy, plan["risks"], user)
    added = sum(1 for v in plan["versions"].values() if v is None)
    return ImportResult(added=added, changed=len(plan["versions"]) - added)

