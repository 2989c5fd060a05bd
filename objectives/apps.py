from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Strategy and action plans"

    def ready(self):
        from django.db.models.signals import post_migrate

        from objectives import audit  # noqa: F401  (registers the models with django-auditlog)
        from objectives.roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self)
