"""Sessions that end after a time idle, without a database write on every page.

Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request (a write transaction
for every page a Cabinet Member reads, which on SQLite queues behind every officer's save). Instead
the session is written again, moving its expiry on, once SESSION_REFRESH_SECONDS have passed since
it last was: an active user stays signed in, and an idle session ends between SESSION_COOKIE_AGE
minus SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request.

SESSION_WARNING_SECONDS before it ends, a signed-in page says so ("You will be signed out soon",
static/js/session-timeout.js) with a "Stay signed in" button that writes the session again.

An ended session's cookie stays in the browser (SessionMiddleware): it names the ended session's row,
which says whose a form posted after the end is (reporting.kept_work). Nothing the warning dialog asks
or any page shows removes it; signing out does, and signing in replaces it.
"""
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

REFRESHED = "_ses_refreshed_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session found ended (expired, or its row gone) leaves its cookie as it
    is: Django's sends a deleting Set-Cookie for any empty session the request's cookie named, so the
    warning dialog's own check (or a page in another tab) removed what traces a form posted after the
    end to its owner. A session emptied on purpose (signing out flushes it: modified) is still deleted."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES and session.is_empty()
                and not session.modified):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            # an unread store of the same cookie: neither saved nor deleted
            request.session = self.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
        return super().process_response(request, response)


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED, 0)) >= settings.SESSION_REFRESH_SECONDS and not getattr(
                    request, "ses_keep_end", False):
                session[REFRESHED] = now  # marks it modified: SessionMiddleware saves it, with a new expiry
        return response


def session_ends_in(request):
    """Seconds until this signed-in session ends if nothing more happens: SESSION_COOKIE_AGE after it
    was last written (this response writes it when SESSION_REFRESH_SECONDS have passed)."""
    now = int(time.time())
    refreshed = int(request.session.get(REFRESHED, 0))
    if now - refreshed >= settings.SESSION_REFRESH_SECONDS:
        refreshed = now
    return max(0, refreshed + settings.SESSION_COOKIE_AGE - now)


def session_timeout(request):
    """Template context (a context processor): when the session ends and how long before that to warn,
    for the "You will be signed out soon" dialog (templates/partials/session_timeout.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"session_ends_in": session_ends_in(request), "session_warn_before": settings.SESSION_WARNING_SECONDS}


@require_GET
def session_status(request):
    """How long the session has left, for the dialog's script before it warns (another tab may have
    kept the session going): asking does not itself move the end on."""
    if not request.user.is_authenticated:
        return JsonResponse({"ended": True}, status=401)
    request.ses_keep_end = True
    left = int(request.session.get(REFRESHED, 0)) + settings.SESSION_COOKIE_AGE - int(time.time())
    return JsonResponse({"ends_in": max(0, left) if REFRESHED in request.session else session_ends_in(request)})


@require_POST
def stay_signed_in(request):
    """"Stay signed in": the session written again, its end moved on; JSON for the dialog's script, a
    redirect back for a browser without it. A session already ended says so (401)."""
    if not request.user.is_authenticated:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"ended": True}, status=401)
        return redirect_to_login(request.POST.get("next") or "/")
    request.session[REFRESHED] = int(time.time())
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ends_in": settings.SESSION_COOKIE_AGE})
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)
