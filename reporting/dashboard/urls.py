from django.urls import path

from reporting.dashboard import views as dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/stale-figures/", dashboard.stale_figures, name="stale-figures"),
    path("sub-strands/<slug:slug>/", dashboard.sub_strand, name="sub-strand"),
    path("kpis/<slug:code>/", dashboard.kpi, name="kpi"),
]
