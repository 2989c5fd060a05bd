"""Production mode, as it is deployed (DJANGO_ENV=production under gunicorn): `check --deploy` is
clean, DEBUG cannot be switched on, and a load balancer's probe of /healthz over plain HTTP gets
the 200 itself while every page redirects to HTTPS.

Issue 13, defects 7 and 9: /healthz answered 301 in production (SECURE_SSL_REDIRECT), so a probe
never saw the documented 200; DEBUG=1 was honoured in production."""
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.reliability.live import ROOT, live_server
from tests.security.test_settings import production_env


def test_check_deploy_prints_no_warnings_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


@pytest.mark.parametrize("debug", ["1", "true", "on", "yes"])
def test_debug_is_refused_in_production(debug):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(DEBUG=debug),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DEBUG must be off when DJANGO_ENV=production" in result.stderr


def _get(url):
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(Keep).open(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn in production mode (DEBUG unset) on a database of its own, reached over plain HTTP."""
    db = tmp_path_factory.mktemp("prod") / "prod.sqlite3"
    env = {k: production_env()[k] for k in ("DJANGO_ENV", "SECRET_KEY")}
    with live_server(f"sqlite:///{db}", workers=1, threads=2, env={**env, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": ""}) as base:
        yield base


def test_healthz_answers_200_over_plain_http_in_production(production_server):
    status, headers, body = _get(production_server + "/healthz")
    assert status == 200, (status, headers.get("Location"))
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert "no-cache" in headers.get("Cache-Control", "")


def test_every_page_redirects_to_https_in_production(production_server):
    for path in ["/", "/accounts/login/", "/dashboard/", "/admin/", "/healthz/x"]:
        status, headers, _ = _get(production_server + path)
        assert status == 301, (path, status)
        assert headers["Location"].startswith("https://"), headers["Location"]
