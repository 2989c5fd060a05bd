"""Making, checking, rotating and revoking API tokens: every rule about a token's secret is here.

A token reads `ses_` + 8 letters or digits (its prefix, stored as it is, to find it) + `_` + 43
URL-safe characters (32 random bytes). Its SHA-256 hash is stored and compared in constant time."""
import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from reporting.api.models import ApiToken

TOKEN_PATTERN = re.compile(r"^ses_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$")
PREFIX_ALPHABET = string.ascii_letters + string.digits
LAST_USED_EVERY = timedelta(minutes=1)  # how often a token's "last used" time is written


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: `secret` is the whole token, to be shown once and never stored."""

    token: ApiToken
    secret: str


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret():
    """A new token and its prefix, the prefix not yet used by another token."""
    while True:
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix, f"ses_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def issue_token(*, user, name, expires_at=None, created_by=None, replaces=None):
    """Make a token for `user`; the returned secret is the only copy there will ever be."""
    prefix, secret = _new_secret()
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, token_hash=digest(secret),
                                    expires_at=expires_at, created_by=created_by, replaces=replaces)
    return IssuedToken(token=token, secret=secret)


def fill_in_new_token(token, *, created_by):
    """For the admin's add form: give an unsaved token its prefix and hash; returns the secret."""
    prefix, secret = _new_secret()
    token.prefix, token.token_hash, token.created_by = prefix, digest(secret), created_by
    return secret


@transaction.atomic
def revoke_token(*, token, by):
    """Revoke a token (once: revoking it again changes nothing)."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                                   revoked_by=by)
    token.refresh_from_db()
    return bool(updated)


@transaction.atomic
def rotate_token(*, token, by):
    """Revoke an active token and issue its replacement, with the same name and the same lifetime."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.is_active:
        raise ValueError("Only an active token can be rotated.")
    lifetime = token.expires_at - token.created_at if token.expires_at else None
    revoke_token(token=token, by=by)
    return issue_token(user=token.user, name=token.name, created_by=by, replaces=token,
                       expires_at=timezone.now() + lifetime if lifetime else None)


def authenticate(secret):
    """The active token whose secret this is, and its user; None for anything else. The prefix finds
    the row; the hashes are compared in constant time."""
    match = TOKEN_PATTERN.match(secret or "")
    if not match:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match.group(1)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest(secret)):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
