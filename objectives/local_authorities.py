"""The councils of the UK as data: mySociety's UK local authority names and codes (CC BY 4.0), shipped
in objectives/data/, loaded after every migrate when the table is empty, and refreshed from a newer
copy of the same file by `manage.py refresh_councils <file>`, which changes only what changed and says
what: added, changed, retired. Nothing is ever downloaded.
"""
import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections, transaction

from objectives.models import LocalAuthority

SHIPPED = Path(__file__).parent / "data" / "uk_local_authorities.csv"
ATTRIBUTION = "UK council names and codes: mySociety, CC BY 4.0"
ATTRIBUTION_URL = "https://github.com/mysociety/uk_local_authority_names_and_codes"
# The file's columns, and the model's fields they fill.
COLUMNS = {
    "local-authority-code": "code", "gss-code": "gss_code", "official-name": "name", "nice-name": "short_name",
    "local-authority-type": "kind", "local-authority-type-name": "kind_name", "region": "region", "nation": "nation",
    "current-authority": "is_current", "end-date": "end_date",
}
FIELDS = [f for f in COLUMNS.values() if f != "code"]


class CouncilsFileError(ValueError):
    """The file is not a copy of mySociety's councils file: why, in words."""


@dataclass
class Changes:
    """What a refresh did, by three-letter code."""

    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (code, [field, …])
    retired: list = field(default_factory=list)
    restored: list = field(default_factory=list)

    def __str__(self):
        parts = [f"{len(self.added)} added", f"{len(self.changed)} changed", f"{len(self.retired)} retired"]
        if self.restored:
            parts.append(f"{len(self.restored)} back in the file")
        lines = [", ".join(parts) + "."]
        lines += [f"Added: {code}" for code in self.added]
        lines += [f"Changed: {code} ({', '.join(names)})" for code, names in self.changed]
        lines += [f"Retired: {code}" for code in self.retired]
        return "\n".join(lines)


def _value(name, raw):
    raw = (raw or "").strip()
    if name == "is_current":
        return raw.lower() != "false"
    if name == "end_date":
        try:
            return datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise CouncilsFileError(f"an end date “{raw[:20]}” is not a date (YYYY-MM-DD)") from None
    return raw


def read_rows(text):
    """The file's rows as {field: value}, by three-letter code; CouncilsFileError when it is not the file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CouncilsFileError(f"it is not mySociety's UK local authorities file: no column {', '.join(missing)}")
    rows = {}
    for number, row in enumerate(reader, start=2):
        found = {name: _value(name, row.get(column)) for column, name in COLUMNS.items()}
        if not found["code"]:
            raise CouncilsFileError(f"row {number} has no local-authority-code")
        if found["code"] in rows:
            raise CouncilsFileError(f"row {number}: the code {found['code']} is there twice")
        if found["end_date"] is not None:
            found["is_current"] = False
        rows[found["code"]] = found
    if not rows:
        raise CouncilsFileError("it holds no councils")
    return rows


@transaction.atomic
def refresh(text):
    """Bring the UK councils in line with `text` (the councils file): add the new ones, change only the
    fields that changed, retire (never delete) those no longer in it. Returns the Changes."""
    rows = read_rows(text)
    changes = Changes()
    existing = {la.code: la for la in LocalAuthority.objects.all()}
    new = [LocalAuthority(**row) for code, row in rows.items() if code not in existing]
    LocalAuthority.objects.bulk_create(new)
    changes.added = sorted(la.code for la in new)
    for code, la in existing.items():
        row = rows.get(code)
        if row is None:
            if not la.retired:
                la.retired, la.is_current = True, False
                la.save(update_fields=["retired", "is_current"])
                changes.retired.append(code)
            continue
        names = [name for name in FIELDS if getattr(la, name) != row[name]]
        if la.retired:
            la.retired = False
            changes.restored.append(code)
        for name in names:
            setattr(la, name, row[name])
        if names or code in changes.restored:
            la.save()
        if names:
            changes.changed.append((code, names))
    return changes


def load_shipped(**kwargs):
    """After migrate (post_migrate, and so after a test's flush too): the shipped file, when there are no councils yet."""
    using = kwargs.get("using", "default")
    if LocalAuthority._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the councils were data
    if not LocalAuthority.objects.using(using).exists():
        refresh(SHIPPED.read_text(encoding="utf-8"))


def by_gss_code():
    """{GSS code: authority} for matching published figures: a current authority before a past one that
    shares its boundary's code."""
    found = {}
    for la in LocalAuthority.objects.exclude(gss_code="").order_by("is_current", "code"):
        found[la.gss_code.upper()] = la  # current ones last, so they win
    return found
