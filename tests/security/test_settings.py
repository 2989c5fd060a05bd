"""Production hardening: check --deploy, CSP, session expiry, login throttling, upload limits,
hashed static files."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="kJ3#f9!xQ2@pL7$wZ8^mN4&vB6*cR1(tY5)hU0_gE+oI-aS=dF",
        ALLOWED_HOSTS="ses.example.gov.uk",
        DATABASE_URL="sqlite:///:memory:",
        **extra,
    )
    return env


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_demo_users_are_refused_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_users"], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "never created in production" in result.stderr


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic as production runs it (DJANGO_ENV=production), into a temporary STATIC_ROOT:
    returns that folder and the manifest's {name: hashed name}."""
    tmp = tmp_path_factory.mktemp("collectstatic")
    static_root = tmp / "static_root"
    (tmp / "collect_settings.py").write_text(f"from sefton_ses.settings import *  # noqa\nSTATIC_ROOT = {str(static_root)!r}\n")
    env = production_env(
        DJANGO_SETTINGS_MODULE="collect_settings",
        PYTHONPATH=os.pathsep.join(p for p in [str(tmp), str(ROOT), os.environ.get("PYTHONPATH", "")] if p),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return static_root, manifest["paths"]


def test_collectstatic_in_production_rewrites_module_imports_to_hashed_names(collected_static):
    static_root, paths = collected_static
    frontend = paths["vendor/govuk-frontend/govuk-frontend.min.js"]
    assert re.fullmatch(r"vendor/govuk-frontend/govuk-frontend\.min\.[0-9a-f]{12}\.js", frontend)
    init_name = paths["js/govuk-init.js"]
    assert re.fullmatch(r"js/govuk-init\.[0-9a-f]{12}\.js", init_name)
    init = (static_root / init_name).read_text(encoding="utf-8")
    imports = re.findall(r"^import .*? from (.*)$", init, re.M)
    regions = paths["js/table-regions.js"]
    assert re.fullmatch(r"js/table-regions\.[0-9a-f]{12}\.js", regions)
    # the hashed names, which whitenoise serves as immutable
    assert imports == [f'"../{frontend}";', f'"./{regions.removeprefix("js/")}";'], imports
    # Post-processing leaves the vendored bundles themselves byte for byte as they are.
    for name in ["vendor/govuk-frontend/govuk-frontend.min.js", "vendor/plotly/plotly-scatter.min.js"]:
        assert (static_root / paths[name]).read_bytes() == (ROOT / "static" / name).read_bytes(), name


def test_collectstatic_in_production_has_every_template_asset_and_no_full_plotly_bundle(collected_static):
    static_root, paths = collected_static
    # Every {% static %} a template names is in the manifest (a missing one is a 500 in production).
    named = set()
    for template in (ROOT / "templates").rglob("*.html"):
        named |= set(re.findall(r"""\{% static ['"]([^'"]+)['"] %\}""", template.read_text(encoding="utf-8")))
    assert "vendor/plotly/plotly-scatter.min.js" in named
    assert named - set(paths) == set()
    # The partial bundle only: no file called, or mentioning, all of plotly.js (plotly.min.js).
    for path in static_root.rglob("*"):
        if path.is_file():
            assert not path.name.startswith("plotly.min"), path
            if path.suffix not in {".gz", ".br"}:
                assert b"plotly.min.js" not in path.read_bytes(), path


@pytest.mark.django_db
def test_content_security_policy_allows_scripts_only_from_self():
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_no_page_has_inline_script(client_for):
    import re

    for url in [reverse("login"), reverse("home")]:
        html = client_for("cabinet").get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE / 10


def test_an_active_session_moves_its_expiry_on_without_a_write_on_every_page(client_for, monkeypatch):
    """The expiry runs from the last request (give or take SESSION_REFRESH_SECONDS), and reading a
    page writes the session at most once every SESSION_REFRESH_SECONDS."""
    import time

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("cabinet")
    client.get(reverse("home"))
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    later = time.time() + settings.SESSION_REFRESH_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > first_expiry


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(demo_users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "cabinet", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_uploads_are_size_limited():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_UPLOAD_BYTES <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_UPLOAD_BYTES
