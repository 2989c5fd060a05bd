from django.urls import path

from reporting.briefings import views as briefing

urlpatterns = [
    path("periods/<slug:period_slug>/briefing/", briefing.briefing, name="briefing"),
    path("periods/<slug:period_slug>/briefing/edit/", briefing.edit_briefing, name="briefing-edit"),
    path("periods/<slug:period_slug>/briefing/issue/", briefing.issue_briefing, name="briefing-issue"),
    path("periods/<slug:period_slug>/briefing/reissue/", briefing.reissue_briefing, name="briefing-reissue"),
    path("periods/<slug:period_slug>/briefing/revisions/<int:number>/", briefing.briefing_revision, name="briefing-revision"),
    path("periods/<slug:period_slug>/briefing/revisions/<int:number>.docx", briefing.briefing_revision_docx,
         name="briefing-revision-docx"),
    path("periods/<slug:period_slug>/briefing/revisions/<int:number>.pdf", briefing.briefing_revision_pdf,
         name="briefing-revision-pdf"),
]
