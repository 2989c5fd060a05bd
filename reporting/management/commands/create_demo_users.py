from django.core.management.base import BaseCommand, CommandError

from reporting.demo import DEMO_USERS, DemoRefused, create_demo_users


class Command(BaseCommand):
    help = "Create one demo user per role (see README). Refused in production."

    def handle(self, *args, **options):
        try:
            create_demo_users()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        for username, password, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}")
        self.stdout.write(self.style.SUCCESS(f"{len(DEMO_USERS)} demo users ready."))
