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
