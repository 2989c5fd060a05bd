"""Migrates the provider's database and makes its client (the tracker) and its users, from
PROVIDER_CLIENT and PROVIDER_USERS (JSON)."""
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provider_settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

call_command("migrate", verbosity=0)
client = json.loads(os.environ["PROVIDER_CLIENT"])
Application.objects.create(
    name="Economic Strategy Tracker", client_id=client["id"], client_secret=client["secret"],
    client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=client["redirect_uri"], algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
)
for person in json.loads(os.environ["PROVIDER_USERS"]):
    user = User.objects.create_user(person["username"], email=person["email"], password=person["password"],
                                    first_name=person["first_name"], last_name=person["last_name"])
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in person["groups"]])
