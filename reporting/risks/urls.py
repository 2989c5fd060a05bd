"""The risk register's addresses, included at risks/ (reporting.urls)."""
from django.urls import path

from reporting.risks import page_views, views

RISK = "<slug:strategy>/<str:reference>/"
REVIEW = RISK + "reviews/<slug:period>/"

urlpatterns = [
    path("", page_views.register, name="risk-register"),
    path("heat-map/", page_views.heat_map, name="risk-heat-map"),
    path(RISK, page_views.risk_detail, name="risk-detail"),
    path(REVIEW, views.risk_review, name="risk-review"),
    path(REVIEW + "submit/", views.risk_review_submit, name="risk-review-submit"),
    path(REVIEW + "approve/", views.risk_review_approve, name="risk-review-approve"),
    path(REVIEW + "send-back/", views.risk_review_send_back, name="risk-review-send-back"),
]
