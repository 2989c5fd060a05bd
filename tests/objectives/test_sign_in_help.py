"""Sign-in that helps (issue 14, item 9): a warning on the last tries before sign-in is paused; a
pause page that says when to try again and how to get help; password reset by email (Django's own
views in GOV.UK markup), which lifts the pause; refusal pages that say why and what to do next."""
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import DEMO_PASSWORDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response):
    return html.unescape(response.content.decode())


def wrong(client, username="cabinet"):
    return client.post(reverse("login"), {"username": username, "password": "not-the-password"})


@pytest.mark.parametrize("username", ["cabinet", "nobody-has-this-name"])
def test_the_last_tries_before_the_pause_are_warned(demo_users, settings, username):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    said = [text(wrong(client, username)) for _ in range(limit - 1)]
    assert all("Enter a correct username and password" in page for page in said)
    assert all("more tr" not in page for page in said[:limit - 3])
    assert "You have 2 more tries before sign-in is paused for an hour" in said[limit - 3]
    assert "You have 1 more try before sign-in is paused for an hour" in said[limit - 2]
    assert "reset it instead" in said[limit - 2]


def test_the_pause_page_says_when_to_try_again_and_how_to_get_help(demo_users, settings):
    settings.CONTACT_EMAIL = "economy.cell@example.org"
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong(client)
    locked = wrong(client)
    page = text(locked)
    assert locked.status_code == 429 and "Too many sign-in attempts" in page
    until = timezone.localtime() + timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    shown = re.search(r"You can try again after <strong>(\d\d:\d\d) on ([^<]+)</strong>", page)
    assert shown and shown.group(2) == f"{until.day} {until:%B %Y}"
    assert abs(int(shown.group(1)[:2]) * 60 + int(shown.group(1)[3:]) - (until.hour * 60 + until.minute)) <= 1
    assert f'href="{reverse("password_reset")}"' in page and "mailto:economy.cell@example.org" in page
    assert f'href="{reverse("login")}"' in page


def reset_link():
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)


def test_a_password_is_reset_by_email_and_the_pause_lifted(demo_users, settings):
    cabinet = demo_users["cabinet"]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong(client)
    assert client.post(reverse("login"), {"username": "cabinet", "password": DEMO_PASSWORDS["cabinet"]}).status_code == 429
    login_page = text(Client().get(reverse("login")))
    assert f'href="{reverse("password_reset")}"' in login_page and "Forgotten your password?" in login_page

    form = text(client.get(reverse("password_reset")))
    assert 'class="govuk-input' in form and "Email address" in form
    refused = text(client.post(reverse("password_reset"), {"email": "not an address"}))
    assert "There is a problem" in refused and "Enter an email address in the correct format" in refused
    sent = client.post(reverse("password_reset"), {"email": cabinet.email}, follow=True)
    assert "Check your email" in text(sent)
    assert mail.outbox[0].subject == "Reset your password for the Economic Strategy Tracker"
    assert "Your username is cabinet." in mail.outbox[0].body
    choose = client.get(reset_link(), follow=True)
    page = text(choose)
    assert "Choose a new password" in page and 'class="govuk-input' in page
    url = choose.redirect_chain[-1][0]
    mismatch = text(client.post(url, {"new_password1": "A long new passphrase 42", "new_password2": "different"}))
    assert "The two passwords do not match" in mismatch
    done = client.post(url, {"new_password1": "A long new passphrase 42", "new_password2": "A long new passphrase 42"}, follow=True)
    assert "Your password has been changed" in text(done)
    signed_in = client.post(reverse("login"), {"username": "cabinet", "password": "A long new passphrase 42"})
    assert signed_in.status_code == 302  # the pause lifted
    used = text(Client().get(reset_link(), follow=True))
    assert "This link has expired or been used" in used and f'href="{reverse("password_reset")}"' in used


def test_an_unknown_address_gets_the_same_answer_and_no_email(demo_users):
    sent = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in text(sent) and mail.outbox == []


def test_a_refusal_says_why_and_what_to_do_next(demo_users, client_for, settings):
    settings.CONTACT_EMAIL = "economy.cell@example.org"
    refused = client_for("cabinet").get(reverse("review-queue"))
    page = text(refused)
    assert refused.status_code == 403
    assert "You cannot do that with your account" in page and "What you can do" in page
    assert "You are signed in as" in page and "(Cabinet Member or Overview & Scrutiny committee member), and that role cannot view the review queue." in page
    assert f'href="{reverse("home")}"' in page and "mailto:economy.cell@example.org" in page
    assert "You do not have permission to view" not in page


def test_a_form_sent_without_its_security_token_says_what_to_do(demo_users):
    refused = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "cabinet", "password": "x"})
    page = text(refused)
    assert refused.status_code == 403 and "Your form could not be sent" in page
    assert "Nothing has been saved" in page and f'href="{reverse("home")}"' in page


def test_the_demo_users_have_addresses_for_the_reset(demo_users):
    assert all(user.email for user in get_user_model().objects.filter(username__in=DEMO_PASSWORDS))


def test_the_reset_link_is_on_the_sites_own_address_whatever_host_asked(demo_users, settings):
    settings.SITE_URL = "https://tracker.council.example"
    settings.ALLOWED_HOSTS = ["*"]
    Client().post(reverse("password_reset"), {"email": demo_users["cabinet"].email}, HTTP_HOST="attacker.example")
    body = mail.outbox[0].body
    assert "https://tracker.council.example/accounts/reset/" in body and "attacker.example" not in body
