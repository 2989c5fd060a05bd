from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reporting.api"
    label = "api"
    verbose_name = "Read API"
    default_auto_field = "django.db.models.BigAutoField"

    # The bearer token's OpenAPI extension (reporting.api.schema) is loaded with the URLs
    # (reporting.api.urls imports its document's view), before any schema is made: not at start-up,
    # where every manage.py command and worker would import drf-spectacular's machinery for nothing.
