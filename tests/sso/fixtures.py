"""Fixtures for single sign-on tests: the real provider on loopback, and the tracker configured for it."""
import pytest

import sso
from objectives.roles import Role
from sso.models import GroupRoleMapping
from tests.sso.provider import running_provider

# Entra ID sends group object IDs: these stand for the council's groups.
APPROVERS_GROUP = "6a1f0c9e-2b7d-4c61-9f3e-approvers000"
READERS_GROUP = "0d3c5b7a-91e2-4f80-b6d4-readers00000"
UNMAPPED_GROUP = "c4e2a9f1-7d35-4b0c-8e61-facilities00"
PASSWORD = "provider-pass-1234"
PEOPLE = [
    {"username": "alex.morgan@council.example", "email": "alex.morgan@council.example", "first_name": "Alex",
     "last_name": "Morgan", "groups": [APPROVERS_GROUP, UNMAPPED_GROUP]},
    {"username": "sam.reid@council.example", "email": "sam.reid@council.example", "first_name": "Sam",
     "last_name": "Reid", "groups": [READERS_GROUP]},
    {"username": "pat.jones@council.example", "email": "pat.jones@council.example", "first_name": "Pat",
     "last_name": "Jones", "groups": [UNMAPPED_GROUP]},
]


@pytest.fixture(scope="module")
def oidc_provider(live_server, tmp_path_factory):
    users = [{**person, "password": PASSWORD} for person in PEOPLE]
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), users=users,
                          redirect_uri=f"{live_server.url}/accounts/microsoft/callback/") as provider:
        yield provider


@pytest.fixture
def sso_on(oidc_provider, settings, transactional_db):
    """The tracker configured for the provider (as OIDC_* environment variables would), and the
    administrator's mapping: approvers' group → Approver, readers' group → Reader."""
    found = oidc_provider.discovery
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, sso.BACKEND]
    GroupRoleMapping.objects.create(claim_value=APPROVERS_GROUP, role=Role.APPROVER, description="SES approvers")
    GroupRoleMapping.objects.create(claim_value=READERS_GROUP, role=Role.READER, description="Members")
    assert sso.enabled()
    return oidc_provider
