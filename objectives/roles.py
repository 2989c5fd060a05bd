"""Who is who: the roles (Django groups) and what each officer owns.

Roles are Django groups (see `Role`); the Administrator is a superuser or in the Administrator
group. What each role may do, and what each user may see, is written once in `reporting.access`,
the layer that knows the workflow's states.
"""
from django.db import models

from objectives.council import every_strategy, strategy_readers
from objectives.models import GROUP_NAMES, Action, Role, SubStrand

__all__ = ["GROUP_NAMES", "ROLE_BY_GROUP", "Role"]  # the roles are defined with the models, and read here


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
        cached = frozenset(
            SubStrand.objects.filter(models.Q(editors=user) | models.Q(lead_officer=user)).order_by().values_list("id", flat=True)
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
        cached = frozenset(
            Action.objects.filter(
                models.Q(owners=user) | models.Q(sub_strand_id__in=editable_sub_strand_ids(user))
            ).values_list("id", flat=True)
        )
        user._ses_owned_action_ids = cached
    return cached


def ensure_groups(**kwargs):
    """Create one group per role (run after every migrate, so production has them too)."""
    from django.contrib.auth.models import Group

    for name in GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)


def person_name(user, *, nobody=""):
    """A person's name as every page, email and document writes it: their full name, or their
    username if they have none (`nobody` for no user: "The system", say)."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


def people_with_role(role):
    """The active users holding `role` (its group), with an email address, by name. Holding the
    Administrator role does not make someone an approver or a reader here: emails go to the people
    named in the role's group."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(is_active=True, groups__name=GROUP_NAMES[role]).exclude(email="")
            .distinct().order_by("first_name", "last_name", "username"))


def editors_of(sub_strand, *, editors=None):
    """The people who fill in a sub-strand's returns: its lead officer and its editors, active and
    with an email address, the lead first, each once. Uses prefetched editors when there are any;
    `editors`, the sub-strand's editors already read (editors_by_sub_strand), when given."""
    people = [sub_strand.lead_officer] if sub_strand.lead_officer_id else []
    people += sorted(sub_strand.editors.all() if editors is None else editors,
                     key=lambda u: (u.get_full_name() or u.get_username()).lower())
    seen, found = set(), []
    for user in people:
        if user is not None and user.is_active and user.email and user.pk not in seen:
            seen.add(user.pk)
            found.append(user)
    return found


def editors_by_sub_strand(sub_strand_ids):
    """{sub-strand id: its editors}, for many sub-strands in one query, for editors_of(editors=…): a
    list of every sub-strand (My returns) without a prefetch's queryset and manager for each."""
    found = {}
    links = SubStrand.editors.through.objects.filter(substrand_id__in=list(sub_strand_ids)).select_related("user")
    for link in links.order_by():
        found.setdefault(link.substrand_id, []).append(link.user)
    return found


def readable_strategy_ids(user):
    """The strategies a reader reads, where the council names a strategy's readers
    (Strategy.readers): those naming them and those naming no one. None (no limit) for every other
    role, and for everyone while no strategy names its readers. Cached on the user for the request."""
    if roles_of(user) != {Role.READER}:
        return None
    if not hasattr(user, "_ses_strategies"):
        named = strategy_readers()
        if not named:
            user._ses_strategies = None
        else:
            closed = {strategy for strategy, _ in named}
            mine = {strategy for strategy, reader in named if reader == user.pk}
            user._ses_strategies = frozenset({strategy.pk for strategy in every_strategy()} - closed | mine)
    return user._ses_strategies


def reads_strategy(user, strategy_id):
    """Does this person read the strategy (readable_strategy_ids; everyone but a limited reader does)?"""
    ids = readable_strategy_ids(user)
    return ids is None or strategy_id in ids
