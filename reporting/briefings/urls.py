from django.urls import path

from reporting.briefings import views as briefing

urlpatterns = [
    path("periods/<slug:period_slug>/briefing/", briefing.briefing, name="briefing"),
    path("periods/<slug:period_slug>/briefing/edit/", briefing.edit_briefing, name="briefing-edit"),
    path("periods/<slug:period_slug>/briefing/issue/", briefing.issue_briefing, name="briefing-issue"),
]
