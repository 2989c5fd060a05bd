"""Backups that restore: the database and the uploads folder, together, in one folder a day.

A backup is a folder `ses-backup-<date>-<time>/` holding
- `database.pgdump`: PostgreSQL's own `pg_dump --format=custom` of the whole database, or
  `database.sqlite3`: SQLite's online backup (the sqlite3 module's `backup`, safe while people work);
- `uploads.tar.gz`: everything under MEDIA_ROOT (the council's Word template, papers attached to
  plan updates, the kept papers);
- `manifest.json`: when and from which database it was made, and how many rows each table and how
  many files the uploads held, so that a restore can say whether what came back is what was kept.

`restore` puts a backup back into the database and the uploads folder of the settings it runs
with (an empty database, or one it replaces entirely) and then counts again. The commands are
`manage.py backup_data` and `manage.py restore_data`; README "Backups and restoring" and the drill
in tests/deploy/test_backup_restore.py.
"""
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

DUMP, SQLITE_COPY, UPLOADS, MANIFEST = "database.pgdump", "database.sqlite3", "uploads.tar.gz", "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in plain words."""


@dataclass(frozen=True)
class Counts:
    rows: dict
    files: int

    def differences(self, other):
        """What differs between two counts, as sentences (none when they agree)."""
        said = []
        for table in sorted(set(self.rows) | set(other.rows)):
            if self.rows.get(table) != other.rows.get(table):
                said.append(f"{table}: {self.rows.get(table, 'missing')} rows kept, {other.rows.get(table, 'missing')} now")
        if self.files != other.files:
            said.append(f"uploads: {self.files} files kept, {other.files} now")
        return said


def current_counts():
    """Rows in every table of the database, and files in the uploads folder."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows[table] = cursor.fetchone()[0]
    media = Path(settings.MEDIA_ROOT)
    files = sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    return Counts(rows=rows, files=files)


def _pg_tool(name):
    """pg_dump or pg_restore: PG_BIN_DIR's, else the newest under /usr/lib/postgresql, else the PATH's."""
    folder = os.environ.get("PG_BIN_DIR")
    candidates = [os.path.join(folder, name)] if folder else []
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                         key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0, reverse=True)
    candidates.append(shutil.which(name) or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (Debian's postgresql-client).")


def _pg_arguments_and_env():
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432), "--username", db["USER"] or "postgres",
            "--dbname", db["NAME"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command, env):
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def make_backup(*, into):
    """Back up the database and the uploads into a new folder under `into`; returns the folder."""
    folder = Path(into) / timezone.localtime().strftime("ses-backup-%Y-%m-%d-%H%M%S")
    if folder.exists():
        raise BackupError(f"{folder} already exists: wait a second and try again.")
    folder.mkdir(parents=True)
    counts = current_counts()
    if connection.vendor == "postgresql":
        args, env = _pg_arguments_and_env()
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / DUMP), *args], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_COPY)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Backups are made of PostgreSQL or SQLite databases, not {connection.vendor}.")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / UPLOADS, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="uploads")
    (folder / MANIFEST).write_text(json.dumps({
        "made_at": timezone.now().isoformat(), "database": connection.vendor,
        "rows": counts.rows, "files": counts.files,
    }, indent=1))
    return folder


def read_manifest(folder):
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.") from None
    except ValueError:
        raise BackupError(f"{folder / MANIFEST} is damaged: it is not JSON.") from None
    return manifest


def restore_backup(*, source):
    """Put the backup in `source` back: the database replaced entirely, the uploads folder's files
    put back (files added since the backup stay). Returns the differences between the counts kept
    in the backup and those found after the restore (none when all came back)."""
    source = Path(source)
    manifest = read_manifest(source)
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['database']} database; these settings use {connection.vendor}.")
    if connection.vendor == "postgresql":
        args, env = _pg_arguments_and_env()
        connections.close_all()
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(source / DUMP)], env)
    else:
        connection.ensure_connection()
        kept = sqlite3.connect(source / SQLITE_COPY)
        try:
            kept.backup(connection.connection)
        finally:
            kept.close()
        connections.close_all()
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / UPLOADS, "r:gz") as archive:
        for member in archive.getmembers():
            if not (member.name == "uploads" or member.name.startswith("uploads/")) or not (member.isfile() or member.isdir()):
                raise BackupError(f"The uploads archive holds {member.name!r}, which is not an uploaded file.")
            member.name = member.name.removeprefix("uploads").lstrip("/") or "."
        archive.extractall(media, filter="data")
    return Counts(rows=manifest["rows"], files=manifest["files"]).differences(current_counts())
