"""The API's resources: each reads through the access rules' querysets (reporting.access), never a
copy of them. Reference data (strategies, their objectives, sub-strands, KPIs with their targets,
periods) is seen by everyone with a role, but a reader of some strategies only sees theirs
(access.STRATEGIES, OBJECTIVES, SUB_STRANDS, KPIS, PERIODS)."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from kpis.models import KPI, Target
from objectives.models import ReportingPeriod, StrategicObjective, Strategy, SubStrand
from reporting import access
from reporting.api import filters, serializers
from reporting.api.errors import ErrorSerializer
from reporting.models import OutputFigure

PRIVATE = "private, max-age=0"


def refusals(*statuses):
    words = {400: "A query parameter is not valid.", 401: "No token, or a token that is not valid.",
             403: "The token's user has no role.", 404: "Not found.", 405: "Only GET.",
             429: "Too many requests: wait a minute."}
    return {status: OpenApiResponse(ErrorSerializer, description=words[status]) for status in statuses}


LIST_REFUSALS = refusals(400, 401, 403, 404, 405, 429)
ONE_REFUSALS = refusals(400, 401, 403, 404, 405, 429)


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    """List and retrieve, JSON, private to the token's user (never kept by a shared cache). A part of
    a strategy's structure is kept by its rule (`structure`: reporting.access.Structure), when it has one."""

    lookup_value_regex = r"[0-9]+"
    structure = None

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.structure is None else self.structure.filter(self.request.user, queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        response["Vary"] = "Authorization, Cookie"
        return response


def documented(name, plural, serializer):
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}", responses={200: serializer(many=True), **LIST_REFUSALS},
                           tags=[plural]),
        retrieve=extend_schema(summary=f"One {name}", responses={200: serializer, **ONE_REFUSALS}, tags=[plural]),
    )


@documented("strategy", "strategies", serializers.StrategySerializer)
class StrategyViewSet(ReadOnly):
    """The council's strategies."""

    queryset = Strategy.objects.order_by("id")
    structure = access.STRATEGIES
    serializer_class = serializers.StrategySerializer


@documented("{objective.one_lower}", "{objective.many_lower}", serializers.ObjectiveSerializer)
class ObjectiveViewSet(ReadOnly):
    """The strategies' {objective.many_lower} (filter by strategy)."""

    queryset = StrategicObjective.objects.select_related("strategy").order_by("id")
    structure = access.OBJECTIVES
    serializer_class = serializers.ObjectiveSerializer
    filterset_class = filters.ObjectiveFilter


@documented("{sub_strand.one_lower}", "{sub_strand.many_lower}", serializers.SubStrandSerializer)
class SubStrandViewSet(ReadOnly):
    """The {sub_strand.many_lower}, which report each period."""

    queryset = SubStrand.objects.select_related("objective").order_by("id")
    structure = access.SUB_STRANDS
    serializer_class = serializers.SubStrandSerializer
    filterset_class = filters.SubStrandFilter


@documented("KPI", "KPIs", serializers.KpiSerializer)
class KpiViewSet(ReadOnly):
    """The KPIs, each with its targets by financial year."""

    queryset = KPI.objects.select_related("sub_strand", "benchmark__group").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("financial_year", "-is_primary", "kind"))).order_by("id")
    structure = access.KPIS
    serializer_class = serializers.KpiSerializer
    filterset_class = filters.KpiFilter


@documented("reporting period", "periods", serializers.PeriodSerializer)
class PeriodViewSet(ReadOnly):
    """The reporting periods and their governance dates."""

    queryset = ReportingPeriod.objects.select_related("strategy").prefetch_related("events").order_by("strategy_id", "start_date")
    structure = access.PERIODS
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter


@documented("return", "returns", serializers.ReturnSerializer)
class ReturnViewSet(ReadOnly):
    """The returns this token's user may see: readers see approved and published returns only."""

    serializer_class = serializers.ReturnSerializer
    filterset_class = filters.ReturnFilter

    def get_queryset(self):
        return access.visible_returns(self.request.user).select_related("period", "sub_strand").order_by("id")


@documented("figure", "figures", serializers.FigureSerializer)
class FigureViewSet(ReadOnly):
    """The KPI figures this token's user may see: readers see approved figures only."""

    serializer_class = serializers.FigureSerializer
    filterset_class = filters.FigureFilter

    def get_queryset(self):
        return access.visible_measurements(self.request.user).select_related(
            "kpi__sub_strand", "period").order_by("id")


@documented("action-plan update", "plan updates", serializers.PlanUpdateSerializer)
class PlanUpdateViewSet(ReadOnly):
    """The action-plan updates this token's user may see: readers see approved ones only."""

    serializer_class = serializers.PlanUpdateSerializer
    filterset_class = filters.PlanUpdateFilter

    def get_queryset(self):
        figures = OutputFigure.objects.order_by("order").prefetch_related("breakdown")
        return access.visible_plan_updates(self.request.user).select_related(
            "action__plan", "plan_update").prefetch_related(Prefetch("figures", queryset=figures)).order_by("id")
