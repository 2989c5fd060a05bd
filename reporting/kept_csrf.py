"""A page's forms in what is kept for everyone of an audience (reporting.readers_cache), without
anyone's CSRF token in it.

What is kept must hold nothing of the person it was built for, and a form's CSRF token is theirs
(their session's). So what is kept is rendered with a stand-in for the token (`building`), and the
stand-in field is swapped for the person's own on each request (`with_token`). The stand-in field
begins with "<", which Django's escaping turns into "&lt;" in any text from the data, so no typed
text can ever be mistaken for it.
"""
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import mark_safe

STAND_IN = "kept-page-csrf-token"  # what {% csrf_token %} is given while what is kept is rendered
STAND_IN_FIELD = CsrfTokenNode().render(Context({"csrf_token": STAND_IN}))


def building(context):
    """The context for rendering what is kept: {% csrf_token %} draws the stand-in field (the
    context given to render_to_string is above the context processors', so it wins over the request's
    own token)."""
    return {**context, "csrf_token": STAND_IN}


def with_token(request, html):
    """What was kept, with this request's CSRF field where the stand-in is, marked safe (it was
    rendered by the templates, escaped as they escape)."""
    if STAND_IN_FIELD in html:
        html = html.replace(STAND_IN_FIELD, CsrfTokenNode().render(Context({"csrf_token": get_token(request)})))
    return mark_safe(html)
