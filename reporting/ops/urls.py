from django.urls import path

from reporting.ops import views as ops

urlpatterns = [
    path("healthz/live", ops.live, name="healthz-live"),
    path("healthz/ready", ops.ready, name="healthz-ready"),
    path("robots.txt", ops.robots_txt, name="robots-txt"),
    path(".well-known/security.txt", ops.security_txt, name="security-txt"),
    path("favicon.ico", ops.favicon, name="favicon"),
]
