"""schemathesis fuzzes the API against a live server (pytest-django's, on loopback) from its own
OpenAPI document: every check it has (no 500s, answers that match the schema, invalid input
refused, no answer without a token…), as a reader, as a reader of one strategy of two (the other naming
its readers) and as the Economy Cell, with drafts planted.
Bounded in time: SCHEMATHESIS_SECONDS (default 20) a run."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.test_url_walk import drafts  # noqa: F401  (the planted drafts)

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "20"))
SEED = os.environ.get("SCHEMATHESIS_SEED", "17")  # fixed, so that a run can be repeated; change it to explore


def schemathesis_cli():
    beside = Path(sys.executable).with_name("st")
    return str(beside) if beside.exists() else shutil.which("st")


@pytest.mark.parametrize("username", ["cabinet", "coordinator", "cabinet, reading one strategy of two"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, drafts, token_for,  # noqa: F811
                                                                    settings, username, tmp_path, demo_users):
    settings.API_THROTTLE_RATE = ""  # the fuzzer's hundreds of requests a minute are not the throttle's test
    if username.endswith("of two"):  # the climate strategy names the scrutiny member as its only reader
        from objectives.models import Strategy
        from reporting.loaders import load_fixture_files
        from tests.test_two_strategies import CLIMATE

        load_fixture_files([CLIMATE])
        Strategy.objects.get(slug="climate-emergency").readers.add(demo_users["scrutiny"])
        username = "cabinet"
    secret = token_for(username)
    command = [
        schemathesis_cli(), "run", f"{live_server.url}/api/v1/openapi.json", "--url", live_server.url,
        "--header", f"Authorization: Bearer {secret}",
        "--checks", "all", "--max-examples", "40", "--max-time", str(SECONDS), "--workers", "1", "--seed", SEED,
        "--request-timeout", "20", "--report", "junit", "--report-dir", str(tmp_path),
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS * 6 + 60, env=env, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-25000:]
    assert "passed" in output.lower()
