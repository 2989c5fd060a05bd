"""Single sign-on is off unless configured; the group mapping's rules on their own."""
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

import sso
from objectives.roles import GROUP_NAMES, Role, roles_of
from sso.models import GroupRoleMapping
from sso.roles import GroupOverage, apply_roles, claim_values, mapped_roles
from tests.security.test_settings import ROOT


def test_off_unless_configured():
    assert not sso.enabled()


@pytest.mark.django_db
def test_when_off_there_is_no_microsoft_button_and_no_microsoft_address():
    page = Client().get("/accounts/login/").content.decode()
    assert "Sign in with Microsoft" not in page and 'name="password"' in page
    assert Client().get("/accounts/microsoft/sign-in/").status_code == 404
    assert Client().get("/accounts/microsoft/callback/?code=a&state=b").status_code == 404


def settings_in_a_fresh_process(**env):
    code = ("import django, json; django.setup(); from django.conf import settings as s; import sso; "
            "print(json.dumps([sso.enabled(), s.OIDC_OP_AUTHORIZATION_ENDPOINT, s.OIDC_OP_ISSUER, "
            "s.OIDC_OP_JWKS_ENDPOINT, s.AUTHENTICATION_BACKENDS[-1]]))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**base, "DJANGO_SETTINGS_MODULE": "sefton_ses.settings", **env})
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_tenant_id_client_id_and_secret_switch_on_entra_id():
    enabled, authorize, issuer, keys, backend = settings_in_a_fresh_process(
        OIDC_TENANT_ID="11111111-2222-3333-4444-555555555555", OIDC_RP_CLIENT_ID="app-id", OIDC_RP_CLIENT_SECRET="s")
    assert enabled and backend == sso.BACKEND
    assert authorize == "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize"
    assert issuer == "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
    assert keys.endswith("/discovery/v2.0/keys")
    enabled, *_ , backend = settings_in_a_fresh_process(OIDC_TENANT_ID="11111111-2222-3333-4444-555555555555")
    assert not enabled and backend != sso.BACKEND  # no client id and secret: still off


def test_the_group_claim_may_be_one_value_or_several_claims(settings):
    assert claim_values({"groups": ["a", "b"]}) == ["a", "b"]
    assert claim_values({"groups": "a"}) == ["a"]
    assert claim_values({}) == []
    settings.OIDC_GROUPS_CLAIM = "groups, roles"
    assert claim_values({"groups": ["a"], "roles": ["SES.Approver"]}) == ["a", "SES.Approver"]


def test_too_many_groups_for_the_token_is_said_so():
    with pytest.raises(GroupOverage):
        claim_values({"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "https://graph"}}})


@pytest.mark.django_db
def test_the_mapping_gives_roles_and_takes_away_the_others_but_keeps_other_groups():
    GroupRoleMapping.objects.create(claim_value="g-officers", role=Role.OFFICER)
    GroupRoleMapping.objects.create(claim_value="g-cell", role=Role.COORDINATOR)
    assert mapped_roles({"groups": ["g-officers", "g-cell", "unknown"]}) == {Role.OFFICER, Role.COORDINATOR}
    user = get_user_model().objects.create_user("someone")
    other = Group.objects.create(name="Newsletter")
    user.groups.add(other, Group.objects.get_or_create(name=GROUP_NAMES[Role.READER])[0])
    apply_roles(user, {Role.OFFICER})
    assert roles_of(user) == {Role.OFFICER}
    assert other in user.groups.all()
