"""The authentication backend for Microsoft Entra ID: mozilla-django-oidc's code flow (with PKCE and
a nonce; the ID token's signature checked against the provider's keys), and here: the issuer and
audience checked, the account found by its subject (or, the first time, by its email), and its roles
set from the group claims at every sign-in. No mapped role: no sign-in."""
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sso.models import SsoIdentity
from sso.roles import GroupOverage, apply_roles, mapped_roles

log = logging.getLogger(__name__)

NO_ROLE = ("You signed in with Microsoft, but your account is not in a group that has a role in the tracker. "
           "Ask the administrator to give your group a role.")
OVERAGE = ("You are in too many groups for Microsoft to list them when you sign in. Ask your IT team to send only "
           "the groups assigned to the tracker's app registration.")
FAILED = "Signing in with Microsoft did not work. Try again, or sign in with your username and password."


class EntraIdBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as exc:
            log.warning("Single sign-on failed: %s", exc)
            self.refuse(FAILED)
            return None

    def refuse(self, message):
        request = getattr(self, "request", None)
        if request is not None and not getattr(request, "sso_refused", False):
            request.sso_refused = True
            messages.error(request, message)

    def check_id_token(self, payload):
        issuer = settings.OIDC_OP_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation(f"The ID token's issuer {payload.get('iss')!r} is not {issuer!r}.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not for this application.")
        if not payload.get("sub"):
            raise SuspiciousOperation("The ID token names no subject.")

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (Entra ID puts the groups there), with the userinfo endpoint's if set."""
        claims = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
            if claims.get("sub") not in (None, payload["sub"]):
                raise SuspiciousOperation("The userinfo endpoint answered for another subject.")
        claims.update(payload)
        return claims

    @transaction.atomic
    def get_or_create_user(self, access_token, id_token, payload):
        self.check_id_token(payload)
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            roles = mapped_roles(claims)
        except GroupOverage:
            self.refuse(OVERAGE)
            return None
        identity = SsoIdentity.objects.select_related("user").filter(issuer=claims["iss"], subject=claims["sub"]).first()
        user = identity.user if identity else self.matching_user(claims)
        if not roles:
            if user is not None:
                apply_roles(user, set())
            self.refuse(NO_ROLE)
            return None
        if user is None:
            user = self.create_user(claims)
        self.update_user(user, claims)
        SsoIdentity.objects.update_or_create(
            issuer=claims["iss"], subject=claims["sub"],
            defaults={"user": user, "last_claims": {"groups": sorted(map(str, claims.get("groups") or [])),
                                                    "roles": sorted(map(str, claims.get("roles") or []))}})
        apply_roles(user, roles)
        return user

    def matching_user(self, claims):
        """The first sign-in of an account: the one active user with its email who has no identity
        from this provider yet, if there is exactly one."""
        email = claims.get("email") or ""
        if not email:
            return None
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)
                     .exclude(sso_identities__issuer=claims["iss"])[:2])
        return users[0] if len(users) == 1 else None

    def create_user(self, claims):
        User = get_user_model()
        base = (claims.get("preferred_username") or claims.get("email") or f"sso-{claims['sub']}")[:140].lower()
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User(username=username)
        user.set_unusable_password()
        user.save()
        return user

    def update_user(self, user, claims):
        names = {"first_name": (claims.get("given_name") or "")[:150], "last_name": (claims.get("family_name") or "")[:150],
                 "email": (claims.get("email") or "")[:254]}
        if not names["first_name"] and not names["last_name"] and claims.get("name"):
            names["first_name"] = claims["name"][:150]
        changed = [field for field, value in names.items() if value and getattr(user, field) != value]
        for field in changed:
            setattr(user, field, names[field])
        if changed:
            user.save(update_fields=changed)
        return user
