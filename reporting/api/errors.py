"""Every refusal the API gives has one shape: {"detail": "what went wrong", "errors": {field: [...]}}.

`errors` is there only when a query parameter was not valid, naming each one and why."""
from django.http import JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": "The request is not valid: see errors.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, never the HTML page."""
    response = JsonResponse({"detail": "There is nothing at this address: see the OpenAPI document at /api/v1/openapi.json."},
                            status=404)
    response["Cache-Control"] = "private, max-age=0"
    return response


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="For a request that is not valid: each query parameter that was wrong, and why.",
    )
