"""The administrator's side of single sign-on: which group gives which role; who has signed in."""
from django.contrib import admin

from sso.models import GroupRoleMapping, SsoIdentity


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(admin.ModelAdmin):
    list_display = ["claim_value", "description", "role"]
    list_filter = ["role"]
    search_fields = ["claim_value", "description"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "first_sign_in", "last_sign_in"]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "first_sign_in", "last_sign_in", "last_claims"]

    def has_add_permission(self, request):
        return False
