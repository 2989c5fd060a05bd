"""Single sign-on through a real OpenID provider on loopback (django-oauth-toolkit, tests/sso/openid_provider/),
over HTTP as a browser would: authorisation code with PKCE and a nonce, the RS256 ID token checked
against the provider's keys, the roles taken from its group claims through the administrator's mapping."""
import html
import re

import pytest
import requests
from django.contrib.auth import get_user_model

from objectives.roles import Role, roles_of
from sso.backend import FAILED, NO_ROLE
from sso.models import GroupRoleMapping, SsoIdentity
from tests.sso.fixtures import APPROVERS_GROUP, PASSWORD, oidc_provider, sso_on  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(live_server, username, password=PASSWORD, next_url="/dashboard/"):
    """Press 'Sign in with Microsoft', sign in on the provider's page; the answer at the end."""
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/accounts/microsoft/sign-in/?next={next_url}", timeout=20)
    assert login_page.url.startswith("http://127.0.0.1:"), login_page.url  # at the provider
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    follow_on = html.unescape(re.search(r'name="next" value="([^"]*)"', login_page.text).group(1))
    answer = session.post(login_page.url, timeout=20, data={"csrfmiddlewaretoken": token, "username": username,
                                                             "password": password, "next": follow_on})
    return session, answer


def person(username):
    return get_user_model().objects.get(username=username)


def test_a_mapped_group_signs_in_with_its_role(live_server, sso_on):  # noqa: F811
    _, answer = sign_in(live_server, "alex.morgan@council.example")
    assert answer.status_code == 200
    assert answer.url == f"{live_server.url}/dashboard/"
    assert "Review queue" in answer.text  # an approver's menu
    user = person("alex.morgan@council.example")
    assert roles_of(user) == {Role.APPROVER}
    assert (user.first_name, user.last_name, user.email) == ("Alex", "Morgan", "alex.morgan@council.example")
    assert not user.has_usable_password() and not user.is_staff
    identity = SsoIdentity.objects.get(user=user)
    assert identity.issuer == sso_on.issuer and APPROVERS_GROUP in identity.last_claims["groups"]


def test_no_mapped_group_no_sign_in(live_server, sso_on):  # noqa: F811
    _, answer = sign_in(live_server, "pat.jones@council.example")
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert html.escape(NO_ROLE, quote=False) in answer.text or NO_ROLE in html.unescape(answer.text)
    assert not get_user_model().objects.filter(username="pat.jones@council.example").exists()


def test_roles_follow_the_mapping_at_every_sign_in(live_server, sso_on):  # noqa: F811
    sign_in(live_server, "alex.morgan@council.example")
    GroupRoleMapping.objects.filter(claim_value=APPROVERS_GROUP).update(role=Role.ADMINISTRATOR)
    sign_in(live_server, "alex.morgan@council.example")
    user = person("alex.morgan@council.example")
    assert roles_of(user) == {Role.ADMINISTRATOR} and user.is_staff and user.is_superuser
    GroupRoleMapping.objects.filter(claim_value=APPROVERS_GROUP).delete()
    _, answer = sign_in(live_server, "alex.morgan@council.example")
    user = person("alex.morgan@council.example")
    assert roles_of(user) == set() and not user.is_staff and not user.is_superuser
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert SsoIdentity.objects.filter(user=user).count() == 1


def test_the_first_sign_in_finds_the_local_account_with_the_same_email(live_server, sso_on):  # noqa: F811
    local = get_user_model().objects.create_user("sreid", email="Sam.Reid@council.example", password="local-pass-12345")
    _, answer = sign_in(live_server, "sam.reid@council.example")
    assert answer.url == f"{live_server.url}/dashboard/"
    assert SsoIdentity.objects.get().user == local
    local.refresh_from_db()
    assert roles_of(local) == {Role.READER}
    assert local.check_password("local-pass-12345")  # the local password stays


def test_a_callback_this_browser_never_asked_for_is_refused_without_an_error(live_server, sso_on):  # noqa: F811
    answer = requests.get(f"{live_server.url}/accounts/microsoft/callback/?code=made-up&state=made-up", timeout=20)
    assert answer.status_code == 200 and answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert "Signing in with Microsoft did not work" in answer.text
    assert FAILED.startswith("Signing in with Microsoft did not work")


def test_an_id_token_from_another_issuer_is_refused(live_server, sso_on, settings):  # noqa: F811
    settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/another-tenant/v2.0"
    _, answer = sign_in(live_server, "alex.morgan@council.example")
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert "Signing in with Microsoft did not work" in answer.text
    assert not get_user_model().objects.filter(username="alex.morgan@council.example").exists()


def test_the_sign_in_page_offers_both_ways(live_server, sso_on):  # noqa: F811
    page = requests.get(f"{live_server.url}/accounts/login/?next=/dashboard/", timeout=20).text
    assert "Sign in with Microsoft" in page and 'href="/accounts/microsoft/sign-in/?next=/dashboard/"' in page
    assert 'name="password"' in page
