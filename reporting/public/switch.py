"""Whether the public pages are on: the administrator's setting (reporting.models.SiteSettings, in
the admin), unless the PUBLIC_PAGES environment variable overrides it. On until switched off."""
from django.conf import settings

from objectives.council import in_scope
from reporting.models import SiteSettings


def public_pages_on():
    """Are the public pages under /public/ on? One query (none when the environment decides)."""
    forced = settings.PUBLIC_PAGES
    if forced is not None:
        return forced
    chosen = in_scope("public pages", lambda: SiteSettings.objects.filter(pk=1).values_list("public_pages", flat=True).first())
    return True if chosen is None else chosen
