"""What the commands look up from their arguments, with the message a person needs when it is wrong."""
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from objectives.selectors import get_period


def period_or_error(slug):
    period = get_period(slug)
    if period is None:
        raise CommandError(f"There is no reporting period {slug!r}. Periods look like 2023-24-q1.")
    return period


def active_user_or_error(username):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"There is no user {username!r} (or the account is switched off).")
    return user
