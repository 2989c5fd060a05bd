"""The public pages: stable addresses under /public/ (README: "Public pages and open data")."""
from django.urls import path

from reporting.public import views as public

urlpatterns = [
    path("public/", public.dashboard, name="public-dashboard"),
    path("public/quarters/<slug:period_slug>/", public.dashboard, name="public-quarter"),
    path("public/quarters/<slug:period_slug>/briefing/", public.briefing, name="public-briefing"),
    path("public/sub-strands/<slug:slug>/", public.sub_strand, name="public-sub-strand"),
    path("public/kpis/<slug:code>/", public.kpi, name="public-kpi"),
    path("public/data/", public.data, name="public-data"),
    path("public/data/datapackage.json", public.data_package, name="public-data-package"),
    path("public/data/<slug:dataset>.<str:fmt>", public.data_file, name="public-data-file"),
]
