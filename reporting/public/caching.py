"""The public pages and open data are read by crowds (a local paper's story can send thousands at
once): each response says how long it may be kept (`Cache-Control: public, max-age`) and carries
validators (a weak ETag and Last-Modified) so that the council's reverse proxy or CDN serves the
crowd and asks again only with If-None-Match / If-Modified-Since, answered 304 while nothing new
has been published.

The validators come from the published data itself, in one query (`published_version`): when a
published return, a published figure or an issued briefing last changed and how many there are;
when a published return was last reopened for a correction; and when the reference data the pages
show (strategy, objectives, sub-strands, KPIs, targets, periods, changes of process; benchmarks, comparator
groups and the council's code, which the open data's comparisons read) last changed, from the audit log.
An officer's draft changes none of these, so a day of data entry leaves the crowd's copies valid.
That query is made once for every request until the data readers may see changes (`kept_version`,
reporting.readers_cache), not once a request.
"""
import datetime
import hashlib
from functools import wraps

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Max, Value
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_safe
from django.views.defaults import page_not_found

from kpis.models import KPI, Benchmark, ChangeOfProcess, Measurement, Target
from objectives.models import ComparatorGroup, Council, ReportingPeriod, StrategicObjective, Strategy, SubStrand
from reporting import readers_cache
from reporting.access import BRIEFINGS, MEASUREMENTS, PUBLIC, RETURNS
from reporting.models import Briefing, QuarterlyReturn, ReturnRevision
from reporting.public.switch import public_pages_on

# Change when what the public pages and files show changes shape, so that no cache keeps the old one.
FORMAT = "1"
REFERENCE_MODELS = [Strategy, StrategicObjective, SubStrand, ReportingPeriod, KPI, Target, ChangeOfProcess,
                    Benchmark, ComparatorGroup, Council]  # the last three: the open data's comparisons (kpis.benchmarks)


def _summary(queryset, tag, field):
    """(tag, latest `field`, count) of a queryset, as one row of a UNION."""
    return (queryset.order_by().annotate(tag=Value(tag, output_field=CharField())).values("tag")
            .annotate(latest=Max(field), count=Count("pk")).values_list("tag", "latest", "count"))


class Version:
    """What the validators are made of: the published data's summary, and the day for pages that
    depend on it (the dashboard's "figure overdue")."""

    def __init__(self, rows, day=None):
        self.rows = sorted((tag, latest, count) for tag, latest, count in rows)
        latest = [row[1] for row in self.rows if row[1] is not None]
        self.last_modified = max(latest) if latest else None
        if day is not None:
            midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            self.last_modified = max(self.last_modified, midnight) if self.last_modified else midnight
        words = "|".join(f"{tag}:{latest.isoformat() if latest else '-'}:{count}" for tag, latest, count in self.rows)
        self.etag = 'W/"' + hashlib.sha256(f"{FORMAT}|{day}|{words}".encode()).hexdigest()[:32] + '"'


def published_version(*, daily=False):
    """The version of the published data, in one query."""
    types = ContentType.objects.get_for_models(*REFERENCE_MODELS).values()  # cached after the first request
    parts = [
        _summary(QuarterlyReturn.objects.filter(RETURNS.public), "returns", "updated_at"),
        _summary(Measurement.objects.filter(MEASUREMENTS.public), "figures", "updated_at"),
        _summary(Briefing.objects.filter(BRIEFINGS.public), "briefings", "updated_at"),
        _summary(ReturnRevision.objects.all(), "corrections", "reopened_at"),
        _summary(LogEntry.objects.filter(content_type__in=[t.pk for t in types]), "reference", "timestamp"),
    ]
    rows = parts[0].union(*parts[1:], all=True)
    return Version(list(rows), day=timezone.localdate() if daily else None)


def kept_version(request, *, daily=False):
    """`published_version`, kept for the public as what readers' pages show is (reporting.readers_cache):
    until the data readers may see changes (every write that could change the published data does), and
    each day for a `daily` page; so a crowd's requests read only the data version, not every published row."""
    return readers_cache.kept(request, "published version", timezone.localdate() if daily else None, user=PUBLIC,
                              build=lambda: published_version(daily=daily))


def public_resource(*, daily=False):
    """Decorate a public page or file: 404 while the public pages are off; GET and HEAD only;
    validators, 304 to a conditional request, gzip when asked, and `Cache-Control: public, max-age`. `daily`: the
    page also changes with the date."""

    def decorator(view):
        @wraps(view)
        @require_safe
        def wrapped(request, *args, **kwargs):
            if not public_pages_on():
                response = page_not_found(request, None)
                patch_cache_control(response, no_cache=True)
                return response
            version = kept_version(request, daily=daily)
            respond = gzip_page(condition(etag_func=lambda *a, **k: version.etag,  # gzip: the open data is megabytes
                                          last_modified_func=lambda *a, **k: version.last_modified)(view))
            response = respond(request, *args, **kwargs)
            if response.status_code in (200, 304):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
                response.is_public = True
            return response

        return wrapped

    return decorator


class PublicResponseMiddleware:
    """The outermost middleware: a public response (marked by `public_resource`) leaves with no
    cookie and without Vary: Cookie or Accept-Language, since it is the same for everyone (it is
    built for reporting.access.PUBLIC, whoever asks). A signed-in officer's session cookie is never
    handed to a shared cache."""

    DROPPED = {"cookie", "accept-language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "is_public", False):
            response.cookies.clear()
            vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
            kept = [v for v in vary if v.lower() not in self.DROPPED]
            if kept:
                response.headers["Vary"] = ", ".join(kept)
            else:
                response.headers.pop("Vary", None)
        return response
