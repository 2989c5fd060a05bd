"""A live server for the reliability tests: a throwaway database of the suite's own kind (a SQLite
file, or a new database on the suite's PostgreSQL server) holding the Sefton data and the demo users,
served by gunicorn with several workers and threads on loopback, as production serves it.

The HTTP session (cookies, CSRF) and the form reader are the benchmarks' (bench/serve.py)."""
import atexit
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench.serve import Session, free_port
from tests.reporting._returns_support import form_fields

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
DEMO_PASSWORDS = {"officer": "officer-demo-pass", "officer2": "officer2-demo-pass", "coordinator": "coordinator-demo-pass",
                  "approver": "approver-demo-pass", "cabinet": "cabinet-demo-pass", "admin": "admin-demo-pass"}

__all__ = ["LiveSession", "signed_in", "statuses", "form_fields", "live_database", "live_server", "run_at_once", "clone", "server_env"]


def server_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=database_url, DJANGO_ENV="development", DEBUG="false",
               ALLOWED_HOSTS="127.0.0.1,localhost,testserver", LOG_LEVEL="ERROR", LOG_REQUESTS="off")
    env.update(extra)
    return env


def manage(database_url, *args, **extra):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=server_env(database_url, **extra),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


# The databases live_database copies, one of each kind per test session: (vendor, data) -> a SQLite
# file's path or a PostgreSQL database's name. Removed when the session's interpreter exits.
_TEMPLATES = {}


def _postgres_params():
    db = settings.DATABASES["default"]
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
            "password": db["PASSWORD"] or None, "dbname": "postgres"}


def _postgres_url(name):
    db, params = settings.DATABASES["default"], _postgres_params()
    auth = urllib.parse.quote(db["USER"]) + (f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = urllib.parse.quote(str(params["host"]), safe="")  # a socket's folder (/tmp/…) is written %2Ftmp%2F…
    return f"postgres://{auth}@{host}:{params['port']}/{name}"


def _postgres_admin(params, *statements):
    """Run statements on the server's maintenance database, outside any transaction (CREATE and
    DROP DATABASE refuse one)."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(**params)) as admin:
        admin.autocommit = True
        with admin.cursor() as cur:
            for statement in statements:
                cur.execute(statement)


def _drop_template(params, name):
    with contextlib.suppress(Exception):  # the server may be gone already: run-tests.sh throws it away
        _postgres_admin(params, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _template(vendor, data):
    """The database of this kind made the real way, once per session: migrate run by `manage.py
    shell` in a subprocess, as a deployment runs it; with data, a copy of the migrated one (the
    same migrations: about 4 s of CPU not spent again) into which load_sefton and create_demo_users
    are run the same way. Nothing but copying reads it afterwards."""
    key = (vendor, data)
    if key not in _TEMPLATES:
        migrated = _template(vendor, False) if data else None
        if vendor == "sqlite":
            folder = tempfile.mkdtemp(prefix="ses-live-template-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            template, url = f"{folder}/template.sqlite3", f"sqlite:///{folder}/template.sqlite3"
            if migrated:
                _copy_sqlite(migrated, template)
        else:
            params = _postgres_params()
            template = f"ses_live_template_{'data' if data else 'nodata'}_{uuid.uuid4().hex[:10]}"
            _postgres_admin(params, f'CREATE DATABASE "{template}"' + (f' TEMPLATE "{migrated}"' if migrated else ""))
            atexit.register(_drop_template, params, template)
            url = _postgres_url(template)
        if data:
            manage(url, "shell", "-c", "from django.core.management import call_command as c; "
                                       "c('load_sefton', verbosity=0); c('create_demo_users', verbosity=0)")
        else:
            manage(url, "shell", "-c", "from django.core.management import call_command as c; "
                                       "c('migrate', interactive=False, verbosity=0)")
        _TEMPLATES[key] = template  # only once made whole: a failed attempt is tried again by the next caller
    return _TEMPLATES[key]


def _copy_sqlite(source_path, copy_path):
    """A SQLite file copied with SQLite's backup API, consistent whatever its WAL holds."""
    with contextlib.closing(sqlite3.connect(source_path)) as source, contextlib.closing(sqlite3.connect(copy_path)) as copy:
        source.backup(copy)


@contextlib.contextmanager
def live_database(*, data=True):
    """A DATABASE_URL for a new database of the kind the suite runs on, migrated, with the Sefton data
    and the demo users (data=False: migrated only); removed afterwards.

    Each is a copy of a template made once per session for its kind (`_template`): making one
    (migrate, load_sefton, create_demo_users in a subprocess) costs about 7.5 s of CPU, and the six
    modules that start real servers (tests/deploy/, tests/reliability/, the outbox worker's) ask for
    one on each pass of make test; a copy costs a fraction of a second. The copy is
    a database of its own (a SQLite file copied with SQLite's backup API, consistent whatever WAL
    holds; a PostgreSQL database CREATEd with the template as TEMPLATE, sequences included), so a
    test writes only to its copy and finds the database as freshly made, whatever ran before it."""
    vendor = connection.vendor
    template = _template(vendor, data)
    if vendor == "sqlite":
        tmp = tempfile.mkdtemp(prefix="ses-live-")
        path = f"{tmp}/live.sqlite3"
        try:
            _copy_sqlite(template, path)
            yield f"sqlite:///{path}"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        params = _postgres_params()
        name = f"ses_live_{uuid.uuid4().hex[:10]}"
        # PostgreSQL copies a template only while nobody is connected to it: its maker has exited.
        _postgres_admin(params, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _postgres_url(name)
        finally:
            _postgres_admin(params, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def live_server(database_url, *, workers=2, threads=8, env=None, argv=None):
    """gunicorn serving the product on a free loopback port; yields its base URL."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="ses-gunicorn-", suffix=".log", delete=False)
    command = argv or [str(Path(PY).parent / "gunicorn"), "sefton_ses.wsgi", "--bind", f"127.0.0.1:{port}",
                       "--workers", str(workers), "--threads", str(threads), "--timeout", "120", "--log-level", "warning"]
    proc = subprocess.Popen([c.replace("{port}", str(port)) for c in command], cwd=ROOT,
                            env=server_env(database_url, **(env or {})), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"the server stopped at once:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline:
                    raise AssertionError(f"the server did not answer /healthz within 60 s:\n{Path(log.name).read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        server_log = Path(log.name).read_text()
        os.unlink(log.name)
        assert "Traceback" not in server_log, f"the server logged an error:\n{server_log[-5000:]}"


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class LiveSession(Session):
    """bench.serve.Session that reports a redirect (302) as it is instead of following it."""

    def __init__(self, base):
        super().__init__(base)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects)

    def sign_in(self, username, password):
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302 or b"Sign out" not in self.get("/")[1]:
            raise RuntimeError(f"could not sign in as {username} ({status})")
        return self


_SIGNED_IN = {}


def signed_in(base, username):
    """A session of `username` on the server at `base` (signed in once per server: hashing a password
    takes a third of a second, on purpose)."""
    if (base, username) not in _SIGNED_IN:
        _SIGNED_IN[(base, username)] = LiveSession(base).sign_in(username, DEMO_PASSWORDS[username])
    return clone(_SIGNED_IN[(base, username)])


def clone(session):
    """Another browser tab of the same signed-in session (its own cookie jar and connections)."""
    copy = LiveSession(session.base)
    for cookie in session.jar:
        copy.jar.set_cookie(cookie)
    return copy


def run_at_once(calls, timeout=120):
    """Run each call in its own thread, all released at the same instant; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported in the results
            results[i] = ("error", repr(exc))

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


def statuses(results):
    return Counter(r[0] if isinstance(r, tuple) else r for r in results)
