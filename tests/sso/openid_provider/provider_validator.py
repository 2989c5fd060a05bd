from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Puts the user's names, email and groups in the ID token (and the userinfo), as Entra ID does."""

    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
