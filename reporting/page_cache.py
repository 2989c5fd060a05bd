"""Rendered pages kept in the cache until the data under them changes.

The dashboard and the briefing are read far more often than the data behind them changes (a few
saves a day against every reader's visit), and building them from a large strategy costs a few
hundred milliseconds. So their rendered content is kept in Django's cache, under a key made of:

- the page and its query string (filters, sorting, page number);
- the data version (`DataVersion.token`), which every save or delete of the strategy's data
  changes (see `reporting.signals`: signals on every model of objectives, kpis and reporting);
  for readers, who never see drafts, the version of what they can see (`published_token`), which
  an officer's draft does not change;
- the user's audience (`objectives.permissions.audience_key`): users with the same key are
  allowed exactly the same things, so they may share a page; readers never share with staff;
- today's date (overdue figures depend on it).

Only the page's own blocks are cached (title, head, breadcrumbs, content, scripts), never its
frame: the header, the sign-out form's CSRF token and the flash messages are rendered for each
request. A page template takes part by extending `layout` (`{% extends layout|default:"base.html" %}`):
`render_cached` renders it once over layouts/blocks_only.html to get its blocks, and serves them in
layouts/cached_page.html. A cached entry also expires after `PAGE_CACHE_SECONDS` whatever happens.
"""
import hashlib
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from objectives.permissions import audience_key, sees_drafts


def data_version(*, published_only=False):
    """The current data version token (one query): of every change, or with `published_only` of
    the changes readers can see."""
    from reporting.models import DataVersion

    field = "published_token" if published_only else "token"
    token = DataVersion.objects.filter(pk=1).values_list(field, flat=True).first()
    return token or "none"


def bump_data_version(*, readers_see_it=True):
    """Mark the data as changed: every cached page built before now stops being served (for
    staff only when `readers_see_it` is False: an officer's draft, say).

    Model signals call this after each committed change (reporting.signals). Bulk writes that
    bypass the signals (bulk_create, QuerySet.update) must call it themselves."""
    from reporting.models import DataVersion

    tokens = {"token": uuid.uuid4().hex}
    if readers_see_it:
        tokens["published_token"] = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(changed_at=timezone.now(), **tokens):
        DataVersion.objects.update_or_create(pk=1, defaults=tokens)


_building = {}  # cache key -> the lock of the thread building that page
_building_guard = threading.Lock()


def page_key(request, name, *extra):
    """The cache key of page `name` as `request.user` sees it with `request`'s query string."""
    query = sorted((k, tuple(v)) for k, v in request.GET.lists())
    version = data_version(published_only=not sees_drafts(request.user))  # readers see no drafts
    parts = (name, version, audience_key(request.user), timezone.localdate().isoformat(), query, extra)
    return "ses-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_blocks(request, name, build, *extra):
    """The rendered blocks of page `name` (a dict of strings and flags) from the cache, or from
    `build()` (which renders them) when not cached yet. `extra` adds to the key (e.g. a slug)."""
    key = page_key(request, name, *extra)
    blocks = cache.get(key)
    if blocks is not None:
        return blocks
    # Right after a change, many readers ask for the same page at once: one thread builds it and
    # the others in this process wait for it rather than all building it together.
    with _building_guard:
        lock = _building.setdefault(key, threading.Lock())
    try:
        with lock:
            blocks = cache.get(key)
            if blocks is None:
                blocks = build()  # may raise (a 404 for an unknown KPI): nothing is kept then
                cache.set(key, blocks, settings.PAGE_CACHE_SECONDS)
    finally:
        with _building_guard:
            _building.pop(key, None)
    return blocks


BLOCKS = ("title", "head", "beforecontent", "content", "scripts")


def render_cached(request, template_name, name, build, *extra):
    """The page `template_name` with the context `build()` returns, its blocks from the cache when
    this audience has seen it since the data last changed. `name` and `extra` (e.g. a slug) name
    the page in the cache key; the query string is part of the key already."""

    def render_blocks():
        context = build()
        separator = mark_safe(f"<!--ses-block-{uuid.uuid4().hex}-->")  # cannot occur in the (escaped) page
        html = render_to_string(template_name, {**context, "layout": "layouts/blocks_only.html",
                                                "block_separator": separator}, request)
        if 'name="csrfmiddlewaretoken"' in html:
            raise ImproperlyConfigured(f"{template_name} has a form that posts: its CSRF token is the user's own, never cache it")
        blocks = dict(zip(BLOCKS, (mark_safe(part) for part in html.split(separator)), strict=True))
        form = context.get("form")
        blocks["has_errors"] = bool(form is not None and form.errors)
        blocks["synthetic"] = bool(context.get("synthetic_banner"))
        return blocks

    blocks = cached_blocks(request, name, render_blocks, *extra)
    return render(request, "layouts/cached_page.html", {"blocks": blocks, "synthetic_banner": blocks["synthetic"]})
