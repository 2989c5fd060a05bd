"""The OpenAPI document (drf-spectacular): how the bearer token is sent, its descriptions in the
council's words, and the document's own view."""
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


def in_council_words(result, generator, request, public):
    """A postprocessing hook: every summary, description and tag (our own texts: docstrings and help
    texts) in the council's words, asked for by name ("{sub_strand.A}'s slug": objectives.council.
    words) with the periods of its own strategies ("e.g. {slugs}": period_words); older texts' words
    swapped (in_words). Names and addresses as they are."""
    from objectives.council import in_words, period_words, words

    extra = period_words()

    def say(text):
        return words(in_words(text), **extra)

    def walk(node, key=None):
        if isinstance(node, str) and key in ("summary", "description", "tags"):
            return say(node)
        if isinstance(node, dict):
            return {k: walk(value, k) for k, value in node.items()}
        if isinstance(node, list):
            return [walk(item, key) for item in node]
        return node

    return walk(result)
