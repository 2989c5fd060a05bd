"""The accessibility statement, the privacy notice and the cookies page: for everyone, signed in
or not, and linked from the footer of every page (templates/base.html)."""
from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from objectives.council import in_words, words
from reporting.legal import content


def _legal(request, template, **extra):
    return render(request, template, {
        "contact_email": content.contact_email(), "site_url": settings.SITE_URL,
        "prepared_on": content.PREPARED_ON, **extra,
    })


@require_safe
def accessibility(request):
    return _legal(request, "reporting/legal/accessibility.html", axe_version=content.AXE_CORE_VERSION,
                  axe_rules=content.AXE_RULE_SETS,
                  checked=[(in_words(label), words(where), widths) for label, where, widths in content.AXE_CHECKED_PAGES])


@require_safe
def privacy(request):
    return _legal(request, "reporting/legal/privacy.html", session_hours=settings.SESSION_COOKIE_AGE // 3600,
                  lockout_failures=settings.AXES_FAILURE_LIMIT)


@require_safe
def cookies(request):
    return _legal(request, "reporting/legal/cookies.html", cookies=content.cookies())
