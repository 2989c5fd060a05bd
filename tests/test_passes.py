"""make test's two passes (tests/passes.py): every test runs in at least one, every test that uses
the database in both, and each pass leaves out exactly what the other runs."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import passes

ROOT = Path(__file__).resolve().parents[1]
# A small cut of the suite with each kind of test in it.
SAMPLE = ["tests/test_layout.py", "tests/test_session_data.py", "tests/browser/test_sign_in.py",
          "tests/reporting/documents/test_pdf.py", "tests/reliability/test_concurrent_saves.py",
          "tests/reporting/test_outbox_worker.py", "tests/security/test_production_smoke.py",
          "tests/reporting/api/test_fuzz.py"]


def collected(*options, database_url=None):
    """The test ids pytest collects for SAMPLE with these options (collection only: nothing runs)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    if database_url:
        env["DATABASE_URL"] = database_url  # read for its kind only: no connection is made
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *options, *SAMPLE],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_the_two_passes_together_run_every_test_and_both_run_each_that_uses_the_database():
    everything = collected()
    on_sqlite = collected("--suite-pass=sqlite")
    on_postgres = collected("--suite-pass=postgresql", database_url="postgres://nobody@127.0.0.1:9/none")
    assert on_sqlite | on_postgres == everything
    both = on_sqlite & on_postgres
    assert "tests/test_session_data.py::test_is_gone_by_the_next_test" in both  # the database
    # A database of the run's kind made outside pytest-django (tests/reliability/live.py) counts too.
    assert "tests/reliability/test_concurrent_saves.py::test_ten_writers_saving_ten_different_returns_at_once_all_save" in both
    assert ("tests/reporting/test_outbox_worker.py::"
            "test_two_workers_at_once_send_each_email_once_and_stop_cleanly_on_sigterm") in both
    once = everything - both
    assert "tests/test_layout.py::test_no_import_cycle_between_modules" in once  # no database
    assert "tests/security/test_production_smoke.py::test_healthz_answers_200_over_plain_http_in_production" in once
    assert any(test.startswith("tests/browser/") for test in once)
    assert any(test.startswith("tests/reporting/documents/test_pdf.py") for test in once)
    fuzzing = {test for test in everything if test.startswith("tests/reporting/api/test_fuzz.py::")}
    assert len(fuzzing) == 3 and not fuzzing & both  # each run once; each database fuzzed
    assert fuzzing & on_sqlite and fuzzing & on_postgres
    assert {test for test in fuzzing & on_postgres if "[coordinator]" in test}


def test_a_pass_on_the_wrong_database_is_refused():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "--suite-pass=postgresql",
                             "tests/test_layout.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "--suite-pass=postgresql but the database is sqlite" in result.stdout + result.stderr


def test_every_test_of_this_session_runs_in_a_pass_and_each_that_uses_the_database_in_both():
    """The same over everything this session collected (the whole suite, in make test)."""
    assert passes.collected, "tests/conftest.py keeps what the session collected"
    for item in passes.collected:
        runs_in = passes.passes_for(item)
        assert runs_in and set(runs_in) <= set(passes.PASSES), item.nodeid
        names = set(item.fixturenames)
        uses_db = item.get_closest_marker("django_db") is not None or bool({"db", "transactional_db", "live_server"} & names)
        proves_the_database = not (item.get_closest_marker("browser") or "papers" in names
                                   or item.nodeid.startswith("tests/reporting/api/test_fuzz.py::")
                                   or item.nodeid.startswith(passes.HTML_CHECKER + "::")
                                   or passes.test_id(item) in passes.WORDS_WALKS + passes.LIBREOFFICE_READS)
        if uses_db and proves_the_database:
            assert runs_in == passes.PASSES, item.nodeid


@pytest.mark.parametrize("kind", sorted(passes.ONCE))
def test_each_kind_run_once_is_given_a_pass(kind):
    assert passes.ONCE[kind] in passes.PASSES


def test_each_test_named_for_a_kind_is_a_test_of_the_suite():
    """A test renamed would otherwise leave its old name in tests/passes.py, and run in both passes."""
    named = passes.WORDS_WALKS + passes.LIBREOFFICE_READS
    files = sorted({test.split("::", 1)[0] for test in named})
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *files], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    tests = {line.split("[", 1)[0] for line in result.stdout.splitlines() if "::" in line}
    assert set(named) <= tests, set(named) - tests
