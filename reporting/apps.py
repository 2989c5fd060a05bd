from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Returns, briefings and reports"

    def ready(self):
        from reporting import audit  # noqa: F401  (registers the models with django-auditlog)
        from reporting import kept_work  # noqa: F401  (forgets another person's kept work at sign-in)
        from reporting import readers_cache  # noqa: F401  (raises the data version on every write readers' pages show)
        from reporting.risks import matrix_setup  # noqa: F401  (the council's risk matrix made with the council)
