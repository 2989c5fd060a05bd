from django.urls import path

from reporting.overview import views as overview

urlpatterns = [
    path("", overview.home, name="home"),
    path("healthz", overview.healthz, name="healthz"),
    path("council-logo", overview.council_logo, name="council-logo"),
]
