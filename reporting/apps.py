from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Returns, briefings and reports"

    def ready(self):
        from reporting import audit  # noqa: F401  (registers the models with django-auditlog)
