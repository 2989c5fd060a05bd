"""Who is told what (reporting.notifications), through the outbox (reporting.outbox): each email
queued with the change and sent by the outbox worker, one per event per person, each with a link.
(The whole year, with a real SMTP server, is in tests/test_whole_year.py; the worker itself, and a
request that does not wait on the mail server, in tests/reporting/test_outbox_worker.py.)"""
import datetime

import pytest
from django.core import mail
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import issue_briefing, update_briefing
from reporting.models import Notification
from reporting.outbox import send_pending
from reporting.returns import periods, services
from tests.reporting._outbox_support import send_outbox
from tests.reporting._returns_support import fast_password_hashing, housing_return  # noqa: F401


def outbox(subject_start=""):
    return sorted((m.to[0], m.subject) for m in mail.outbox if m.subject.startswith(subject_start))


def test_submitting_tells_the_approvers_with_a_link(demo_users, settings):
    settings.SITE_URL = "https://ses.example.gov.uk"
    housing_return(demo_users, "submitted")
    assert mail.outbox == [] and Notification.objects.get().sent_at is None  # queued: the worker sends it
    assert send_outbox() == 1
    assert outbox() == [("approver@sefton.example", "Housing return for 2023/24 Q2 is waiting for approval")]
    message = mail.outbox[0]
    assert "Olivia Officer submitted the Housing return for 2023/24 Q2" in message.body
    assert "https://ses.example.gov.uk/periods/2023-24-q2/returns/housing/" in message.body
    assert Notification.objects.get().sent_at is not None


def test_sending_back_tells_the_lead_and_editors_with_the_comment(demo_users):
    SubStrand.objects.get(slug="housing").editors.add(demo_users["officer2"])
    ret = housing_return(demo_users, "returned")
    send_outbox()
    assert outbox("Housing return for 2023/24 Q2 has been returned") == [
        ("officer2@sefton.example", "Housing return for 2023/24 Q2 has been returned for changes"),
        ("officer@sefton.example", "Housing return for 2023/24 Q2 has been returned for changes"),
    ]
    assert "Say more about 2023/24" in mail.outbox[-1].body
    ret.refresh_from_db()
    assert ret.updated_by.username == "officer", "'Last saved by' stays with whoever wrote it, not the approver"


def test_approving_tells_the_editors(demo_users):
    ret = housing_return(demo_users, "approved")
    send_outbox()
    assert ("officer@sefton.example", "Housing return for 2023/24 Q2 has been approved") in outbox()
    ret.refresh_from_db()
    assert ret.updated_by.username == "officer" and ret.approved_by.username == "approver"


def test_issuing_the_briefing_tells_the_readers(demo_users):
    housing_return(demo_users, "approved")
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    note = update_briefing(briefing=briefing_for(period), by=demo_users["coordinator"], data={}, expected_version=0)
    issue_briefing(briefing=note, by=demo_users["approver"])
    send_outbox()
    assert outbox("The briefing note") == [
        ("cabinet@sefton.example", "The briefing note for 2023/24 Q2 has been issued"),
        ("scrutiny@sefton.example", "The briefing note for 2023/24 Q2 has been issued"),
    ]


def test_opening_a_period_tells_each_editor_once_however_many_sub_strands_they_fill_in(demo_users):
    periods.close_period(period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["coordinator"])
    periods.open_period(period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["coordinator"],
                        dashboard_deadline=datetime.date(2023, 9, 1))
    send_outbox()
    assert outbox() == [("officer2@sefton.example", "2023/24 Q2 returns are open: due by 1 September 2023"),
                        ("officer@sefton.example", "2023/24 Q2 returns are open: due by 1 September 2023")]
    officer = next(m for m in mail.outbox if m.to == ["officer@sefton.example"])
    assert "/periods/2023-24-q2/returns/housing/" in officer.body and "/periods/2023-24-q2/returns/planning/" in officer.body


def test_a_refused_change_tells_nobody(demo_users):
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"),
                                period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["officer"])
    with pytest.raises(services.IncompleteReturnError):
        services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    assert send_outbox() == 0
    assert mail.outbox == [] and Notification.objects.count() == 0


def test_the_same_event_is_never_emailed_twice_to_the_same_person(demo_users):
    from reporting import notifications

    ret = housing_return(demo_users, "submitted")
    send_outbox()
    again = notifications.return_submitted(ret, by=demo_users["officer"])
    assert send_outbox() == 0
    assert again == [] and len(mail.outbox) == 1


def test_a_send_that_failed_is_kept_and_tried_again(demo_users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    housing_return(demo_users, "submitted")  # the change is saved all the same
    assert send_outbox() == 0
    row = Notification.objects.get()
    assert row.sent_at is None and row.failures == 1 and row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.utils import timezone

    assert send_outbox() == 0, "a failed send waits before it is tried again"
    assert send_pending(now=timezone.now() + datetime.timedelta(minutes=11)) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and len(mail.outbox) == 1


def test_the_outbox_is_in_the_administration(client_for, demo_users):
    housing_return(demo_users, "submitted")
    page = client_for("admin").get(reverse("admin:reporting_notification_changelist")).content.decode()
    assert "Housing return for 2023/24 Q2 is waiting for approval" in page
