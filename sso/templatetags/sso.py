from django import template

import sso

register = template.Library()


@register.inclusion_tag("sso/sign_in_button.html")
def sso_sign_in(next_url=""):
    """'Sign in with Microsoft', when single sign-on is configured; nothing otherwise."""
    return {"sso_enabled": sso.enabled(), "next": next_url}
