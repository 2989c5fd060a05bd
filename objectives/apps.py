from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Strategy and action plans"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from objectives.text import keep_line_feeds

        # Before django-auditlog's own (connected below), so that the history sees the text as kept.
        pre_save.connect(keep_line_feeds, dispatch_uid="objectives.keep_line_feeds")
        from objectives import audit  # noqa: F401  (registers the models with django-auditlog)
        from objectives.roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self)
        from objectives.local_authorities import load_shipped

        post_migrate.connect(load_shipped, sender=self, dispatch_uid="objectives.load_shipped_councils")
        from django.core import checks

        from objectives.signin import check_proxy

        checks.register(check_proxy, checks.Tags.security, deploy=True)  # manage.py check --deploy


class CouncilAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the council's admin site (objectives.admin_site): in INSTALLED_APPS in its place."""

    default = False  # ObjectivesConfig is this module's app
    default_site = "objectives.admin_site.CouncilAdminSite"

    def ready(self):
        super().ready()
        from objectives.admin_site import name_models_in_council_words

        name_models_in_council_words()
