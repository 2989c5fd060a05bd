from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reporting.api"
    label = "api"
    verbose_name = "Read API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reporting.api import schema  # noqa: F401  (tells drf-spectacular about the bearer token)
