"""No lost work when a session ends: a form posted after the session has ended is kept, and put back
into the same form once the same person has signed in again.

Whose the posted form is, is traced two ways, and it is kept only when they do not disagree:
- the form's own signed note (`{% kept_work_note %}`, reporting/templatetags/kept_work.py): the id of
  the person it was shown to and the page's path, signed with the SECRET_KEY, for NOTE_SECONDS. It
  survives a browser that has lost every cookie; nobody can write one for somebody else.
- the ended session's cookie: Django's database sessions keep the ended row until `clearsessions`
  removes it, and that row says whose it was. The cookie stays in the browser once the session has
  ended (reporting.sessions.SessionMiddleware): the warning dialog's check does not remove it.
The posted form is then kept in the new (signed-out) session, which Django carries across sign-in,
under the owner's id, the page's path and the time. It is given back only to that person, on that
page, within KEEP_SECONDS, and only once; anyone else who signs in on that browser has it deleted at
sign-in (`forget_others_work`). A POST that cannot be traced to one person (signed out on purpose
from a page without a note, or the note and the session naming two people) is not kept: it could be
anyone's.

A browser that lost every cookie lost its CSRF cookie too, so Django refuses the POST before the view
(`csrf_failure`, settings.CSRF_FAILURE_VIEW): a form that keeps work is then kept on its note alone,
which proves the page was shown to its owner as a CSRF token would; anything else is Django's refusal.
"""
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.core import signing
from django.dispatch import receiver
from django.http import QueryDict
from django.shortcuts import redirect
from django.views.csrf import csrf_failure as refused_by_csrf

KEPT = "_ses_kept_work"
KEEP_SECONDS = 60 * 60  # an hour: long enough to sign in again, not a store of old drafts
KEEP_LIMIT = 500_000  # characters of form data: more than any return, less than a denial of service
FORM_NOTE = "kept_work_note"  # the form's hidden field: whose it is and on which page, signed
FORM_NOTE_SALT = "reporting.kept_work.note"
NOTE_SECONDS = 12 * 60 * 60  # a working day: a form left open that long is still its owner's
NOT_KEPT = ("csrfmiddlewaretoken", FORM_NOTE)
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


def form_note(request):
    """The signed note a form carries of whose it is and on which page (FORM_NOTE)."""
    return signing.dumps({"owner": str(request.user.pk), "path": request.path}, salt=FORM_NOTE_SALT)


def owner_named_by_form(request):
    """The id of the person the posted form was shown to, on this page, by its signed note; or None."""
    try:
        note = signing.loads(request.POST.get(FORM_NOTE, ""), salt=FORM_NOTE_SALT, max_age=NOTE_SECONDS)
    except signing.BadSignature:  # missing, changed, written with another key, or too old
        return None
    if not isinstance(note, dict) or note.get("path") != request.path:
        return None
    return str(note.get("owner") or "") or None


def owner_of_posted_form(request):
    """Whose the posted form is: the one person its note and its ended session name; None when they
    name nobody or two people."""
    owners = {owner_named_by_form(request), owner_of_ended_session(request)} - {None}
    return owners.pop() if len(owners) == 1 else None


def keep(request, owner):
    """Keep the posted form for `owner` (None: nobody's, not kept), in this browser's session; True if kept."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
    if owner is None or sum(len(v) for values in data.values() for v in values) > KEEP_LIMIT:
        return False
    request.session[KEPT] = {"owner": owner, "path": request.path, "at": int(time.time()), "data": data}
    return True


def keeps_work(view):
    """Wrap a form's view (outside login_required): a POST after the session ended is kept for its
    owner and they are sent to sign in, coming back to the page."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            kept = keep(request, owner_of_posted_form(request))
            messages.warning(request, KEPT_MESSAGE if kept else ENDED_MESSAGE)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.keeps_work = True  # read by csrf_failure
    return wrapped


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (settings.CSRF_FAILURE_VIEW), except for a form that keeps work whose
    signed note names its owner: a browser that lost its cookies is sent to sign in with the form
    kept; its owner signed in again in another tab (a new CSRF cookie) is sent back to the page, where
    the form is put back."""
    match = getattr(request, "resolver_match", None)
    if request.method == "POST" and match is not None and getattr(match.func, "keeps_work", False):
        owner = owner_named_by_form(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if owner is not None and (not signed_in or owner == str(user.pk)) and keep(request, owner):
            if signed_in:
                return redirect(request.get_full_path())
            messages.warning(request, KEPT_MESSAGE)
            return redirect_to_login(request.get_full_path())
    return refused_by_csrf(request, reason=reason)


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
