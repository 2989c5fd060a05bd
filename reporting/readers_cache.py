"""What readers' pages show, kept in Django's cache framework (never whole responses).

The readers' pages (the dashboard, the briefing, a sub-strand's and a KPI's page, and their public
twins) are read by many and change only when the data behind them is written. Each keeps the part
that is built from the data (its content, rendered: the status grid, the KPI table, the briefing's
sections and appendix) under a key made of:

- **what the person may see**: `reporting.access.audience(user)`, the one home of who sees what
  (two people with the same audience see the same objects under every access rule); so a reader of
  one strategy never gets another's content, and a reader never gets a coordinator's (with its drafts);
- **the data version**: a number in the database (`DataVersion`, one row), raised in the same
  transaction as every write to the data the pages show (any save or delete of a model of
  `objectives`, `kpis` or `reporting`, but for the few listed in `NOT_SHOWN`; a user's name; a
  strategy's readers). Every gunicorn worker and every server reads it once a request
  (`data_version`), so a per-process cache never serves what another process has since changed:
  approving, publishing, a target, a correction, an edit in the admin all change the key;
- what the page was asked for (its address's parameters, the day for what depends on the date).

The version is read before the data, and raised in the writing transaction, so content built from
older data is never kept under a newer version. A write not made through `save()` or `delete()`
(`QuerySet.update`, `bulk_create`) must call `changed()` itself.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
import hashlib

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from reporting.access import audience
from reporting.models import DataVersion

WATCHED_APPS = {"objectives", "kpis", "reporting"}
# Written often and never shown on a readers' page: the outbox, the kept papers, API tokens, the
# uploaded Word template. (A paper's files are served from the kept files, not from this cache.)
NOT_SHOWN = {"reporting.notification", "reporting.paper", "reporting.apitoken", "reporting.documenttemplate",
             "reporting.dataversion"}
TIMEOUT = getattr(settings, "READERS_CACHE_SECONDS", 3600)  # a kept entry is dropped after an hour unread
# Change when what is kept changes shape (a template's fields), so that no old entry is read.
FORMAT = "1"


def changed():
    """Raise the data version, in the current transaction (so with the write it follows)."""
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        with transaction.atomic():  # a database with no row yet (migrations make it; a flushed test database has none)
            DataVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def data_version(request=None):
    """The data version, read once a request (kept on the request)."""
    kept = getattr(request, "_ses_data_version", None) if request is not None else None
    if kept is None:
        kept = DataVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
        if request is not None:
            request._ses_data_version = kept
    return kept


def kept(request, name, *parts, user=None, build):
    """What `build()` returns for this page (`name`, `parts`: what it was asked for), as seen by
    `user` (the request's user by default; reporting.access.PUBLIC for the public pages): from the
    cache when the data has not changed since it was built, else built and kept. `build` must depend
    on nothing but the data, the audience and `parts` (never on the person: their name, a CSRF token)."""
    user = request.user if user is None else user
    words = "|".join(repr(p) for p in (FORMAT, name, data_version(request), audience(user), *parts))
    key = "readers:" + hashlib.sha256(words.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found


def _watched(sender):
    if sender.__module__ == "__fake__":
        return False  # a migration's historical model: the table of the version may not be there yet
    return sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in NOT_SHOWN


def _saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if sender is get_user_model() and not raw:
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            return  # signing in changes nothing a page shows
        changed()
    elif _watched(sender):
        changed()


def _deleted(sender, **kwargs):
    if sender is get_user_model() or _watched(sender):
        changed()


def _m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed()  # a strategy's readers, a sub-strand's editors, a user's groups: who sees what


post_save.connect(_saved, dispatch_uid="readers_cache_saved")
post_delete.connect(_deleted, dispatch_uid="readers_cache_deleted")
m2m_changed.connect(_m2m, dispatch_uid="readers_cache_m2m")
