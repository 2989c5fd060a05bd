from django.urls import path

from reporting.views import exports

urlpatterns = [
    path("periods/<slug:period_slug>/briefing.xlsx", exports.briefing_xlsx, name="briefing-xlsx"),
    path("periods/<slug:period_slug>/briefing.docx", exports.briefing_docx, name="briefing-docx"),
]
