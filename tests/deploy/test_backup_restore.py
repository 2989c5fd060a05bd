"""The restore drill (issue 29): back up, destroy, restore, and the same pages, figures, documents
and attachments come back — on the suite's own kind of database (SQLite's online backup in the
SQLite pass, pg_dump and pg_restore in the PostgreSQL pass), with the real commands a council's IT
team runs (`manage.py backup_data`, `manage.py restore_data`) and a real server before and after."""
import hashlib
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.reliability.live import PY, ROOT, live_database, live_server, server_env, signed_in

pytestmark = pytest.mark.django_db

LETTERHEAD_SCRIPT = """
from django.core.files.base import ContentFile
from reporting.documents.models import DocumentTemplate
import docx, io
d = docx.Document(); d.add_paragraph("Restore drill letterhead"); out = io.BytesIO(); d.save(out)
t = DocumentTemplate(name="Letterhead", in_use=True); t.file.save("letterhead.docx", ContentFile(out.getvalue())); t.save()
"""
PAGES = ["/dashboard/", "/periods/2023-24-q1/briefing/", "/api/v1/figures/?page_size=500", "/api/v1/kpis/"]


def manage(url, media, *args, stdin=None):
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=server_env(url, MEDIA_ROOT=str(media)),
                          capture_output=True, text=True, timeout=300, input=stdin)
    return done


def what_people_see(url, media):
    """The pages and figures a reader gets, the briefing's Word document a coordinator gets (built
    on the uploaded letterhead), and every uploaded or kept file, by content."""
    with live_server(url, workers=1, threads=4, env={"MEDIA_ROOT": str(media)}) as base:
        cabinet, coordinator = signed_in(base, "cabinet"), signed_in(base, "coordinator")
        seen = {}
        for path in PAGES:
            status, body = cabinet.get(path)
            assert status == 200, (path, status)
            # what differs from one request to the next anyway: the form token, the seconds left in the session
            seen[path] = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"|data-ends-in="\d+"', b"", body)
        status, body = coordinator.get("/periods/2023-24-q1/briefing.docx")
        assert status == 200
        import docx
        import io

        seen["briefing.docx"] = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
        assert "Restore drill letterhead" in seen["briefing.docx"]
    seen["files"] = {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
                     for p in sorted(media.rglob("*")) if p.is_file()}
    assert seen["files"], "the drill needs uploaded files to bring back"
    return seen


def destroy(url, media):
    """As a lost server loses it: the database and every uploaded file."""
    shutil.rmtree(media)
    if connection.vendor == "sqlite":
        Path(urllib.parse.urlparse(url).path).unlink()
        return
    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def test_back_up_destroy_restore_and_the_same_pages_figures_documents_and_files_come_back(tmp_path, django_db_blocker):
    media, backups = tmp_path / "uploads", tmp_path / "backups"
    with django_db_blocker.unblock(), live_database() as url:
        assert manage(url, media, "shell", "-c", LETTERHEAD_SCRIPT).returncode == 0
        before = what_people_see(url, media)

        made = manage(url, media, "backup_data", "--into", str(backups))
        assert made.returncode == 0, made.stderr
        (folder,) = backups.iterdir()
        assert "Backed up to" in made.stdout and folder.name.startswith("ses-backup-")

        destroy(url, media)
        lost = manage(url, media, "shell", "-c", "from reporting.models import QuarterlyReturn; print(QuarterlyReturn.objects.count())")
        assert lost.returncode != 0 and re.search(r"no such table|does not exist", lost.stderr), lost.stderr[-500:]

        refused = manage(url, media, "restore_data", str(folder), stdin="no\n")
        assert refused.returncode != 0 and "Nothing was restored" in refused.stderr
        restored = manage(url, media, "restore_data", str(folder), "--no-input")
        assert restored.returncode == 0, restored.stderr
        assert "as kept" in restored.stdout

        after = what_people_see(url, media)
    for key in before:
        if after[key] != before[key] and isinstance(before[key], bytes):
            at = next(i for i, (a, b) in enumerate(zip(before[key], after[key])) if a != b)
            raise AssertionError(f"{key} differs after the restore: {before[key][at - 300:at + 100]!r} became "
                                 f"{after[key][at - 300:at + 100]!r}")
        assert after[key] == before[key], f"{key} differs after the restore"


def test_a_folder_that_is_not_a_backup_is_refused_with_a_reason_and_nothing_is_touched(tmp_path):
    from django.core.management import CommandError, call_command

    from reporting.models import QuarterlyReturn as Return

    returns = Return.objects.count()
    with pytest.raises(CommandError, match="is not a backup: it has no manifest.json"):
        call_command("restore_data", str(tmp_path), "--no-input")
    (tmp_path / "manifest.json").write_text("{ damaged")
    with pytest.raises(CommandError, match="is damaged: it is not JSON"):
        call_command("restore_data", str(tmp_path), "--no-input")
    assert Return.objects.count() == returns


def test_a_backup_of_the_other_kind_of_database_is_refused(tmp_path):
    import json

    from django.core.management import CommandError, call_command

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    (tmp_path / "manifest.json").write_text(json.dumps({"made_at": "2026-12-07T02:00:00+00:00", "database": other,
                                                         "rows": {}, "files": 0}))
    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        call_command("restore_data", str(tmp_path), "--no-input")
