from django.urls import path

from reporting.legal import views as legal

urlpatterns = [
    path("accessibility/", legal.accessibility, name="accessibility"),
    path("privacy/", legal.privacy, name="privacy"),
    path("cookies/", legal.cookies, name="cookies"),
]
