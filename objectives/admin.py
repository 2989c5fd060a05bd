from django.contrib import admin

from objectives.admin_site import InCouncilWords
from objectives.forms import ComparatorGroupForm
from objectives.council import DEFAULT_TERMS, forget
from objectives.models import (
    TERM_KEYS, Action, ActionPlan, ComparatorGroup, Council, GovernanceEvent, LocalAuthority, Milestone, ReportingPeriod,
    StrategicObjective, Strategy, SubStrand,
)


@admin.register(Council)
class CouncilAdmin(InCouncilWords, admin.ModelAdmin):
    """The council: one row, changed, never added twice or deleted. Each word left empty shows
    today's word, which the form shows in the empty box."""

    list_display = ["name", "short_name"]
    autocomplete_fields = ["local_authority"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "logo", "local_authority"]}),
        ("The council's words", {
            "description": "The words every page, email, document and export uses for the levels of a strategy and for "
                           "the people in it. Leave a box empty to keep the word shown in it.",
            "fields": [(f"{key}_one", f"{key}_many") for key in TERM_KEYS],
        }),
    ]

    def has_add_permission(self, request):
        return not Council.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        key, _, number = db_field.name.rpartition("_")
        if formfield is not None and key in DEFAULT_TERMS and number in ("one", "many"):
            formfield.widget.attrs["placeholder"] = DEFAULT_TERMS[key][0 if number == "one" else 1]
        return formfield

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget()


class StrategicObjectiveInline(InCouncilWords, admin.TabularInline):
    model = StrategicObjective
    extra = 0
    fields = ["number", "name", "short_name", "slug"]  # the description on the objective's own page
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "slug", "cadence", "approved_on"]
    filter_horizontal = ["readers"]
    list_filter = ["approved_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StrategicObjectiveInline]


class SubStrandInline(InCouncilWords, admin.TabularInline):
    model = SubStrand
    extra = 0
    fields = ["order", "name", "slug", "lead_service", "lead_officer"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["number", "name", "strategy"]
    list_filter = ["strategy"]
    search_fields = ["name"]
    inlines = [SubStrandInline]


@admin.register(SubStrand)
class SubStrandAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "objective", "lead_service", "lead_officer", "reports_as_objective"]
    list_filter = ["objective", "lead_service", "reports_as_objective"]
    search_fields = ["name", "slug", "lead_service", "lead_officer__username", "lead_officer__last_name"]
    list_select_related = ["objective", "lead_officer"]
    filter_horizontal = ["editors"]
    prepopulated_fields = {"slug": ["name"]}


class GovernanceEventInline(InCouncilWords, admin.StackedInline):
    """A period's governance events: each name is a column of the governance calendar."""

    model = GovernanceEvent
    extra = 0
    fields = [("name", "order"), ("date", "frequency"), "audience"]


@admin.register(GovernanceEvent)
class GovernanceEventAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "period", "date", "frequency", "audience"]
    list_filter = ["period__strategy", "period__financial_year"]
    list_select_related = ["period"]
    search_fields = ["name", "audience"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["label", "strategy", "start_date", "end_date", "dashboard_deadline", "state"]
    list_filter = ["strategy", "state", "financial_year"]
    list_select_related = ["strategy"]
    search_fields = ["slug"]
    readonly_fields = ["version"]
    inlines = [GovernanceEventInline]


class MilestoneInline(InCouncilWords, admin.TabularInline):
    model = Milestone
    extra = 0


class ActionInline(InCouncilWords, admin.TabularInline):
    model = Action
    extra = 0
    fields = ["number", "title", "owner", "timescale", "status"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "originating_body", "cabinet_approved_on", "agreed_on", "owner"]
    list_filter = ["strategy", "agreed_on"]
    search_fields = ["name", "originating_body", "owner"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["number", "title", "plan", "owner", "timescale", "status"]
    list_filter = ["plan", "status"]
    search_fields = ["title", "wording", "owner"]
    list_select_related = ["plan"]
    filter_horizontal = ["owners"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["title", "action", "due_date", "completed_on"]
    list_filter = ["action__plan"]
    search_fields = ["title", "action__title"]
    list_select_related = ["action", "action__plan"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    """The UK's councils: data from mySociety's file (objectives/data/, CC BY 4.0), refreshed by
    `manage.py refresh_councils`, never typed in."""

    list_display = ["short_name", "code", "gss_code", "kind_name", "region", "nation", "is_current"]
    list_filter = ["nation", "region", "kind_name", "is_current"]
    search_fields = ["name", "short_name", "code", "gss_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(admin.ModelAdmin):
    """The council's comparator groups: pick the councils, or fill a group with every current council
    of a type (and region or nation) in one go."""

    form = ComparatorGroupForm
    list_display = ["name", "order", "size"]
    list_filter = ["members__nation"]
    search_fields = ["name", "description"]
    filter_horizontal = ["members"]
    fieldsets = [
        (None, {"fields": ["name", "description", "order", "members"]}),
        ("Add every council of a type", {
            "description": "Adds every current council of the type chosen (in the region or nation chosen, if any) "
                           "to the group when you save: for example every metropolitan district in England.",
            "fields": ["add_kind", "add_region"],
        }),
    ]

    @admin.display(description="councils")
    def size(self, obj):
        return obj.members.count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = form.councils_to_add()
        if added:
            form.instance.members.add(*added)
            self.message_user(request, f"{len(added)} councils of that type were added to the group.")
