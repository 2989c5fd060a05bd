from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs, targets and measurements"

    def ready(self):
        from kpis import audit  # noqa: F401  (registers the models with django-auditlog)
