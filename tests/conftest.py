"""Shared fixtures: the real Sefton data where a test is about Sefton, small factories elsewhere.

The Sefton data and the demo users are loaded once per session, committed (tests/session_data.py):
a test that asks for them finds them in the database; any other test that uses the database finds
it as migrations left it."""
import gc

import pytest
from django.test import Client

from reporting.demo import DEMO_USERS, create_demo_users
from reporting.loaders import load_fixture_files
from tests import passes
from tests.session_data import EMPTY, USERS, needed_state, session_data

DEMO_PASSWORDS = {username: password for username, password, *_ in DEMO_USERS}


def pytest_configure(config):
    """Hash test passwords quickly: PBKDF2's deliberate slowness is for production, not the suite."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_addoption(parser):
    parser.addoption("--suite-pass", choices=passes.PASSES, default=None,
                     help="make test's pass on this database: a test whose outcome cannot depend on the database "
                          "runs in one pass only (tests/passes.py)")


def pytest_collection_finish(session):
    """What is loaded by now (Django, the project, pytest's thousands of collected tests) lives to the
    end of the run: it is frozen out of the garbage collector's reach (gc.freeze, as sefton_ses/wsgi.py
    does for a server), which otherwise walks all of it at every full collection; and a collection
    starts after 20,000 new objects rather than 700. Measured on 368 tests of tests/reporting: the
    collector's time 4.9 s -> 2.3 s, the run's CPU 100 s -> 89 s."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """In one of make test's passes, leave out the tests the other pass runs (tests/passes.py)."""
    passes.collected[:] = items
    suite_pass = config.getoption("suite_pass")
    if suite_pass is None:
        return
    from django.db import connection

    if connection.vendor != passes.VENDOR[suite_pass]:
        raise pytest.UsageError(f"--suite-pass={suite_pass} but the database is {connection.vendor} (DATABASE_URL)")
    kept, deselected = passes.select(items, suite_pass)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _db_marker_says(item, name):
    """What the test's django_db marker says for `transaction` or `reset_sequences`."""
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    given = dict(zip(("transaction", "reset_sequences"), marker.args))
    given.update(marker.kwargs)
    return bool(given.get(name))


def _uses_db(item):
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or bool({"db", "transactional_db", "live_server"} & set(names))


def _is_transactional(item):
    """As pytest-django decides it: the test commits for real and the database is flushed after it."""
    names = getattr(item, "fixturenames", ())
    return (_db_marker_says(item, "transaction") or _db_marker_says(item, "reset_sequences")
            or "transactional_db" in names or "live_server" in names)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb, request):
    """The test database (pytest-django's django_db_setup), with the Sefton data and the demo users
    loaded once and committed, if any test of the session uses them."""
    if any(needed_state(getattr(item, "fixturenames", ())) != EMPTY for item in request.session.items):
        with django_db_blocker.unblock():
            session_data.load()
    session_data.blocker = django_db_blocker
    yield
    session_data.blocker = None
    if django_db_keepdb:  # a database kept for the next run (--reuse-db) is left as migrations left it
        with django_db_blocker.unblock():
            session_data.put_back(EMPTY)
    session_data.loaded = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """After a transactional test the database is empty (flushed): load the data again, committed,
    before the next test that needs it (before its transaction starts)."""
    if (session_data.blocker is not None and not session_data.loaded
            and _uses_db(item) and needed_state(item.fixturenames) != EMPTY):
        with session_data.blocker.unblock():
            session_data.load()


@pytest.fixture(autouse=True)
def _session_data_or_empty_database(request):
    """Give each test that uses the database what it asked for: the Sefton data with the demo
    users, the Sefton data without them, or the database as migrations left it. For an ordinary
    test this happens inside its transaction, and is rolled back with it."""
    item = request.node
    if not _uses_db(item):
        yield
        return
    transactional = _is_transactional(item)
    request.getfixturevalue("transactional_db" if transactional else "db")
    session_data.put_back(needed_state(item.fixturenames))
    yield
    session_data.seen = EMPTY
    if transactional:
        session_data.loaded = False  # pytest-django flushes the database as soon as this test ends


@pytest.fixture
def sefton(db):
    """The Sefton data of the seeds: strategy, KPIs, 2023/24 periods, the Q1 returns, the 2017 plan."""
    if session_data.seen == EMPTY:  # only for a test that asks for it while it runs (getfixturevalue)
        return load_fixture_files()
    return dict(session_data.counts)


@pytest.fixture
def demo_users(sefton):
    """One user per role (officer edits housing and planning; officer2 health-wellbeing and digital)."""
    if session_data.seen != USERS:  # as above
        return create_demo_users()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([username for username, *_ in DEMO_USERS], field_name="username")
    return {username: users[username] for username, *_ in DEMO_USERS}


@pytest.fixture
def client_for(demo_users):
    """A logged-in test client for a demo user: client_for("officer")."""

    def make(username):
        client = Client()
        client.force_login(demo_users[username], backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_folder_of_the_run(tmp_path_factory):
    """Files the product keeps (the papers asked for as PDFs, attachments) go to a folder of this
    run, never to the clone's media/."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _an_empty_cache():
    """Each test starts with an empty cache: what readers' pages keep (reporting.readers_cache) is
    keyed by the data version, which every test's rollback puts back to where it was."""
    from django.core.cache import cache

    cache.clear()
