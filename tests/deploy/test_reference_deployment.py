"""The reference deployment, proved without containers (issue 29): what compose.yaml runs — two app
servers in production mode over one PostgreSQL and one shared uploads folder, behind a reverse proxy
that terminates HTTPS, compresses and forwards the client's address — started here for real: two
gunicorn servers, Debian's nginx with deploy/nginx/ses.conf.template, a new database on the suite's
PostgreSQL server, the static files gathered by collectstatic as the image's build does.

It runs in `make test`'s PostgreSQL pass (the deployment is over PostgreSQL; the SQLite pass says so
and skips it)."""
import http.client
import io
import re
import secrets
import ssl
import subprocess
import tempfile
from pathlib import Path

import docx
import psycopg2
import pytest
import requests
from django.db import connection

from tests.deploy.proxy import reverse_proxy
from tests.reliability.live import PY, ROOT, live_database, live_server, server_env

pytestmark = pytest.mark.django_db

DEMO_PASSWORDS = {"coordinator": "coordinator-demo-pass", "admin": "admin-demo-pass", "cabinet": "cabinet-demo-pass"}
LETTERHEAD = "Reference deployment letterhead " + secrets.token_hex(4)


@pytest.fixture(scope="module")
def deployment(django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the reference deployment is over PostgreSQL: it runs in make test's PostgreSQL pass")
    uploads = Path(tempfile.mkdtemp(prefix="ses-uploads-"))
    static = Path(tempfile.mkdtemp(prefix="ses-static-"))
    production = {"DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(40), "DEBUG": "0",
                  "ALLOWED_HOSTS": "127.0.0.1,localhost", "TRUSTED_PROXY_COUNT": "1",
                  "MEDIA_ROOT": str(uploads), "STATIC_ROOT": str(static), "LOG_LEVEL": "WARNING"}
    with django_db_blocker.unblock(), live_database() as url:
        gathered = subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                                  env=server_env(url, **production), capture_output=True, text=True, timeout=300)
        assert gathered.returncode == 0, gathered.stderr
        with live_server(url, workers=1, threads=4, env=production) as one, \
                live_server(url, workers=1, threads=4, env=production) as two, \
                reverse_proxy([one.removeprefix("http://"), two.removeprefix("http://")]) as (plain, https, cert):
            yield {"url": url, "servers": (one, two), "plain": plain, "https": https, "cert": cert, "uploads": uploads}


def browser(deployment):
    """A browser's session through the proxy, over HTTPS (the certificate is this run's own)."""
    session = requests.Session()
    session.trust_env = False  # this machine's CA bundle or proxy settings are not the deployment's
    session.verify = deployment["cert"]
    return session


def sign_in(session, base, username):
    page = session.get(base + "/accounts/login/")
    assert page.status_code == 200
    answer = session.post(base + "/accounts/login/", allow_redirects=False, headers={"Referer": base + "/accounts/login/"},
                          data={"username": username, "password": DEMO_PASSWORDS[username],
                                "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert answer.status_code == 302, answer.text[:500]
    return session


def straight_to(server, path, session, *, via, **kwargs):
    """A request to one app server itself, as the proxy `via` sends it (its Host, HTTPS said by
    X-Forwarded-Proto, the client's address in X-Forwarded-For)."""
    headers = {"Host": via.removeprefix("https://"), "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1",
               "Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)}
    headers.update(kwargs.pop("headers", {}))
    direct = requests.Session()
    direct.trust_env = False
    return direct.request(kwargs.pop("method", "GET"), server + path, headers=headers, allow_redirects=False,
                          timeout=60, **kwargs)


def test_healthz_answers_through_the_proxy_over_plain_http_and_https(deployment):
    assert requests.get(deployment["plain"] + "/healthz", timeout=10).status_code == 200
    assert requests.get(deployment["https"] + "/healthz", verify=deployment["cert"], timeout=10).status_code == 200
    # Everything else on plain HTTP is sent to HTTPS by the proxy.
    moved = requests.get(deployment["plain"] + "/dashboard/", allow_redirects=False, timeout=10)
    assert moved.status_code == 308 and moved.headers["Location"].startswith(deployment["https"])


def test_a_session_made_on_one_server_works_on_the_other(deployment):
    session = sign_in(browser(deployment), deployment["https"], "cabinet")
    for server in deployment["servers"]:
        page = straight_to(server, "/dashboard/", session, via=deployment["https"])
        assert page.status_code == 200, (server, page.status_code, page.headers.get("Location"))
        assert "Sign out" in page.text
    # and without the cookie, each server sends the reader to sign in
    for server in deployment["servers"]:
        assert straight_to(server, "/dashboard/", requests.Session(), via=deployment["https"]).status_code == 302  # no cookie: to sign in


def test_a_file_uploaded_through_one_server_is_served_by_the_other(deployment):
    """The council's Word template uploaded in the admin of server one; the briefing's Word
    document built on it by server two, from the shared uploads folder."""
    one, two = deployment["servers"]
    admin = sign_in(browser(deployment), deployment["https"], "admin")
    add = "/admin/reporting/documenttemplate/add/"
    form = straight_to(one, add, admin, via=deployment["https"])
    assert form.status_code == 200, form.status_code
    letterhead = docx.Document()
    letterhead.add_paragraph(LETTERHEAD)
    upload = io.BytesIO()
    letterhead.save(upload)
    saved = straight_to(one, add, admin, via=deployment["https"], method="POST", headers={"Referer": deployment["https"] + add},
                        data={"csrfmiddlewaretoken": admin.cookies["csrftoken"], "name": "Letterhead", "in_use": "on",
                              "_save": "Save"},
                        files={"file": ("letterhead.docx", upload.getvalue(),
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert saved.status_code == 302, saved.text[:2000]
    kept = list((deployment["uploads"] / "document-templates").iterdir())
    assert len(kept) == 1, kept

    coordinator = sign_in(browser(deployment), deployment["https"], "coordinator")
    made = straight_to(two, "/periods/2023-24-q1/briefing.docx", coordinator, via=deployment["https"])
    assert made.status_code == 200, made.status_code
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(made.content)).paragraphs)
    assert LETTERHEAD in text


@pytest.mark.parametrize("path, kind", [
    ("/dashboard/", "text/html"),
    ("/api/v1/kpis/", "application/json"),
    ("/public/", "text/html"),
])
def test_responses_are_compressed_by_the_proxy(deployment, path, kind):
    session = sign_in(browser(deployment), deployment["https"], "cabinet")
    answer = session.get(deployment["https"] + path, headers={"Accept-Encoding": "gzip"}, stream=True)
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer.headers["Content-Type"].startswith(kind)
    assert answer.headers.get("Content-Encoding") == "gzip", answer.headers
    raw = answer.raw.read(decode_content=False)
    assert raw[:2] == b"\x1f\x8b"  # what travelled was gzip


def failed_sign_in_from(address, https_base, forwarded=None):
    """A wrong password posted through the proxy from a client at `address` (a loopback address of
    its own), with any X-Forwarded-For the client itself made up."""
    host, port = https_base.removeprefix("https://").split(":")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection(host, int(port), source_address=(address, 0), context=context, timeout=30)
    conn.request("GET", "/accounts/login/")
    page = conn.getresponse()
    page.read()
    token = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
    headers = {"Cookie": f"csrftoken={token}", "Referer": https_base + "/accounts/login/",
               "Content-Type": "application/x-www-form-urlencoded"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    conn.request("POST", "/accounts/login/", body=f"username=cabinet&password=wrong&csrfmiddlewaretoken={token}",
                 headers=headers)
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer.status


def test_the_clients_own_address_reaches_sign_in_throttling(deployment):
    """TRUSTED_PROXY_COUNT=1: the address the proxy saw, not the proxy's and not one the client made up."""
    assert failed_sign_in_from("127.0.0.2", deployment["https"]) == 200
    assert failed_sign_in_from("127.0.0.3", deployment["https"], forwarded="203.0.113.9") == 200
    with psycopg2.connect(deployment["url"]) as db, db.cursor() as cur:
        cur.execute("SELECT ip_address FROM axes_accessattempt WHERE username = 'cabinet'")
        addresses = {row[0] for row in cur.fetchall()}
    assert addresses == {"127.0.0.2", "127.0.0.3"}
