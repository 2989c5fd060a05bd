"""What readers' pages show, kept in Django's cache framework (never whole responses).

The readers' pages (the dashboard, the briefing, the public dashboard and briefing) are read by many and
change only when the data behind them is written. Each keeps the part that is built from the data
(its content, rendered: the status grid, the KPI table, the briefing's sections and appendix) under
a key made of:

- **what the person may see**: `reporting.access.audience(user)`, the one home of who sees what
  (two people with the same audience see the same objects under every access rule); so a reader of
  one strategy never gets another's content, and a reader never gets a coordinator's (with its drafts);
- **the data version** (`DataVersion`, one row in the database): raised in the same transaction as
  every write to the data the pages show (any save or delete of a model of `objectives`, `kpis` or
  `reporting`, but for the few listed in `NOT_SHOWN`; a user's name; a strategy's readers, anyone's
  roles). Every gunicorn worker and every server reads it once a request (`data_version`), so a
  per-process cache never serves what another process has since changed: approving, publishing, a
  target, a correction, an edit in the admin all change the key. It has two numbers: every write
  (for those who see drafts), and the writes readers may see (for readers and the public): a
  return, a figure, an update on a recommendation or a briefing that readers may see before or
  after the write (its Visibility rule in reporting.access says so), and every other write. So an
  officer's draft saved leaves what is kept for readers valid, and a draft approved, published,
  reopened or corrected does not;
- what the page was asked for (its address's parameters, the day for what depends on the date).

The version is read before the data, and raised in the writing transaction, so content built from
older data is never kept under a newer version. A write not made through `save()` or `delete()`
(`QuerySet.update`, `bulk_create`) must call `changed()` itself.
"""
import hashlib
import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from kpis.models import Measurement
from reporting.access import BRIEFINGS, MEASUREMENTS, PLAN_UPDATES, RETURNS, RISK_REVIEWS, audience, sees_drafts
from reporting.models import ActionUpdate, Briefing, DataVersion, QuarterlyReturn, RiskReview

WATCHED_APPS = {"objectives", "kpis", "reporting"}
# Written often and never shown on a readers' page: the outbox, the kept papers, API tokens, the
# uploaded Word template. (A paper's files are served from the kept files, not from this cache.)
NOT_SHOWN = {"reporting.notification", "reporting.paper", "reporting.apitoken", "reporting.documenttemplate",
             "reporting.dataversion"}
# The rows with work in progress, each with the rule that says whether readers may see one.
IN_THE_WORKFLOW = {QuarterlyReturn: RETURNS, Measurement: MEASUREMENTS, ActionUpdate: PLAN_UPDATES, Briefing: BRIEFINGS,
                   RiskReview: RISK_REVIEWS}
# Change when what is kept changes shape (a template's fields), so that no old entry is read.
FORMAT = "1"


def changed(*, readers=True):
    """Raise the data version (and, with `readers`, the readers' version), in the current
    transaction, so with the write it follows: once a transaction. A key needs only to differ from
    every key before the transaction's writes; so a return saved with its twenty figures raises the
    row once, not twenty-one times (`_Raised`), unless the version was read since."""
    connection = transaction.get_connection()
    if _Raised.still_holds(connection, readers=readers):
        return
    raised = {"number": F("number") + 1, **({"readers": F("readers") + 1} if readers else {})}
    if not DataVersion.objects.filter(pk=1).update(**raised):
        with transaction.atomic():  # a database with no row yet (migrations make it; a flushed test database has none)
            DataVersion.objects.get_or_create(pk=1, defaults={"number": 1, "readers": 1})
    _Raised.note(connection, readers=readers)


class _Raised:
    """A mark that the current transaction has raised the version, kept as the transaction's own
    on-commit hook, so that it shares the raise's fate: Django drops a hook when the transaction, or
    the savepoint it was made in, is rolled back (and with it the raise), and runs and forgets it at
    the commit. Outside a transaction (autocommit) the hook runs at once and nothing is kept. A mark
    is spent when the version is read (`data_version`): what is built after that read is kept under
    the version read, so a later write in the same transaction must raise it again."""

    def __init__(self, readers):
        self.readers = readers
        self.spent = False

    def __call__(self):
        """The commit: nothing to do (the raise is committed with the writes)."""

    @classmethod
    def note(cls, connection, *, readers):
        if connection.in_atomic_block:
            transaction.on_commit(cls(readers), using=connection.alias)

    @classmethod
    def still_holds(cls, connection, *, readers):
        return connection.in_atomic_block and any(
            isinstance(hook, cls) and not hook.spent and (hook.readers or not readers)
            for _, hook, _ in connection.run_on_commit
        )

    @classmethod
    def spend(cls, connection):
        for _, hook, _ in connection.run_on_commit:
            if isinstance(hook, cls):
                hook.spent = True


def data_version(request=None, *, drafts=True):
    """The data version (`drafts`: of every write; else of the writes readers may see), read once a
    request (kept on the request)."""
    versions = getattr(request, "_ses_data_version", None) if request is not None else None
    if versions is None:
        versions = DataVersion.objects.filter(pk=1).values_list("number", "readers").first() or (0, 0)
        _Raised.spend(transaction.get_connection())
        if request is not None:
            request._ses_data_version = versions
    return versions[0] if drafts else versions[1]


_MISSING = object()


def shared_between_requests(request):
    """For objectives.council.in_scope (opened by reporting.middleware for each request): a value the
    same for everyone (the council, the strategies and who reads them, the public pages' switch),
    read from the database once for every request until the data changes, kept under the data
    version (of every write), which is read first. Inside a transaction of the product's own (a
    service that may have written), read afresh: nothing read there is kept."""
    def shared(key, read):
        seconds = settings.READERS_CACHE_SECONDS
        connection = transaction.get_connection()
        if not seconds or any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            return read()
        cache_key = f"shared:{FORMAT}:{data_version(request)}:{key.replace(' ', '-')}"
        found = cache.get(cache_key, _MISSING)
        if found is _MISSING:
            found = read()
            cache.set(cache_key, found, seconds)
        return found

    return shared


def kept(request, name, *parts, user=None, build):
    """What `build()` returns for this page (`name`, `parts`: what it was asked for), as seen by
    `user` (the request's user by default; reporting.access.PUBLIC for the public pages): from the
    cache when the data has not changed since it was built, else built and kept. `build` must depend
    on nothing but the data, the audience and `parts` (never on the person: their name, a CSRF token).
    The view reads the version (`data_version(request)`) before it reads anything `build` uses."""
    user = request.user if user is None else user
    version = data_version(request, drafts=bool(sees_drafts(user)))
    words = "|".join(repr(p) for p in (FORMAT, name, version, audience(user), *parts))
    key = "readers:" + hashlib.sha256(words.encode()).hexdigest()
    seconds = settings.READERS_CACHE_SECONDS
    if not seconds:
        return build()
    found = cache.get(key)
    if found is None:
        with _building(key):  # those who ask while it is being built wait for it, rather than build it too
            found = cache.get(key)
            if found is None:
                found = build()
                cache.set(key, found, seconds)
    return found


_locks, _locks_lock = {}, threading.Lock()


@contextmanager
def _building(key):
    """One build of a key at a time in this process (its threads)."""
    with _locks_lock:
        lock, waiting = _locks.get(key, (threading.Lock(), 0))
        _locks[key] = (lock, waiting + 1)
    try:
        with lock:
            yield
    finally:
        with _locks_lock:
            lock, waiting = _locks[key]
            if waiting == 1:
                del _locks[key]
            else:
                _locks[key] = (lock, waiting - 1)


def _watched(sender):
    if sender.__module__ == "__fake__":
        return False  # a migration's historical model: the table of the version may not be there yet
    return sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in NOT_SHOWN


def _before_saving(sender, instance, raw=False, **kwargs):
    """Whether readers could see a row in the workflow before this write (asked of the database only
    when they cannot after it: a return reopened, a figure unfrozen)."""
    rule = IN_THE_WORKFLOW.get(sender)
    if rule is None or raw:
        return
    instance._ses_seen_before = (
        instance.pk is not None and not instance._state.adding and not rule.is_for_readers(instance)
        and sender._base_manager.filter(rule.for_readers, pk=instance.pk).exists()
    )


def _seen_by_readers(sender, instance, before=False):
    rule = IN_THE_WORKFLOW.get(sender)
    if rule is None:
        return True  # everything else (the structure, targets, names) readers see
    return before or bool(rule.is_for_readers(instance))


def _saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if sender is get_user_model() and not raw:
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            return  # signing in changes nothing a page shows
        changed()
    elif _watched(sender):
        changed(readers=raw or _seen_by_readers(sender, instance, getattr(instance, "_ses_seen_before", True)))


def _deleted(sender, instance, **kwargs):
    if sender is get_user_model():
        changed()
    elif _watched(sender):
        changed(readers=_seen_by_readers(sender, instance))


def _m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed()  # a strategy's readers, a sub-strand's editors, a user's groups: who sees what


pre_save.connect(_before_saving, dispatch_uid="readers_cache_before_saving")
post_save.connect(_saved, dispatch_uid="readers_cache_saved")
post_delete.connect(_deleted, dispatch_uid="readers_cache_deleted")
m2m_changed.connect(_m2m, dispatch_uid="readers_cache_m2m")
