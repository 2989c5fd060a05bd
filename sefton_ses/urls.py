from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from objectives.forms import LoginForm

handler400 = "reporting.overview.views.bad_request"
handler500 = "reporting.ops.views.server_error"  # with the request's reference for the service desk

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("objectives.password_reset")),
    path("admin/", admin.site.urls),
    path("", include("reporting.api.urls")),
    path("", include("sso.urls")),
    path("", include("reporting.urls")),
    path("", include("reporting.ops.urls")),
]
