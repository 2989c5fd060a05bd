"""A KPI's change of process (its variation limits recalculated from a period)."""
from django.urls import path

from reporting.variation import views as variation

urlpatterns = [
    path("kpis/<slug:code>/change-of-process/", variation.change_of_process, name="kpi-change-of-process"),
    path("kpis/<slug:code>/change-of-process/<int:pk>/remove/", variation.remove_change_of_process,
         name="kpi-change-of-process-remove"),
]
