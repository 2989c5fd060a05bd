from django.contrib import admin

from reporting.models import (
    ActionUpdate,
    Briefing,
    BriefingRevision,
    FigureBreakdownItem,
    OutputFigure,
    PlanUpdate,
    QuarterlyReturn,
    Notification,
    ReturnRevision,
    SiteSettings,
)


class ReturnRevisionInline(admin.TabularInline):
    model = ReturnRevision
    extra = 0
    readonly_fields = ["number", "approved_at", "approved_by", "reopened_at", "reopened_by", "reason"]
    exclude = ["snapshot"]


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(admin.ModelAdmin):
    list_display = ["sub_strand", "period", "state", "overall_rag", "revision", "submitted_at", "approved_at", "is_synthetic"]
    list_filter = ["period", "state", "overall_rag", "sub_strand__objective", "is_synthetic"]
    search_fields = ["sub_strand__name", "commentary"]
    list_select_related = ["sub_strand", "period"]
    readonly_fields = ["version", "revision"]
    inlines = [ReturnRevisionInline]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["period", "state", "issued_at", "issued_by"]
    list_filter = ["state"]
    search_fields = ["purpose", "background"]
    list_select_related = ["period", "issued_by"]


@admin.register(BriefingRevision)
class BriefingRevisionAdmin(admin.ModelAdmin):
    list_display = ["briefing", "number", "issued_at", "issued_by"]
    list_filter = ["number"]
    search_fields = ["briefing__period__slug"]
    list_select_related = ["briefing__period", "issued_by"]
    readonly_fields = ["briefing", "number", "issued_at", "issued_by", "snapshot"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "email", "kind", "created_at", "sent_at", "failures"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["email", "subject", "key"]
    readonly_fields = ["key", "kind", "email", "user", "subject", "body", "created_at", "sent_at", "failures", "last_error"]


@admin.register(PlanUpdate)
class PlanUpdateAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "as_at", "committee"]
    list_filter = ["plan"]
    search_fields = ["title", "summary", "introduction"]
    list_select_related = ["plan"]


class OutputFigureInline(admin.TabularInline):
    model = OutputFigure
    extra = 0


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "plan_update", "quarterly_return", "status", "state", "updated_at"]
    list_filter = ["state", "status", "action__plan"]
    search_fields = ["narrative", "action__wording"]
    list_select_related = ["action", "action__plan", "plan_update", "quarterly_return"]
    inlines = [OutputFigureInline]


class FigureBreakdownItemInline(admin.TabularInline):
    model = FigureBreakdownItem
    extra = 0


@admin.register(OutputFigure)
class OutputFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "qualifier", "value", "unit", "rising_to", "is_projected", "action_update"]
    list_filter = ["unit", "is_projected"]
    search_fields = ["label", "note"]
    list_select_related = ["action_update", "action_update__action"]
    inlines = [FigureBreakdownItemInline]


@admin.register(ReturnRevision)
class ReturnRevisionAdmin(admin.ModelAdmin):
    list_display = ["quarterly_return", "number", "approved_at", "reopened_at", "reopened_by"]
    list_filter = ["quarterly_return__period"]
    search_fields = ["quarterly_return__sub_strand__name", "reason"]
    list_select_related = ["quarterly_return__sub_strand", "quarterly_return__period", "reopened_by"]
    readonly_fields = ["quarterly_return", "number", "snapshot", "approved_at", "approved_by", "reopened_at",
                       "reopened_by", "reason"]


@admin.register(FigureBreakdownItem)
class FigureBreakdownItemAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "figure", "order"]
    list_filter = ["figure__action_update__plan_update"]
    search_fields = ["label", "figure__label"]
    list_select_related = ["figure"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: changed, never added twice or deleted. Says when the environment overrides it."""

    list_display = ["__str__", "public_pages"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        from django.conf import settings

        return ["public_pages"] if settings.PUBLIC_PAGES is not None else []

    def render_change_form(self, request, context, *args, **kwargs):
        from django.conf import settings
        from django.contrib import messages

        if settings.PUBLIC_PAGES is not None:
            state = "on" if settings.PUBLIC_PAGES else "off"
            messages.warning(request, f"The PUBLIC_PAGES environment variable switches the public pages {state}, "
                                      "whatever is set here. Remove it from the server's environment to decide here.")
        return super().render_change_form(request, context, *args, **kwargs)
