from django.urls import path

from reporting.overview import views as overview
from reporting.sessions import session_status, stay_signed_in

urlpatterns = [
    path("", overview.home, name="home"),
    path("healthz", overview.healthz, name="healthz"),
    path("council-logo", overview.council_logo, name="council-logo"),
    path("session/stay-signed-in/", stay_signed_in, name="stay-signed-in"),
    path("session/status/", session_status, name="session-status"),
]
