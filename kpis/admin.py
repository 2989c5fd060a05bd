from django.contrib import admin

from objectives.admin_site import InCouncilWords
from kpis.models import KPI, Benchmark, BenchmarkFigure, ChangeOfProcess, Measurement, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(KPI)
class KPIAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["code", "title", "sub_strand", "kind", "unit", "direction", "cadence", "accumulation", "data_lag_months",
                    "data_source", "is_active"]
    list_filter = ["sub_strand__objective", "sub_strand", "kind", "unit", "direction", "cadence", "accumulation", "is_active"]
    search_fields = ["code", "title", "data_source"]
    list_select_related = ["sub_strand"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["kpi", "financial_year", "kind", "value", "amber_tolerance", "is_primary", "profile"]
    list_filter = ["financial_year", "kind", "is_primary", "profile"]
    search_fields = ["kpi__code", "kpi__title", "description"]
    list_select_related = ["kpi"]


@admin.register(Measurement)
class MeasurementAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["kpi", "period", "value", "milestone_status", "data_for", "not_available", "rag_calculated",
                    "rag_override", "frozen_rag", "is_synthetic"]
    list_filter = ["period", "not_available", "rag_calculated", "rag_override", "is_synthetic", "kpi__sub_strand"]
    search_fields = ["kpi__code", "kpi__title", "commentary"]
    list_select_related = ["kpi", "period"]
    readonly_fields = ["version", "frozen_target", "frozen_target_kind", "frozen_tolerance", "frozen_rag", "frozen_at"]


@admin.register(ChangeOfProcess)
class ChangeOfProcessAdmin(InCouncilWords, admin.ModelAdmin):
    """Read here; recorded and removed by the coordinating team on the KPI's page (reporting.steps)."""

    list_display = ["kpi", "period", "reason", "recorded_by", "recorded_at"]
    list_filter = ["kpi__sub_strand", "period"]
    list_select_related = ["kpi", "period", "recorded_by"]
    search_fields = ["kpi__code", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    """A KPI's published comparison data: made by the benchmark import (Benchmarks → Import); its
    source, licence, date and comparator group may be corrected here."""

    list_display = ["kpi", "source", "licence", "published_on", "group"]
    list_filter = ["licence", "group"]
    search_fields = ["kpi__code", "kpi__title", "source"]
    list_select_related = ["kpi", "group"]
    fields = ["kpi", "source", "licence", "published_on", "group", "imported_at", "imported_by"]
    readonly_fields = ["kpi", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False


@admin.register(BenchmarkFigure)
class BenchmarkFigureAdmin(admin.ModelAdmin):
    """The published figures, as imported: read here, changed only by importing again."""

    list_display = ["benchmark", "authority", "period", "value"]
    list_filter = ["benchmark__kpi", "period"]
    search_fields = ["authority__name", "authority__code", "authority__gss_code", "period"]
    list_select_related = ["benchmark__kpi", "authority"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
