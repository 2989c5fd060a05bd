"""What every response to a signed-in person carries: `Cache-Control: private`, so that no shared
cache (a proxy, a CDN) keeps a page, a CSV, a workbook or a Word document made for one person and
hands it to another. (Static files are served before this, by whitenoise, and stay cacheable.)
What every response carries: `Permissions-Policy`. And the one check of every request's text for
what the database cannot store (a NUL character): `RefuseUnstorableText`."""
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict


def private_to_the_signed_in(get_response):
    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return middleware


def council_read_once(get_response):
    """The council and its words are read once a request, whatever asks for them (objectives.council);
    and with the strategies, who reads them and the public pages' switch, once for every request
    until the data changes (reporting.readers_cache.shared_between_requests)."""
    from objectives.council import remembered
    from reporting.readers_cache import shared_between_requests

    def middleware(request):
        with remembered(shared=shared_between_requests(request)):
            return get_response(request)

    return middleware


def proxy_noted(get_response):
    """Notes a request that came through a proxy while TRUSTED_PROXY_COUNT is 0, for the admin's home
    page and check --deploy to warn of (objectives.signin.note_proxy)."""
    from objectives.signin import note_proxy

    def middleware(request):
        note_proxy(request)
        return get_response(request)

    return middleware


NUL = "\x00"


class UnstorableText(SuspiciousOperation):
    """A request carrying a NUL character, which no database of ours can store (PostgreSQL refuses
    it in any text): refused as a whole, a 400 (reporting.overview.views.bad_request says why)."""


def _has_nul(data):
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _nul_in_address(request):
    """Whether the request's address, query string or headers carry a NUL character (read without
    its body)."""
    return (NUL in request.path_info or NUL in request.path or _has_nul(request.GET)
            or any(NUL in value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)))


def _nul_in_form(request):
    """Whether the request's form fields or uploaded files' names carry a NUL character."""
    return _has_nul(request.POST) or any(NUL in key or any(NUL in (f.name or "") for f in files)
                                         for key, files in request.FILES.lists())


class RefuseUnstorableText:
    """The one place every text a request brings is checked for what the database cannot store:
    a NUL character. A cookie carrying one (never one of ours) is dropped before the session or the
    sign-in throttle reads it; an address, query string, form field, uploaded file's name or header
    carrying one is refused with a 400 page before any view (and so any database lookup) reads it,
    and its query string is set aside at once, so that not even a 404 page looks it up. Other control
    characters are stored as they are, and each form says what it accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        if _nul_in_address(request):
            request.GET, request.unstorable = QueryDict(), "address"
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        where = getattr(request, "unstorable", None) or ("form" if _nul_in_form(request) else None)
        if where is None:
            return None
        # The 400 page is drawn with this request: nothing of what it carried is read again.
        request.GET, request._post, request._files = QueryDict(), QueryDict(), MultiValueDict()
        raise UnstorableText(f"A NUL character in the request's {where}")


PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "serial", "usb",
    "xr-spatial-tracking"))


def permissions_policy(get_response):
    """Every response says that no page of ours uses the browser's powerful features (camera,
    microphone, location, payment, USB…): `Permissions-Policy` (settings.PERMISSIONS_POLICY), so that
    nothing injected or embedded could ask for them."""
    from django.conf import settings

    header = getattr(settings, "PERMISSIONS_POLICY", PERMISSIONS_POLICY)

    def middleware(request):
        response = get_response(request)
        if header:
            response.headers.setdefault("Permissions-Policy", header)
        return response

    return middleware
