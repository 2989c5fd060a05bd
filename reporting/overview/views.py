from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from objectives.strategies import chosen_strategy
from reporting import readers_cache
from reporting.access import require
from reporting.overview.selectors import overview


@login_required
def home(request):
    """The objectives with their sub-strands and each one's latest overall status and commentary:
    built from the data once for everyone who may see the same (reporting.readers_cache)."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = chosen_strategy(request)

    def build():
        objectives = overview(request.user, strategy)
        synthetic = any(
            s.latest_return is not None and s.latest_return.is_synthetic for o in objectives for s in o.sub_strands.all()
        )
        html = render_to_string("reporting/overview/_home_content.html", {"objectives": objectives}, request=request)
        return {"html": html, "synthetic": synthetic}

    kept = readers_cache.kept(request, "overview", strategy.pk if strategy else None, build=build)
    return render(request, "reporting/overview/home.html", {"content": mark_safe(kept["html"]),
                                                            "synthetic_banner": kept["synthetic"]})


@never_cache
def healthz(request):
    """200 when the database answers; 503 when it does not. No login: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception):
    """The 400 page: what was sent could not be taken (too large, too many fields, a broken form), in words."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

    from reporting.middleware import UnstorableText

    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    limit = f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
    if isinstance(exception, RequestDataTooBig):
        reason = (f"What you sent is larger than the {limit} this service takes at once, so nothing has been saved. "
                  "Go back, shorten the text (or split it), and save again.")
    elif isinstance(exception, TooManyFieldsSent):
        reason = "The form you sent has more fields than any of this service's forms, so nothing has been saved."
    elif isinstance(exception, UnstorableText):
        reason = ("What you sent contains a hidden character (a NUL, often left by copying from another program) "
                  "that this service cannot store, so nothing has been saved and nothing was looked up. Type the "
                  "text again rather than pasting it, or remove the odd character from the address.")
    else:
        reason = "Your browser sent something this service could not read, so nothing has been saved."
    if request.path.startswith("/api/"):  # the read API answers in its own format (its documented errors)
        return JsonResponse({"detail": reason}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


@require_safe
@cache_control(public=True, max_age=3600)
def council_logo(request):
    """The council's logo (objectives.models.Council.logo), for the header of every page: public,
    as the header is. 404 when there is none."""
    from objectives.council import council

    logo = council().logo
    if not logo:
        raise Http404("No logo")
    try:
        handle = logo.open("rb")
    except OSError as exc:
        raise Http404("No logo") from exc
    content_type = "image/png" if logo.name.lower().endswith(".png") else "image/jpeg"
    return FileResponse(handle, content_type=content_type)
