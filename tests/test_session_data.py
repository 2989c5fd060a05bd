"""The session's data (tests/session_data.py): each test gets what it asks for, and nothing that
an earlier test did."""
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from objectives.models import Strategy, SubStrand
from reporting.demo import DEMO_USERS
from tests.session_data import EMPTY, SEFTON, USERS, session_data, snapshot

User = get_user_model()


@pytest.mark.django_db
def test_a_test_that_does_not_ask_for_the_sefton_data_sees_the_database_as_migrated():
    assert not Strategy.objects.exists() and not User.objects.exists()
    if session_data.loaded:
        assert snapshot() == session_data.snapshots[EMPTY]


def test_the_sefton_data_without_the_demo_users(sefton):
    assert sefton["strategy created"] == 1
    assert Strategy.objects.filter(slug="sefton-economic-strategy").exists()
    assert not User.objects.exists()
    assert not SubStrand.objects.filter(lead_officer__isnull=False).exists()
    assert snapshot() == session_data.snapshots[SEFTON]


def test_a_change_made_by_a_test(demo_users):
    Strategy.objects.update(name="Changed by a test")
    demo_users["officer"].delete()
    User.objects.filter(username="cabinet").update(first_name="Changed")


def test_is_gone_by_the_next_test(demo_users):
    assert list(demo_users) == [username for username, *_ in DEMO_USERS]
    assert demo_users["cabinet"].first_name == "Cllr Morgan"
    assert Strategy.objects.get().name != "Changed by a test"
    assert snapshot() == session_data.snapshots[USERS]


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_the_data_committed_and_changes_it(demo_users):
    assert snapshot() == session_data.snapshots[USERS]
    Strategy.objects.update(name="Committed by a test")
    demo_users["officer"].delete()


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_gets_the_data_as_loaded(demo_users):
    assert Strategy.objects.get().name != "Committed by a test"
    assert User.objects.filter(username="officer").exists()
    assert snapshot() == session_data.snapshots[USERS]
    # the content types are the ones put back, not the ones the flush made (and cached)
    cached = [ContentType.objects.get_for_model(model) for model in apps.get_models()]
    assert len(ContentType.objects.filter(pk__in=[ct.pk for ct in cached])) == len(cached)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_that_does_not_ask_for_the_sefton_data_gets_an_empty_database():
    assert not Strategy.objects.exists() and not User.objects.exists()


def test_a_test_that_asks_for_the_data_while_it_runs_gets_it_loaded(request, db):
    assert not Strategy.objects.exists()
    users = request.getfixturevalue("demo_users")
    counts = request.getfixturevalue("sefton")
    assert counts["strategy created"] == 1 and set(users) == {username for username, *_ in DEMO_USERS}
    assert Strategy.objects.filter(slug="sefton-economic-strategy").exists()
    assert User.objects.filter(username="officer").exists()
