"""Pages of answers: `?page=2&page_size=500`, with `next` and `previous` links for Power BI to follow."""
from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def _whole_number(request, name, *, largest=None):
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (largest is not None and int(raw) > largest):
        limit = f" from 1 to {largest}" if largest else " of 1 or more"
        raise ValidationError({name: [f"{name} must be a whole number{limit}."]})
    return int(raw)


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _whole_number(request, self.page_size_query_param, largest=self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        _whole_number(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "required": False, "in": "query",
             "description": "Which page of answers (the first is 1).",
             "schema": {"type": "integer", "minimum": 1}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"How many answers a page (default {self.page_size}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
