"""Who may read the API: the same rule as the pages (reporting.access: `read_api`)."""
from rest_framework.permissions import BasePermission

from reporting.access import can


class ReadsTheApi(BasePermission):
    message = "Your account has no role in the tracker: ask the administrator to give it one."

    def has_permission(self, request, view):
        return can(request.user, "read_api")
