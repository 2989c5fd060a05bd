"""Shared fixtures: the real Sefton data where a test is about Sefton, small factories elsewhere."""
import pytest
from django.test import Client

from reporting.demo import DEMO_USERS, create_demo_users
from reporting.loaders import load_fixture_files

DEMO_PASSWORDS = {username: password for username, password, *_ in DEMO_USERS}


def pytest_configure(config):
    """Hash test passwords quickly: PBKDF2's deliberate slowness is for production, not the suite."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached pages: the data version lives in the test's database, which
    is rolled back after each test, so an entry from one test must never reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def data_version_changes_at_once(request, monkeypatch):
    """Each test runs in a transaction that is rolled back, so on-commit steps never run in it:
    the data version (changed after commit in production, reporting/signals.py) changes at once
    instead. Tests marked `real_commits` run with real transactions and the real on-commit step."""
    if request.node.get_closest_marker("real_commits") is None:
        from reporting import signals

        monkeypatch.setattr(signals, "after_commit", lambda func: func())


@pytest.fixture
def no_page_cache(settings):
    """Every request builds its page (for tests that look at the page's context or count the
    queries of building it)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def sefton(db):
    """The Sefton data of the seeds: strategy, KPIs, 2023/24 periods, the Q1 returns, the 2017 plan."""
    return load_fixture_files()


@pytest.fixture
def demo_users(sefton):
    """One user per role (officer edits housing and planning; officer2 health-wellbeing and digital)."""
    return create_demo_users()


@pytest.fixture
def client_for(demo_users):
    """A logged-in test client for a demo user: client_for("officer")."""

    def make(username):
        client = Client()
        client.force_login(demo_users[username], backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
