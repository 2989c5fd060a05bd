"""The two addresses of single sign-on: off (404) unless it is configured."""
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

import sso
from sso.backend import FAILED


class OnlyWhenConfigured:
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        def guarded(request, *args, **kwargs):  # the library's views read their settings when made
            if not sso.enabled():
                raise Http404("Single sign-on is not configured.")
            return view(request, *args, **kwargs)

        return guarded


class SignIn(OnlyWhenConfigured, OIDCAuthenticationRequestView):
    """Sends the browser to Microsoft (the provider's authorisation endpoint), with state, nonce and PKCE."""


class Callback(OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    """Where Microsoft sends the browser back: the code is exchanged, the ID token checked, the user signed in."""

    @property
    def failure_url(self):
        return reverse("login")

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this browser never sent (an old tab, a replay)
            return self.login_failure()

    def login_failure(self):
        if not getattr(self.request, "sso_refused", False):
            messages.error(self.request, FAILED)
        return HttpResponseRedirect(self.failure_url)
