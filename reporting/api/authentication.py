"""`Authorization: Bearer <token>`: the API's own sign-in, one token per user or service account."""
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from reporting.api import tokens


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send one token after the word Bearer: Authorization: Bearer <token>.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = tokens.authenticate(secret)
        if token is None:
            raise AuthenticationFailed("This token is not valid: it may have been revoked or have expired.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
