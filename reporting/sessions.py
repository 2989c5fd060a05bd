"""Sessions that end after a time idle, without a database write on every page.

Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request (a write transaction
for every page a Cabinet Member reads, which on SQLite queues behind every officer's save). Instead
the session is written again, moving its expiry on, once SESSION_REFRESH_SECONDS have passed since
it last was: an active user stays signed in, and an idle session ends between SESSION_COOKIE_AGE
minus SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request.
"""
import time

from django.conf import settings

REFRESHED = "_ses_refreshed_at"


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED] = now  # marks it modified: SessionMiddleware saves it, with a new expiry
        return response
