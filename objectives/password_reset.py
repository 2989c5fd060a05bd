"""Password reset by email: Django's own views (django.contrib.auth.views), in GOV.UK words and
markup (templates/registration/password_reset_*.html), the URLs in the project's root URLconf. Setting a
new password from the emailed link also lifts a pause on signing in (objectives.signin.unpause),
so someone locked out after too many tries can sign in straight away. The emailed link starts with
SITE_URL, the product's own address, never with the Host header of the request that asked for it."""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from objectives.forms import GovukPasswordResetForm, GovukSetPasswordForm
from objectives.signin import unpause


class PasswordReset(auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        unpause(form.user.get_username())
        return response


urlpatterns = [
    path("accounts/password-reset/", PasswordReset.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
