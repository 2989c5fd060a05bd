"""Action-plan update rounds, their committee reports and each recommendation's update."""
from django.urls import path

from reporting.plans import views

ROUND = "action-plans/<slug:plan>/reports/<slug:update>/"
UPDATE = ROUND + "progress/<int:number>/"

urlpatterns = [
    path("action-plans/", views.action_plans, name="action-plans"),
    path("action-plans/<slug:plan>/", views.action_plan, name="action-plan"),
    path("action-plans/<slug:plan>/reports/", views.plan_updates, name="plan-updates"),
    path("action-plans/<slug:plan>/reports/new/", views.plan_update_new, name="plan-update-new"),
    path(ROUND, views.plan_report, name="plan-report"),
    path(ROUND + "report.docx", views.plan_report_docx, name="plan-report-docx"),
    path(ROUND + "report.pdf", views.plan_report_pdf, name="plan-report-pdf"),
    path(ROUND + "cover/", views.plan_report_cover, name="plan-report-cover"),
    path(ROUND + "progress/", views.plan_update_progress, name="plan-update-progress"),
    path(ROUND + "progress/new/", views.action_update_new, name="action-update-new"),
    path(UPDATE, views.action_update_detail, name="action-update"),
    path(UPDATE + "edit/", views.action_update_edit, name="action-update-edit"),
    path(UPDATE + "submit/", views.action_update_submit, name="action-update-submit"),
    path(UPDATE + "approve/", views.action_update_approve, name="action-update-approve"),
    path(UPDATE + "send-back/", views.action_update_send_back, name="action-update-send-back"),
    path(UPDATE + "attachments/", views.action_update_attachments, name="action-update-attachments"),
    path(UPDATE + "attachments/<int:attachment>/", views.plan_attachment, name="plan-attachment"),
    path(UPDATE + "attachments/<int:attachment>/remove/", views.action_update_attachment_remove,
         name="action-update-attachment-remove"),
]
