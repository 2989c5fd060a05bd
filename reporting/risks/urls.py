"""The risk register's addresses, included at risks/ (reporting.urls)."""
from django.urls import path

from reporting.risks import views

RISK = "<slug:strategy>/<str:reference>/"
REVIEW = RISK + "reviews/<slug:period>/"

urlpatterns = [
    # a risk's page (risk-detail, at RISK) is the register's: reporting/risk_register/urls.py
    path(REVIEW, views.risk_review, name="risk-review"),
    path(REVIEW + "submit/", views.risk_review_submit, name="risk-review-submit"),
    path(REVIEW + "approve/", views.risk_review_approve, name="risk-review-approve"),
    path(REVIEW + "send-back/", views.risk_review_send_back, name="risk-review-send-back"),
]
