"""From a token's group claims to our roles (objectives.roles.Role), and onto the user's groups."""
import logging

from django.conf import settings
from django.contrib.auth.models import Group

from objectives.roles import GROUP_NAMES, Role
from sso.models import GroupRoleMapping

log = logging.getLogger(__name__)


class GroupOverage(Exception):
    """Entra ID left the groups out of the token: the user is in too many (more than 200)."""


def claim_values(claims):
    """The values of the group claim(s) named by OIDC_GROUPS_CLAIM (comma-separated: 'groups,roles')."""
    values = []
    for name in [n.strip() for n in settings.OIDC_GROUPS_CLAIM.split(",") if n.strip()]:
        if name in (claims.get("_claim_names") or {}):
            raise GroupOverage(name)
        value = claims.get(name) or []
        values.extend([value] if isinstance(value, str) else [str(v) for v in value])
    return values


def mapped_roles(claims):
    """The roles the administrator's mapping gives these claims."""
    values = claim_values(claims)
    if not values:
        return set()
    return {Role(r) for r in GroupRoleMapping.objects.filter(claim_value__in=values).values_list("role", flat=True)}


def apply_roles(user, roles):
    """Make the user's roles exactly `roles`: role groups added and taken away (other groups kept);
    the Administrator is staff and superuser (the admin site needs both), and no one else is."""
    wanted = {GROUP_NAMES[r] for r in roles}
    role_groups = {g.name: g for g in Group.objects.filter(name__in=GROUP_NAMES.values())}
    missing = [Group.objects.get_or_create(name=name)[0] for name in wanted - role_groups.keys()]
    current = set(user.groups.filter(name__in=GROUP_NAMES.values()).values_list("name", flat=True))
    user.groups.remove(*[role_groups[n] for n in current - wanted])
    user.groups.add(*[role_groups[n] for n in wanted - current if n in role_groups], *missing)
    admin = Role.ADMINISTRATOR in roles
    if (user.is_staff, user.is_superuser) != (admin, admin):
        user.is_staff = user.is_superuser = admin
        user.save(update_fields=["is_staff", "is_superuser"])
    for cached in ("_ses_roles", "_ses_sub_strand_ids", "_ses_owned_action_ids"):
        user.__dict__.pop(cached, None)
    log.info("Single sign-on: %s has the roles %s", user.get_username(), sorted(r.value for r in roles))
