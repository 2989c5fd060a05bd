"""The risk register's addresses, included at risks/ (reporting.urls)."""
from django.urls import path

from reporting.risks import entry, views

RISK = "<slug:strategy>/<str:reference>/"
REVIEW = RISK + "reviews/<slug:period>/"

urlpatterns = [
    # The coordinating team's pages for the register itself (reporting/risks/entry.py). This module is
    # included before the register's (reporting.urls), so that "raise/" is never read as a reference;
    # a risk's page (risk-detail, at RISK) is the register's: reporting/risk_register/urls.py
    path("<slug:strategy>/raise/", entry.risk_raise, name="risk-raise"),
    path(RISK + "edit/", entry.risk_edit, name="risk-edit"),
    path(RISK + "actions/add/", entry.risk_action_add, name="risk-action-add"),
    path(RISK + "actions/<int:action>/", entry.risk_action_edit, name="risk-action-edit"),
    path(RISK + "actions/<int:action>/remove/", entry.risk_action_remove, name="risk-action-remove"),
    path(REVIEW, views.risk_review, name="risk-review"),
    path(REVIEW + "submit/", views.risk_review_submit, name="risk-review-submit"),
    path(REVIEW + "approve/", views.risk_review_approve, name="risk-review-approve"),
    path(REVIEW + "send-back/", views.risk_review_send_back, name="risk-review-send-back"),
]
