"""How the API is throttled.

- How many requests a minute each token (or signed-in user) may make: API_THROTTLE_RATE.
- How many wrong tokens one address may send: API_TOKEN_FAILURE_LIMIT in API_TOKEN_FAILURE_MINUTES.
  Every bearer token refused (unknown, revoked, expired, malformed) counts against the client's
  address (the same address as sign-in's throttle: objectives.signin.client_address, so behind a
  load balancer TRUSTED_PROXY_COUNT must be set). Once an address reaches the limit, every request
  from it that carries a bearer token, a correct one too, is answered 429 with Retry-After until the
  window that began with its first failure has passed: a guesser cannot tell a right token from a
  wrong one by the answer, and one lucky guess is no way back in. Requests with no token (a
  signed-in browser from the same office) are not affected. A right token never clears the count.

The counts are kept in Django's cache (settings.CACHES). The project configures none, so that is
Django's default, local memory: each server process counts for itself, like API_THROTTLE_RATE, and
with several processes an address may make up to (processes × the limit) guesses a window. A
shared cache (CACHES pointing at Redis, Memcached or the database) makes it one count for all.
"""
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import UserRateThrottle

from objectives.signin import client_address

FAILURES = "api-token-failures:{}"  # cache keys: how many, and since when, per address
SINCE = "api-token-failures-since:{}"


class PerUserThrottle(UserRateThrottle):
    """DRF's per-user throttle, its rate read from the settings when each request is checked (so
    that it can be changed without a restart of the test server). An empty rate switches it off."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE or None


def _window():
    return settings.API_TOKEN_FAILURE_MINUTES * 60


def _address(request):
    return client_address(request) or "unknown"


def token_failure_wait(request):
    """Seconds until this request's address may send a token again, or None when it may now (or the
    limit is switched off: API_TOKEN_FAILURE_LIMIT=0)."""
    limit = settings.API_TOKEN_FAILURE_LIMIT
    if not limit:
        return None
    address = _address(request)
    if (cache.get(FAILURES.format(address)) or 0) < limit:
        return None
    since = cache.get(SINCE.format(address)) or time.time()
    return max(1, math.ceil(since + _window() - time.time()))


def count_token_failure(request):
    """Count a refused token against this request's address (the window starts at its first)."""
    if not settings.API_TOKEN_FAILURE_LIMIT:
        return
    address, window = _address(request), _window()
    cache.add(SINCE.format(address), time.time(), window)
    cache.add(FAILURES.format(address), 0, window)
    try:
        cache.incr(FAILURES.format(address))
    except ValueError:  # expired between the two lines: a new window
        cache.set(FAILURES.format(address), 1, window)
