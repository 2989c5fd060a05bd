from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from reporting.access import require
from reporting.overview.selectors import overview


@login_required
def home(request):
    """The objectives with their sub-strands and each one's latest overall status and commentary."""
    require(request.user, "view_dashboard")
    objectives = overview(request.user)
    synthetic = any(
        s.latest_return is not None and s.latest_return.is_synthetic for o in objectives for s in o.sub_strands.all()
    )
    return render(request, "reporting/overview/home.html", {"objectives": objectives, "synthetic_banner": synthetic})


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
