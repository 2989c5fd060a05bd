"""Rendered pages kept in the cache until the data under them changes.

The dashboard and the briefing are read far more often than the data behind them changes (a few
saves a day against every reader's visit), and building them from a large strategy costs a few
hundred milliseconds. So their rendered content is kept in Django's cache, under a key made of:

- the page and its query string (filters, sorting, page number);
- the data version (`DataVersion.token`), which every save or delete of the strategy's data
  changes (see `reporting.apps`: signals on every model of objectives, kpis and reporting);
- the user's audience (`objectives.permissions.audience_key`): users with the same key are
  allowed exactly the same things, so they may share a page; readers never share with staff;
- today's date (overdue figures depend on it).

Only content is cached, never the page's frame: the header, the sign-out form's CSRF token and
the flash messages are rendered for each request. A cached entry also expires after
`PAGE_CACHE_SECONDS` whatever happens.
"""
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from objectives.permissions import audience_key


def data_version():
    """The current data version token (one query)."""
    from reporting.models import DataVersion

    token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token or "none"


def bump_data_version():
    """Mark the data as changed: every cached page built before now stops being served.

    Runs inside the writer's transaction, so a rolled-back change rolls the token back with it.
    Bulk writes that bypass model signals (bulk_create, QuerySet.update) must call this."""
    from reporting.models import DataVersion

    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})


def page_key(request, name, *extra):
    """The cache key of page `name` as `request.user` sees it with `request`'s query string."""
    query = sorted((k, tuple(v)) for k, v in request.GET.lists())
    parts = (name, data_version(), audience_key(request.user), timezone.localdate().isoformat(), query, extra)
    return "ses-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_blocks(request, name, build, *extra):
    """The rendered blocks of page `name` (a dict of strings and flags) from the cache, or from
    `build()` (which renders them) when not cached yet. `extra` adds to the key (e.g. a slug)."""
    key = page_key(request, name, *extra)
    blocks = cache.get(key)
    if blocks is None:
        blocks = build()
        cache.set(key, blocks, settings.PAGE_CACHE_SECONDS)
    return blocks
