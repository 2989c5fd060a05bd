"""Which of the identity provider's groups gives which role, and who has signed in with it."""
from django.conf import settings
from django.db import models

from objectives.roles import Role


class GroupRoleMapping(models.Model):
    """A group claim value (an Entra ID group's object id, or an app role) and the role it gives."""

    claim_value = models.CharField(
        max_length=200, unique=True,
        help_text="The value in the token's group claim: for Entra ID, the group's object ID "
                  "(e.g. 3f2a…), or an app role's value if the claim is 'roles'.")
    role = models.CharField(max_length=20, choices=Role.choices)
    description = models.CharField(max_length=200, blank=True, help_text="e.g. the group's name in Entra ID.")

    class Meta:
        ordering = ["role", "claim_value"]
        verbose_name = "group to role mapping"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="sso_mapping_role_valid"),
        ]

    def __str__(self):
        return f"{self.description or self.claim_value} → {self.get_role_display()}"


class SsoIdentity(models.Model):
    """The provider's account (issuer and subject) that signs in as a user of ours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    first_sign_in = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(auto_now=True)
    last_claims = models.JSONField(default=dict, blank=True,
                                   help_text="The group claim values and names of the last sign-in, for the administrator.")

    class Meta:
        ordering = ["user"]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_sso_identity"),
        ]

    def __str__(self):
        return f"{self.user} ({self.subject})"
