"""How many requests a minute each token (or signed-in user) may make: API_THROTTLE_RATE."""
from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    """DRF's per-user throttle, its rate read from the settings when each request is checked (so
    that it can be changed without a restart of the test server). An empty rate switches it off."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE or None
