from django.urls import path

from sso import views

urlpatterns = [
    path("accounts/microsoft/sign-in/", views.SignIn.as_view(), name="sso-sign-in"),
    path("accounts/microsoft/callback/", views.Callback.as_view(), name="sso-callback"),
]
