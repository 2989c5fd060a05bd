"""Single sign-on with Microsoft Entra ID (OpenID Connect, through mozilla-django-oidc).

Off unless configured (settings: OIDC_*). Each sign-in gives the user the roles that their token's
group claims map to (GroupRoleMapping, edited by the administrator in the admin); local passwords
stay for councils without single sign-on."""
from django.conf import settings

REQUIRED_SETTINGS = ["OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT",
                     "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"]
BACKEND = "sso.backend.EntraIdBackend"


def enabled():
    """Is single sign-on configured? Read from the settings as they are now."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS) and BACKEND in settings.AUTHENTICATION_BACKENDS
