"""Tokens in the admin (made, shown once, revoked) and on a user's own page (seen, rotated, revoked)."""
import re

import pytest
from django.core.management import call_command
from django.test import Client

from reporting.api import tokens
from reporting.api.models import ApiToken

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"ses_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}")


def test_the_administrator_makes_a_token_and_sees_it_once(client_for, demo_users):
    admin = client_for("admin")
    response = admin.post("/admin/api/apitoken/add/", {"user": demo_users["cabinet"].pk, "name": "Power BI dashboard",
                                                       "expires_at_0": "", "expires_at_1": ""})
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.content.decode()).group(0)
    token = ApiToken.objects.get(name="Power BI dashboard")
    assert token.user == demo_users["cabinet"] and token.created_by == demo_users["admin"]
    assert token.token_hash == tokens.digest(secret)
    assert tokens.authenticate(secret).pk == token.pk
    for page in ["/admin/api/apitoken/", f"/admin/api/apitoken/{token.pk}/change/"]:
        text = admin.get(page).content.decode()
        assert token.prefix in text and secret not in text and token.token_hash not in text


def test_the_administrator_revokes_tokens(client_for, demo_users):
    issued = tokens.issue_token(user=demo_users["cabinet"], name="old report")
    response = client_for("admin").post("/admin/api/apitoken/", {"action": "revoke_selected",
                                                                 "_selected_action": [issued.token.pk]})
    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.is_revoked and issued.token.revoked_by == demo_users["admin"]
    assert tokens.authenticate(issued.secret) is None


def test_a_user_sees_their_own_tokens_only(client_for, demo_users):
    mine = tokens.issue_token(user=demo_users["cabinet"], name="my report")
    theirs = tokens.issue_token(user=demo_users["scrutiny"], name="their report")
    text = client_for("cabinet").get("/account/api-tokens/").content.decode()
    assert "my report" in text and mine.token.prefix in text
    assert "their report" not in text and mine.secret not in text
    assert "You have no API tokens" in client_for("officer").get("/account/api-tokens/").content.decode()
    assert client_for("cabinet").post(f"/account/api-tokens/{theirs.token.pk}/rotate/").status_code == 404
    assert client_for("cabinet").post(f"/account/api-tokens/{theirs.token.pk}/revoke/").status_code == 404
    assert tokens.authenticate(theirs.secret) is not None


def test_a_user_rotates_a_token_and_sees_the_new_one_once(client_for, demo_users):
    old = tokens.issue_token(user=demo_users["cabinet"], name="my report")
    client = client_for("cabinet")
    response = client.post(f"/account/api-tokens/{old.token.pk}/rotate/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.content.decode()).group(0)
    assert secret != old.secret
    assert tokens.authenticate(old.secret) is None
    assert tokens.authenticate(secret).name == "my report"
    assert secret not in client.get("/account/api-tokens/").content.decode()
    again = client.post(f"/account/api-tokens/{old.token.pk}/rotate/", follow=True)
    assert "only an active token can be rotated" in again.content.decode()
    assert client.get(f"/account/api-tokens/{old.token.pk}/rotate/").status_code == 405


def test_a_user_revokes_a_token(client_for, demo_users):
    issued = tokens.issue_token(user=demo_users["cabinet"], name="my report")
    response = client_for("cabinet").post(f"/account/api-tokens/{issued.token.pk}/revoke/", follow=True)
    assert "is revoked" in response.content.decode()
    assert tokens.authenticate(issued.secret) is None


def test_a_service_account_is_made_with_a_role_and_no_password(sefton, capsys):
    call_command("issue_api_token", "power-bi", "--name", "Power BI", "--service-account", "--role", "reader",
                 "--days", "365")
    secret = capsys.readouterr().out.strip()
    token = tokens.authenticate(secret)
    assert token.user.username == "power-bi" and not token.user.has_usable_password()
    assert Client().post("/accounts/login/", {"username": "power-bi", "password": ""}).status_code == 200  # not signed in
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/returns/")
    assert response.status_code == 200
    assert {r["state"] for r in response.json()["results"]} <= {"approved", "published"}
