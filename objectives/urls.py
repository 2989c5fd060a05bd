from django.urls import path

from objectives import views

urlpatterns = [
    path("action-plans/", views.action_plans, name="action-plans"),
    path("action-plans/<slug:plan>/", views.action_plan, name="action-plan"),
]
