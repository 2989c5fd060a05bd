"""API tokens: one per report or service that reads the API, each belonging to a user.

Only a SHA-256 hash of each token is stored: the token itself is shown once, when it is made, and
never again (tokens are 256 random bits, so a fast hash is enough: there is nothing to guess)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             help_text="The token sees what this user sees. For a report that runs on its own, "
                                       "a service account: a user with no password.")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. Power BI performance report.")
    prefix = models.CharField(max_length=8, unique=True, editable=False,
                              help_text="The start of the token, to tell tokens apart; not a secret.")
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for a token that does not expire.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaced_by", editable=False)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_is_sha256"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self):
        return not self.is_revoked and not self.is_expired

    @property
    def status(self):
        if self.is_revoked:
            return "Revoked"
        if self.is_expired:
            return "Expired"
        return "Active"
