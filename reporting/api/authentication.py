"""`Authorization: Bearer <token>`: the API's own sign-in, one token per user or service account.
Wrong tokens are counted per address and, past the limit, refused with 429 (reporting.api.throttling)."""
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from reporting.api import tokens
from reporting.api.throttling import count_token_failure, token_failure_wait


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        wait = token_failure_wait(request)
        if wait is not None:
            raise Throttled(wait=wait, detail="Too many tokens that are not valid have come from your address. "
                                              f"Try again in {in_minutes(wait)}.")
        if len(parts) != 2:
            count_token_failure(request)
            raise AuthenticationFailed("Send one token after the word Bearer: Authorization: Bearer <token>.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = tokens.authenticate(secret)
        if token is None:
            count_token_failure(request)
            raise AuthenticationFailed("This token is not valid: it may have been revoked or have expired.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def in_minutes(seconds):
    """'1 minute', '10 minutes': the wait in whole minutes, rounded up."""
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
