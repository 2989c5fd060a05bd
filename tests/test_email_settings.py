"""Email goes by SMTP unless GOV.UK Notify is configured (GOVUK_NOTIFY_API_KEY and its plain
template): the setting switches the backend, and a reminder becomes a Notify message as it is.
Nothing here calls Notify: no test makes a network call."""
import json
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django_gov_notify.backends import NotifyEmailBackend
from django_gov_notify.utils import cast_to_notify_email_message

from tests.security.test_settings import ROOT, production_env

NOTIFY = "django_gov_notify.backends.NotifyEmailBackend"
# A key in Notify's shape (name, service id, secret): made up, never sent anywhere.
FAKE_KEY = "tracker_tests-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def email_settings(**env):
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS]))")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "GOVUK_NOTIFY_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**base, "DJANGO_SETTINGS_MODULE": "sefton_ses.settings", **env})
    return result.returncode, result.stdout.strip().splitlines()[-1:] and json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_smtp_is_the_default_in_production_and_configured_by_environment():
    code, (backend, host, port, tls), _ = email_settings(**production_env(EMAIL_HOST="smtp.council.example",
                                                                          EMAIL_PORT="587", EMAIL_USE_TLS="true"))
    assert code == 0
    assert (backend, host, port, tls) == ("django.core.mail.backends.smtp.EmailBackend", "smtp.council.example", 587, True)


def test_a_notify_key_and_template_switch_email_to_gov_uk_notify():
    code, (backend, *_), _ = email_settings(**production_env(GOVUK_NOTIFY_API_KEY=FAKE_KEY,
                                                             GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID=TEMPLATE))
    assert code == 0 and backend == NOTIFY
    code, (backend, *_), _ = email_settings(GOVUK_NOTIFY_API_KEY=FAKE_KEY, GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID=TEMPLATE)
    assert code == 0 and backend == NOTIFY  # in development too


def test_a_notify_key_without_its_template_refuses_to_start():
    code, _, stderr = email_settings(**production_env(GOVUK_NOTIFY_API_KEY=FAKE_KEY))
    assert code != 0 and "GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID must be set" in stderr


def test_the_notify_backend_is_the_one_django_sends_with(settings):
    settings.EMAIL_BACKEND = NOTIFY
    settings.GOVUK_NOTIFY_API_KEY = FAKE_KEY
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = TEMPLATE
    connection = mail.get_connection()
    assert isinstance(connection, NotifyEmailBackend) and connection.api_key == FAKE_KEY
    assert connection.client is None  # made only when a message is sent


@pytest.mark.django_db
def test_a_reminder_becomes_a_notify_message_on_the_plain_template(settings, demo_users):
    import datetime

    from objectives.models import ReportingPeriod, SubStrand
    from reporting import notifications
    from reporting.returns import services

    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = TEMPLATE
    officer = demo_users["officer"]
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"), period=period, by=officer)
    today = period.dashboard_deadline - datetime.timedelta(days=7)
    queued = notifications.reminder(ret, key="test-reminder", kind="before", today=today)
    mine = next(row for row in queued if row.email == officer.email)
    subject, body = mine.subject, mine.body
    # As send_mail builds it: with a from address, which Notify sets itself and the backend leaves out.
    message = cast_to_notify_email_message(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email]),
                                           fail_silently=False)
    assert message.message() == {"template_id": TEMPLATE, "personalisation": {"subject": subject, "body": body}}
    assert message.recipients() == [officer.email] and "Housing" in subject
