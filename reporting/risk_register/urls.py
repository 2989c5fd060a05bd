"""The risk register's reading pages, included at risks/ before the reviews' addresses (reporting.urls)."""
from django.urls import path

from reporting.risk_register import views

urlpatterns = [
    path("", views.register, name="risk-register"),
    path("heat-map/", views.heat_map, name="risk-heat-map"),
    path("<slug:strategy>/<str:reference>/", views.risk_detail, name="risk-detail"),
]
