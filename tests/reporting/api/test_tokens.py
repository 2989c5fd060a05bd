"""API tokens: stored as a hash, the secret shown once, checked in constant time; revoked, expired
and rotated tokens stop working at once."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from reporting.api import tokens
from reporting.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("powerbi", email="bi@example.gov.uk")


def test_only_a_hash_of_the_token_is_stored(user):
    issued = tokens.issue_token(user=user, name="Power BI")
    assert tokens.TOKEN_PATTERN.match(issued.secret)
    row = ApiToken.objects.values().get(pk=issued.token.pk)
    assert issued.secret not in str(row)
    assert row["token_hash"] == tokens.digest(issued.secret) and len(row["token_hash"]) == 64
    assert issued.secret.startswith(f"ses_{row['prefix']}_")


def test_the_token_signs_in_as_its_user_and_nothing_else_does(user):
    issued = tokens.issue_token(user=user, name="Power BI")
    assert tokens.authenticate(issued.secret).user == user
    wrong = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    assert tokens.authenticate(wrong) is None  # right prefix, wrong secret
    for nonsense in ["", "ses_", issued.secret + "x", issued.secret.upper(), "Bearer " + issued.secret, None]:
        assert tokens.authenticate(nonsense) is None


def test_two_tokens_never_share_a_prefix_or_a_secret(user):
    issued = [tokens.issue_token(user=user, name=f"report {n}") for n in range(20)]
    assert len({i.token.prefix for i in issued}) == 20
    assert len({i.secret for i in issued}) == 20


def test_revoked_expired_and_deactivated_tokens_stop_working(user):
    revoked = tokens.issue_token(user=user, name="revoked")
    assert tokens.revoke_token(token=revoked.token, by=None)
    assert not tokens.revoke_token(token=revoked.token, by=None)  # once only
    expired = tokens.issue_token(user=user, name="expired", expires_at=timezone.now() - timedelta(seconds=1))
    live = tokens.issue_token(user=user, name="live", expires_at=timezone.now() + timedelta(days=1))
    assert tokens.authenticate(revoked.secret) is None
    assert tokens.authenticate(expired.secret) is None
    assert tokens.authenticate(live.secret) is not None
    user.is_active = False
    user.save()
    assert tokens.authenticate(live.secret) is None


def test_rotating_replaces_the_token_with_one_of_the_same_name_and_lifetime(user):
    old = tokens.issue_token(user=user, name="Power BI", expires_at=timezone.now() + timedelta(days=90))
    new = tokens.rotate_token(token=old.token, by=user)
    assert tokens.authenticate(old.secret) is None
    assert tokens.authenticate(new.secret).pk == new.token.pk
    assert new.token.name == "Power BI" and new.token.replaces_id == old.token.pk
    lifetime = new.token.expires_at - new.token.created_at
    assert timedelta(days=89, hours=23) < lifetime <= timedelta(days=90, seconds=5)
    with pytest.raises(ValueError):
        tokens.rotate_token(token=old.token, by=user)


def test_last_used_is_written_at_most_once_a_minute(user, django_assert_num_queries):
    issued = tokens.issue_token(user=user, name="Power BI")
    first = tokens.authenticate(issued.secret).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the look-up only: no write within the minute
        assert tokens.authenticate(issued.secret).last_used_at == first
