from django.urls import path

from reporting.benchmarks import views

urlpatterns = [
    path("benchmarks/", views.benchmarks, name="benchmarks"),
    path("benchmarks/import/", views.import_benchmark, name="import-benchmark"),
    path("benchmarks/import/confirm/", views.import_benchmark_confirm, name="import-benchmark-confirm"),
]
