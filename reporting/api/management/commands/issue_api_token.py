"""Make an API token for a user, or for a new service account, and print it (once)."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from objectives.roles import GROUP_NAMES, Role
from reporting.api import tokens


class Command(BaseCommand):
    help = ("Make an API token for a user and print it (it is shown only this once). With --service-account, "
            "first make that user: no password, so it can never sign in to the pages, and the role given.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'Power BI performance report'.")
        parser.add_argument("--days", type=int, help="Expires after this many days (default: never).")
        parser.add_argument("--service-account", action="store_true", help="Make the user as a service account.")
        parser.add_argument("--role", choices=[r.value for r in Role], default=Role.READER.value,
                            help="The service account's role (default: reader, who sees approved data only).")

    @transaction.atomic
    def handle(self, username, name, days, service_account, role, **options):
        User = get_user_model()
        if service_account:
            if User.objects.filter(username=username).exists():
                raise CommandError(f"There is already a user called {username!r}: leave out --service-account.")
            user = User(username=username, first_name="Service account", last_name=name[:150])
            user.set_unusable_password()
            user.save()
            user.groups.set([Group.objects.get_or_create(name=GROUP_NAMES[Role(role)])[0]])
        else:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no user called {username!r} (add --service-account to make one).")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        issued = tokens.issue_token(user=user, name=name, expires_at=expires_at)
        self.stdout.write(issued.secret)
        self.stderr.write(f"Token for {username} ({name}): shown only this once; only its hash is kept.")
