"""API tokens in the admin: the administrator makes one for a user or service account (shown once,
on the page that follows), sees when each was last used, and revokes them."""
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from reporting.api import tokens
from reporting.api.models import ApiToken


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "starts", "status", "created_at", "last_used_at", "expires_at"]
    list_filter = [StatusFilter, "created_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke_selected"]
    readonly_fields = ["starts", "status", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by",
                       "replaces"]

    @admin.display(description="token starts")
    def starts(self, token):
        return f"ses_{token.prefix}_…" if token.prefix else "-"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "expires_at", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            request.new_api_token = tokens.fill_in_new_token(obj, created_by=request.user)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "token": obj,
                   "secret": request.new_api_token, "title": "API token made"}
        response = TemplateResponse(request, "admin/api/apitoken/made.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke the selected tokens")
    def revoke_selected(self, request, queryset):
        revoked = sum(tokens.revoke_token(token=token, by=request.user) for token in queryset)
        self.message_user(request, f"{revoked} token{'s' if revoked != 1 else ''} revoked.", messages.SUCCESS)
