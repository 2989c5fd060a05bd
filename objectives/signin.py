"""How sign-in is throttled (django-axes, configured in the project's settings by these functions).

- Five failures for one username from one address lock that username from that address for an
  hour (AXES_FAILURE_LIMIT); and once an address has failed AXES_IP_FAILURE_LIMIT times in the hour
  across any usernames (password spraying), the address itself is locked for the rest of the hour.
- The client's address is the connection's own, unless the product runs behind proxies that say
  who connected to them: with TRUSTED_PROXY_COUNT=N, the address is the one the N-th proxy from our
  side wrote into X-Forwarded-For (entries further left can be typed by anyone, so are never used).
- The username recorded is cut to the 255 characters its column holds.
"""
from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

USERNAME_COLUMN = 255  # axes.models.AccessAttempt.username


def client_address(request):
    """The client's address: REMOTE_ADDR, or the one our trusted proxies recorded (see above)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    address = hops[-proxies]
    return address[:45] if _looks_like_an_address(address) else remote


def _looks_like_an_address(text):
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def username(request, credentials):
    """The username tried, as axes records it (at most the column's 255 characters)."""
    source = credentials if credentials else getattr(request, "POST", None) or {}
    return str(source.get("username", "") or "")[:USERNAME_COLUMN]


def lockout_parameters(request_or_attempt, credentials=None):
    """Username and address together, always; the address alone once it is spraying passwords."""
    address = getattr(request_or_attempt, "axes_ip_address", None) or getattr(request_or_attempt, "ip_address", None)
    if address and failures_from(address) >= settings.AXES_IP_FAILURE_LIMIT:
        return ["ip_address"]
    return [["username", "ip_address"]]


def failures_from(address):
    """Failed sign-ins from this address, across all usernames, in the cool-off period."""
    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


def _failures(username, address):
    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(username=username[:USERNAME_COLUMN], ip_address=address,
                                        attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))["n"] or 0


def tries_left(request, typed_username):
    """How many more wrong passwords this username may have from this address before sign-in is paused
    (None when sign-in is not throttled). Counted whether or not the username exists, so that the
    answer says nothing about which accounts there are."""
    if not getattr(settings, "AXES_ENABLED", True) or request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    return max(0, settings.AXES_FAILURE_LIMIT - _failures(str(typed_username or ""), address))


def paused_until(request, typed_username):
    """When sign-in for this username from this address (or this address, once it is spraying) may
    be tried again: the latest failure and the cool-off period after it; None if not known."""
    from axes.models import AccessAttempt

    address = getattr(request, "axes_ip_address", None) or client_address(request)
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if typed_username and failures_from(address) < settings.AXES_IP_FAILURE_LIMIT:
        attempts = attempts.filter(username=str(typed_username)[:USERNAME_COLUMN])
    latest = attempts.order_by("-attempt_time").first()
    if latest is None:
        return None
    return timezone.localtime(latest.attempt_time + timedelta(hours=settings.AXES_COOLOFF_TIME))


def unpause(username):
    """A new password set from the emailed link: the pause on this username's sign-in is lifted."""
    from axes.utils import reset

    reset(username=username)


# -- a proxy that is not believed ------------------------------------------------------------------

# Behind a load balancer with TRUSTED_PROXY_COUNT left at 0, every client has the balancer's address:
# twenty failed sign-ins from anyone lock everyone out for an hour. A request carrying
# X-Forwarded-For while the count is 0 is noted (`note_proxy`, asked by every request:
# reporting.middleware.proxy_noted), and the admin's home page and `check --deploy` say so.
PROXY_NOTE = "signin:x-forwarded-for-seen"  # a cache key (Django's cache: see reporting/api/throttling.py)
PROXY_NOTE_SECONDS = 7 * 24 * 60 * 60  # a week: a deployment that stopped using a proxy stops warning
PROXY_WARNING_ID = "objectives.W001"
PROXY_WARNING = (
    "Requests are reaching the tracker through a proxy or load balancer (they carry an X-Forwarded-For "
    "header), but TRUSTED_PROXY_COUNT is 0, so sign-in throttling sees everyone as the proxy's address: "
    "twenty failed sign-ins from anyone would lock the whole council out for an hour, and wrong API "
    "tokens from anyone would shut the API to all. Set TRUSTED_PROXY_COUNT to the number of proxies of "
    "your own in front of the tracker (usually 1). If people connect to the tracker directly, with no "
    "proxy of yours, someone sent the header themselves: leave the setting at 0."
)


def note_proxy(request):
    """Note (once a week at most) that a request came through a proxy that is not believed."""
    from django.core.cache import cache

    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) <= 0 and request.META.get("HTTP_X_FORWARDED_FOR"):
        cache.add(PROXY_NOTE, True, PROXY_NOTE_SECONDS)


def proxy_not_believed():
    """The warning, when requests have come through a proxy while TRUSTED_PROXY_COUNT is 0; else None."""
    from django.core.cache import cache

    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) <= 0 and cache.get(PROXY_NOTE):
        return PROXY_WARNING
    return None


def check_proxy(app_configs=None, **kwargs):
    """`manage.py check --deploy`: the warning, where this process's cache holds the note. With no
    CACHES configured the cache is each process's own memory, so the check (a process of its own)
    sees the note only through a shared cache; the admin's home page always sees it."""
    from django.core import checks

    warning = proxy_not_believed()
    return [checks.Warning(warning, hint="Set TRUSTED_PROXY_COUNT=1 behind one load balancer.", id=PROXY_WARNING_ID)] \
        if warning else []
