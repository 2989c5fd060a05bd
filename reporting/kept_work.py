"""No lost work when a session ends: a form posted after the session has ended is kept, and put back
into the same form once the same person has signed in again.

A POST that arrives with an ended session still carries the ended session's cookie; Django's
database sessions keep the ended row until `clearsessions` removes it, and that row says whose it
was. Only then is the posted form kept: in the new (signed-out) session, which Django carries across
sign-in, under the owner's id, the page's path and the time. It is given back only to that person,
on that page, within KEEP_SECONDS, and only once; anyone else who signs in on that browser has it
deleted at sign-in (`forget_others_work`). A POST whose session cannot be traced to a person (signed
out on purpose, or the row already cleared) is not kept: it could be anyone's.
"""
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import QueryDict

KEPT = "_ses_kept_work"
KEEP_SECONDS = 60 * 60  # an hour: long enough to sign in again, not a store of old drafts
KEEP_LIMIT = 500_000  # characters of form data: more than any return, less than a denial of service
NOT_KEPT = ("csrfmiddlewaretoken",)
KEPT_MESSAGE = ("Your session ended before your changes were saved. Sign in again: what you typed has been kept "
                "and will be put back on the page.")
ENDED_MESSAGE = "Your session ended before your changes were saved. Sign in again, then enter your changes again."
RESTORED_MESSAGE = ("What you typed before your session ended has been put back. It has not been saved yet: "
                    "check it, then save it.")


def owner_of_ended_session(request):
    """The id of the person whose session the request's cookie names, though it has ended; or None."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or len(key) > 40:
        return None
    row = Session.objects.filter(session_key=key).first()
    if row is None:
        return None
    try:
        return str(row.get_decoded().get(SESSION_KEY) or "") or None
    except Exception:  # a row that no longer decodes (the secret key changed): nobody's
        return None


def keeps_work(view):
    """Wrap a form's view (outside login_required): a POST after the session ended is kept for its
    owner and they are sent to sign in, coming back to the page."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            owner = owner_of_ended_session(request)
            data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
            if owner is not None and sum(len(v) for values in data.values() for v in values) <= KEEP_LIMIT:
                request.session[KEPT] = {"owner": owner, "path": request.path, "at": int(time.time()), "data": data}
                messages.warning(request, KEPT_MESSAGE)
            else:
                messages.warning(request, ENDED_MESSAGE)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def take_kept_work(request):
    """What this person typed on this page before their session ended (a QueryDict), once; or None."""
    kept = request.session.get(KEPT)
    if not kept or not request.user.is_authenticated:
        return None
    if kept.get("path") != request.path:
        return None
    del request.session[KEPT]
    if kept.get("owner") != str(request.user.pk) or time.time() - kept.get("at", 0) > KEEP_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, values)
    return data


def posted_or_kept(request):
    """A form's data: what was posted; on a GET, what this person typed on this page before their
    session ended (said so in a message; `request.kept_work` is then True, so the page marks the form
    unsaved); otherwise None (an unbound form)."""
    if request.method == "POST":
        return request.POST
    kept = take_kept_work(request)
    request.kept_work = kept is not None
    if kept is not None:
        messages.warning(request, RESTORED_MESSAGE)
    return kept


@receiver(user_logged_in, dispatch_uid="reporting.kept_work.forget_others_work")
def forget_others_work(sender, request, user, **kwargs):
    """Someone else signing in on the browser: the work kept for another person is deleted."""
    session = getattr(request, "session", None)
    if session is not None and KEPT in session and session[KEPT].get("owner") != str(user.pk):
        del session[KEPT]
