"""The OpenAPI document (drf-spectacular): how the bearer token is sent, and the document's own view."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularJSONAPIView


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "reporting.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A token from the administrator (or your API tokens page): Authorization: Bearer ses_…"}


class OpenApiDocument(SpectacularJSONAPIView):
    """The OpenAPI 3 document, for the same readers as the API itself."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, max-age=0"
        response["Vary"] = "Authorization, Cookie"
        return response
