from django.contrib import admin

from objectives.models import Action, ActionPlan, Milestone, ReportingPeriod, StrategicObjective, Strategy, SubStrand


class StrategicObjectiveInline(admin.TabularInline):
    model = StrategicObjective
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["name", "council", "approved_on"]
    list_filter = ["council", "approved_on"]
    search_fields = ["name", "council"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StrategicObjectiveInline]


class SubStrandInline(admin.TabularInline):
    model = SubStrand
    extra = 0
    fields = ["order", "name", "slug", "lead_service", "lead_officer"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "strategy"]
    list_filter = ["strategy"]
    search_fields = ["name"]
    inlines = [SubStrandInline]


@admin.register(SubStrand)
class SubStrandAdmin(admin.ModelAdmin):
    list_display = ["name", "objective", "lead_service", "lead_officer", "reports_as_objective"]
    list_filter = ["objective", "lead_service", "reports_as_objective"]
    search_fields = ["name", "slug", "lead_service", "lead_officer__username", "lead_officer__last_name"]
    list_select_related = ["objective", "lead_officer"]
    filter_horizontal = ["editors"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "dashboard_deadline", "economy_cell_meeting",
                    "cabinet_member_briefing", "scrutiny_meeting", "state"]
    list_filter = ["state", "financial_year", "quarter"]
    search_fields = ["slug"]
    readonly_fields = ["version"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["number", "title", "owner", "timescale", "status"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "originating_body", "cabinet_approved_on", "agreed_on", "owner"]
    list_filter = ["strategy", "agreed_on"]
    search_fields = ["name", "originating_body", "owner"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "owner", "timescale", "status"]
    list_filter = ["plan", "status"]
    search_fields = ["title", "wording", "owner"]
    list_select_related = ["plan"]
    filter_horizontal = ["owners"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "action", "due_date", "completed_on"]
    list_filter = ["action__plan"]
    search_fields = ["title", "action__title"]
    list_select_related = ["action", "action__plan"]
