from django.urls import path

from reporting.views import overview

urlpatterns = [
    path("", overview.home, name="home"),
    path("healthz", overview.healthz, name="healthz"),
]
