"""The service's own small addresses: health (liveness for the load balancer, readiness for the
service desk), the 500 page with the request's reference, robots.txt, security.txt and the favicon."""
import datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from reporting.ops.health import readiness_answer
from reporting.ops.request_log import current_request_id

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"
SECURITY_TXT_DAYS = 180  # RFC 9116: Expires less than a year ahead; renewed as long as the service runs


@never_cache
@require_safe
def live(request):
    """Liveness, for the load balancer: the process answers. No database, no file, no login."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    """Readiness, for the service desk (and a load balancer that wants it): each component's status;
    503 when a required one (the database, the uploads folder) fails."""
    answer, is_ready = readiness_answer()
    return JsonResponse(answer, status=200 if is_ready else 503, json_dumps_params={"indent": 2})


def server_error(request):
    """The 500 page, with the request's reference to quote to the service desk (the id in every log
    line of the request). Drawn without the request's context, as Django's own is: whatever failed
    must not fail again here."""
    reference = getattr(request, "request_id", None) or current_request_id()
    return HttpResponseServerError(loader.get_template("500.html").render({"reference": reference}))


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """The public pages (and their open data) may be indexed; nothing else, and nothing at all
    while they are switched off."""
    from reporting.public.switch import public_pages_on

    lines = ["User-agent: *"]
    if public_pages_on():
        lines.append("Allow: /public/")
    lines.append("Disallow: /")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def security_contact():
    """security.txt's Contact: SECURITY_CONTACT, else CONTACT_EMAIL, else DEFAULT_FROM_EMAIL (as mailto:)."""
    contact = settings.SECURITY_CONTACT or settings.CONTACT_EMAIL or settings.DEFAULT_FROM_EMAIL
    return contact if contact.startswith(("mailto:", "https://")) else f"mailto:{contact}"


@require_safe
@cache_control(public=True, max_age=86400)
def security_txt(request):
    """RFC 9116: where to report a vulnerability (SECURITY.md says what happens next)."""
    expires = (timezone.now() + datetime.timedelta(days=SECURITY_TXT_DAYS)).replace(microsecond=0)
    lines = [
        f"Contact: {security_contact()}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=7 * 86400)
def favicon(request):
    return HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
