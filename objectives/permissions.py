"""Who may do what: the one permission check that every view calls.

Roles are Django groups (see `Role`); the Administrator is a superuser or in the
Administrator group. Rules look at objects by their attributes (`sub_strand`, `state`,
`action`) rather than importing them, so that `kpis` and `reporting` can build on this
module without this app importing them.
"""
from django.core.exceptions import PermissionDenied
from django.db import models

READER_VISIBLE_STATES = {"approved", "published"}
EDITABLE_STATES = {"draft", "returned"}


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    COORDINATOR = "coordinator", "Economy Cell coordinator"
    APPROVER = "approver", "Approver"
    READER = "reader", "Cabinet Member or scrutiny member"
    ADMINISTRATOR = "administrator", "Administrator"


GROUP_NAMES = {
    Role.OFFICER: "Officers",
    Role.COORDINATOR: "Economy Cell coordinators",
    Role.APPROVER: "Approvers",
    Role.READER: "Readers",
    Role.ADMINISTRATOR: "Administrators",
}
ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}


def roles_of(user):
    """The set of roles a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ses_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP}
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        cached = frozenset(cached)
        user._ses_roles = cached
    return cached


def editable_sub_strand_ids(user):
    """Ids of the sub-strands an officer leads or is named an editor of."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ses_sub_strand_ids", None)
    if cached is None:
        from objectives.models import SubStrand

        cached = frozenset(
            SubStrand.objects.filter(models.Q(editors=user) | models.Q(lead_officer=user)).values_list("id", flat=True)
        )
        user._ses_sub_strand_ids = cached
    return cached


def owned_action_ids(user):
    """Ids of the plan actions an officer may enter updates for: named as an owner, or of a
    sub-strand they edit. One query, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ses_owned_action_ids", None)
    if cached is None:
        from objectives.models import Action

        cached = frozenset(
            Action.objects.filter(
                models.Q(owners=user) | models.Q(sub_strand_id__in=editable_sub_strand_ids(user))
            ).values_list("id", flat=True)
        )
        user._ses_owned_action_ids = cached
    return cached


def _may_start_action_update(user, action):
    """A new update on a plan action: the Economy Cell, or an officer who owns the action."""
    if roles_of(user) & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return True
    return action is not None and Role.OFFICER in roles_of(user) and action.pk in owned_action_ids(user)


def sees_drafts(user):
    """Everyone but readers sees work in progress (officers only their own: see may_view)."""
    roles = roles_of(user)
    return bool(roles & {Role.OFFICER, Role.COORDINATOR, Role.APPROVER, Role.ADMINISTRATOR})


def sees_all_drafts(user):
    return bool(roles_of(user) & {Role.COORDINATOR, Role.APPROVER, Role.ADMINISTRATOR})


def _is_editor_of(user, sub_strand_id):
    return Role.OFFICER in roles_of(user) and sub_strand_id in editable_sub_strand_ids(user)


def _state(obj):
    return getattr(obj, "state", None)


def _sub_strand_id(obj):
    if obj is None:
        return None
    if hasattr(obj, "sub_strand_id"):
        return obj.sub_strand_id
    action = getattr(obj, "action", None)
    return getattr(action, "sub_strand_id", None)


def _owns_action(user, obj):
    action = getattr(obj, "action", obj)
    if action is None or Role.OFFICER not in roles_of(user):
        return False
    return action.pk in owned_action_ids(user)


def may_view(user, obj):
    """May this user see this return or update? Readers see approved and published ones only."""
    if not roles_of(user):
        return False
    if sees_all_drafts(user):
        return True
    if _state(obj) in READER_VISIBLE_STATES:
        return True
    if Role.OFFICER in roles_of(user):
        if getattr(obj, "plan_update_id", None):
            return _owns_action(user, obj)
        return _sub_strand_id(obj) in editable_sub_strand_ids(user)
    return False


def _may_edit_return(user, obj):
    if obj is not None and _state(obj) not in EDITABLE_STATES:
        return False
    roles = roles_of(user)
    if roles & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return True
    return obj is not None and _is_editor_of(user, _sub_strand_id(obj)) and _officer_may_enter(obj)


def _officer_may_enter(obj):
    """Officers enter a return while its period is open, or correct one reopened after approval."""
    period = getattr(obj, "period", None)
    if period is None:
        return True
    return getattr(period, "state", "open") == "open" or (getattr(obj, "revision", 1) or 1) > 1


def _may_edit_action_update(user, obj):
    if obj is not None and _state(obj) not in EDITABLE_STATES:
        return False
    if roles_of(user) & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return True
    return obj is not None and _owns_action(user, obj)


def _any(*roles):
    wanted = set(roles) | {Role.ADMINISTRATOR}
    return lambda user, obj: bool(roles_of(user) & wanted)


def _state_is(states, rule):
    return lambda user, obj: (obj is None or _state(obj) in states) and rule(user, obj)


RULES = {
    # Reading
    "view_dashboard": lambda user, obj: bool(roles_of(user)),
    "view": may_view,
    "view_calendar": _any(Role.COORDINATOR, Role.APPROVER),
    "view_review_queue": _any(Role.COORDINATOR, Role.APPROVER),
    "view_my_returns": _any(Role.OFFICER, Role.COORDINATOR),
    "export_workbook": lambda user, obj: bool(roles_of(user)),
    # Quarterly returns
    "edit_return": _may_edit_return,
    "submit_return": _may_edit_return,
    "approve_return": _state_is({"submitted"}, _any(Role.APPROVER)),
    "send_back_return": _state_is({"submitted"}, _any(Role.APPROVER, Role.COORDINATOR)),
    "reopen_return": _state_is({"approved", "published"}, _any(Role.COORDINATOR, Role.APPROVER)),
    # Periods, briefings, imports
    "manage_periods": _any(Role.COORDINATOR),
    # A briefing's text is edited, and it is issued, while it is a draft; readers see it once issued.
    "edit_briefing": _state_is({"draft"}, _any(Role.COORDINATOR)),
    "issue_briefing": _state_is({"draft"}, _any(Role.APPROVER)),
    "view_briefing": lambda user, obj: bool(roles_of(user)) and (_state(obj) == "issued" or sees_all_drafts(user)),
    "import_returns": _any(Role.COORDINATOR),
    # Action plans
    "edit_action_update": _may_edit_action_update,
    "submit_action_update": _may_edit_action_update,
    "approve_action_update": _state_is({"submitted"}, _any(Role.APPROVER)),
    "send_back_action_update": _state_is({"submitted"}, _any(Role.APPROVER, Role.COORDINATOR)),
    "edit_plan_report": _any(Role.COORDINATOR),
    "start_action_update": _may_start_action_update,
}


def can(user, action, obj=None):
    """True if `user` may do `action` (to `obj`). Unknown actions are refused, never allowed."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"No permission rule called {action!r}.")
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(rule(user, obj))


def require(user, action, obj=None):
    """Raise PermissionDenied (a 403 page) unless the user may do it."""
    if not can(user, action, obj):
        raise PermissionDenied(f"You do not have permission to {action.replace('_', ' ')}.")


def audience_key(user):
    """A value equal for two users exactly when every rule above answers them alike: their roles,
    and for officers the sub-strands and actions that are theirs. Pages may be shared (cached)
    between users with the same key, and never between users with different keys."""
    roles = roles_of(user)
    key = tuple(sorted(roles))
    if Role.OFFICER in roles:
        key += (tuple(sorted(editable_sub_strand_ids(user))), tuple(sorted(owned_action_ids(user))))
    return key


def ensure_groups(**kwargs):
    """Create one group per role (run after every migrate, so production has them too)."""
    from django.contrib.auth.models import Group

    for name in GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)
