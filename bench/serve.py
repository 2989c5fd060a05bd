"""Helpers for the benchmarks: a throwaway database (SQLite file or a PostgreSQL server of our own),
a gunicorn server on loopback, and a signed-in HTTP session. Nothing here leaves the machine."""
import contextlib
import glob
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin():
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{d}/initdb"):
            return Path(d)
    raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")


@contextlib.contextmanager
def database(kind):
    """Yields a DATABASE_URL for an empty throwaway database of the given kind."""
    tmp = tempfile.mkdtemp(prefix=f"ses-bench-{kind}-")
    if kind == "sqlite":
        try:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    bindir, port = pg_bin(), free_port()
    run_as = []
    if os.geteuid() == 0:
        user = "postgres"
        try:
            import pwd

            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        shutil.chown(tmp, user)
        run_as = ["runuser", "-u", user, "--"]
    data = f"{tmp}/data"
    subprocess.run([*run_as, f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*run_as, f"{bindir}/pg_ctl", "-D", data, "-l", f"{tmp}/log", "-w", "-o",
                    f"-p {port} -c listen_addresses=127.0.0.1 -k {tmp} -c max_connections=200", "start"],
                   check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def bench_env(database_url):
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_ENV="development", DEBUG="false",
               ALLOWED_HOSTS="127.0.0.1,localhost,testserver", AXES_ENABLED="false", LOG_LEVEL="ERROR",
               LOG_REQUESTS="off")  # a line a request on the terminal would be the generator's noise
    return env


def prepare(database_url, generator_args=()):
    """Migrate and fill the database with the large generated council."""
    subprocess.run([PY, "bench/large_council.py", *generator_args], cwd=ROOT, env=bench_env(database_url), check=True)


@contextlib.contextmanager
def gunicorn(database_url, workers=2, threads=1, extra_env=None):
    port = free_port()
    gunicorn_bin = Path(PY).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn_bin), "sefton_ses.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=bench_env(database_url) | (extra_env or {}),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Session:
    """A signed-in browser-like session (cookies, CSRF) over urllib."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def post(self, path, data):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True).encode()
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def sign_in(self, username, password):
        self.get("/accounts/login/")
        status, body = self.post("/accounts/login/", {"username": username, "password": password})
        if b"Sign out" not in body:
            raise RuntimeError(f"could not sign in as {username}")
        return self


def form_fields(html):
    """The named inputs of the first POST form on a page, as a dict (enough for our own forms)."""
    text = html.decode() if isinstance(html, bytes) else html
    fields = {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", text):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else ""
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', text, re.S):
        fields[name] = body
    return fields
