"""Setting up a financial year: its quarters and its targets."""
from django.urls import path

from reporting.years import views as years

urlpatterns = [
    path("years/<int:year>/set-up/", years.set_up_year, name="year-set-up"),
    path("years/<int:year>/targets/", years.targets, name="year-targets"),
    path("years/<int:year>/targets/<int:pk>/primary/", years.choose_primary_target, name="year-target-primary"),
]
