"""A user's own API tokens: see them, rotate one (its replacement shown once), revoke one. The
administrator makes and revokes everyone's tokens in the admin."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from reporting.api import tokens
from reporting.api.models import ApiToken


@login_required
def my_tokens(request):
    own = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(request, "reporting/api/tokens.html", {"tokens": own})


@login_required
@require_POST
def rotate(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not token.is_active:
        messages.error(request, f"“{token.name}” is {token.status.lower()}: only an active token can be rotated.")
        return redirect("api-tokens")
    issued = tokens.rotate_token(token=token, by=request.user)
    response = render(request, "reporting/api/token_shown.html", {"issued": issued, "replaced": token})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if tokens.revoke_token(token=token, by=request.user):
        messages.success(request, f"“{token.name}” is revoked: reports that use it can no longer read the API.")
    return redirect("api-tokens")
