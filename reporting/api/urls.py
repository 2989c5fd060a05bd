"""/api/v1/…: the read API and its OpenAPI document; /account/api-tokens/: a user's own tokens."""
from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from reporting.api import pages, risk_views, views
from reporting.api.errors import not_found
from reporting.api.schema import OpenApiDocument

router = SimpleRouter()
router.trailing_slash = "/?"  # /api/v1/kpis and /api/v1/kpis/ are the same list
router.register("strategies", views.StrategyViewSet, basename="api-strategy")
router.register("objectives", views.ObjectiveViewSet, basename="api-objective")
router.register("sub-strands", views.SubStrandViewSet, basename="api-sub-strand")
router.register("kpis", views.KpiViewSet, basename="api-kpi")
router.register("periods", views.PeriodViewSet, basename="api-period")
router.register("returns", views.ReturnViewSet, basename="api-return")
router.register("figures", views.FigureViewSet, basename="api-figure")
router.register("plan-updates", views.PlanUpdateViewSet, basename="api-plan-update")
router.register("risks", risk_views.RiskViewSet, basename="api-risk")
router.register("risk-reviews", risk_views.RiskReviewViewSet, basename="api-risk-review")

api_urlpatterns = [
    path("openapi.json", OpenApiDocument.as_view(), name="api-openapi"),
    *router.urls,
    re_path(r"^[\s\S]*$", not_found, name="api-not-found"),
]

urlpatterns = [
    path("api/v1/", include(api_urlpatterns)),
    path("account/api-tokens/", pages.my_tokens, name="api-tokens"),
    path("account/api-tokens/<int:pk>/rotate/", pages.rotate, name="api-token-rotate"),
    path("account/api-tokens/<int:pk>/revoke/", pages.revoke, name="api-token-revoke"),
]
