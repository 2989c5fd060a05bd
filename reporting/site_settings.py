"""The site's settings: what the administrator switches on and off for the whole site, in the admin."""
from django.db import models


class SiteSettings(models.Model):
    """What the administrator switches on and off for the whole site, in the admin: one row.

    An environment variable may override a setting (PUBLIC_PAGES, see the README): the admin then
    says so beside it."""

    public_pages = models.BooleanField(
        "publish results on the public pages", default=True,
        help_text="The published dashboard, issued briefings, KPI pages and open data under /public/, for anyone "
                  "without signing in. Switched off, every public address answers “Page not found” and no page links to them.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whoever saves it
        super().save(*args, **kwargs)
