"""Demo users, one per role, for `make run` and the tests. Never created in production."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from objectives.council import mail_domain
from objectives.models import Action, SubStrand
from objectives.roles import GROUP_NAMES, Role, ensure_groups

# username, password, first name, last name, role, sub-strands edited
DEMO_USERS = [
    ("officer", "officer-demo-pass", "Olivia", "Officer", Role.OFFICER, ["housing", "planning"]),
    ("officer2", "officer2-demo-pass", "Owen", "Officer", Role.OFFICER, ["health-wellbeing", "digital"]),
    ("coordinator", "coordinator-demo-pass", "Cara", "Coordinator", Role.COORDINATOR, []),
    ("approver", "approver-demo-pass", "Alex", "Approver", Role.APPROVER, []),
    ("cabinet", "cabinet-demo-pass", "Cllr Morgan", "Cabinet Member", Role.READER, []),
    ("scrutiny", "scrutiny-demo-pass", "Cllr Sam", "Scrutiny Member", Role.READER, []),
    ("admin", "admin-demo-pass", "Ada", "Administrator", Role.ADMINISTRATOR, []),
]
# The demo officer owns these recommendations of the 2017 Action Plan for Employment.
DEMO_ACTION_OWNERSHIP = {"officer": [("employment", 3), ("employment", 14)]}


class DemoRefused(Exception):
    pass


@transaction.atomic
def create_demo_users():
    if getattr(settings, "PRODUCTION", False):
        raise DemoRefused("Demo users are never created in production (DJANGO_ENV=production).")
    ensure_groups()
    User = get_user_model()
    users = {}
    for username, password, first, last, role, sub_strands in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@{mail_domain('example')}"
        user.is_staff = role == Role.ADMINISTRATOR
        user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=GROUP_NAMES[role])])
        for slug in sub_strands:
            sub = SubStrand.objects.filter(slug=slug).first()
            if sub:
                sub.editors.add(user)
                if sub.lead_officer_id is None:
                    sub.lead_officer = user
                    sub.save(update_fields=["lead_officer"])
        for plan_slug, number in DEMO_ACTION_OWNERSHIP.get(username, []):
            action = Action.objects.filter(plan__slug=plan_slug, number=number).first()
            if action:
                action.owners.add(user)
        users[username] = user
    return users
