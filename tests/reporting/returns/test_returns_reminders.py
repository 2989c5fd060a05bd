"""send_reminders: emails the leads of outstanding returns a set number of days before the dashboard
deadline (Django's email), and never the same reminder twice."""
import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from objectives.models import ReportingPeriod, SubStrand
from reporting.models import ReminderSent
from reporting.returns.reminders import reminder_step, send_reminders
from tests.reporting._returns_support import fast_password_hashing, housing_return  # noqa: F401

DEADLINE = datetime.date(2023, 9, 1)


def day(days_before):
    return DEADLINE - datetime.timedelta(days=days_before)


@pytest.mark.parametrize("days_left, expected", [
    (20, None), (15, None), (14, 14), (10, 14), (7, 7), (5, 7), (1, 1), (0, 1), (-1, None),
])
def test_the_reminder_due_is_the_nearest_step_not_yet_passed(days_left, expected):
    assert reminder_step(DEADLINE, day(days_left), [14, 7, 1]) == expected


@pytest.fixture
def leads(demo_users):
    """Only the demo officers lead anything: Housing and Planning (officer), Health & Wellbeing and Digital (officer2)."""
    return demo_users


def test_reminders_go_to_leads_of_outstanding_returns_only(leads):
    housing_return(leads, "submitted")  # Housing is in: no reminder for it
    sent = send_reminders(today=day(7), steps=[14, 7, 1])
    got = sorted((r.sub_strand.slug, r.recipient, r.days_before) for r in sent)
    assert got == [
        ("digital", "officer2@sefton.example", 7),
        ("health-wellbeing", "officer2@sefton.example", 7),
        ("planning", "officer@sefton.example", 7),
    ]
    assert len(mail.outbox) == 3
    planning = next(m for m in mail.outbox if "Planning" in m.subject)
    assert planning.to == ["officer@sefton.example"]
    assert planning.subject == "Reminder: the Planning return for 2023/24 Q2 is due by 1 September 2023"
    assert "due by 1 September 2023 (in 7 days)" in planning.body and "It is not started." in planning.body
    assert "/periods/2023-24-q2/returns/planning/" in planning.body


def test_the_same_reminder_is_never_sent_twice(leads):
    first = send_reminders(today=day(7), steps=[14, 7, 1])
    again = send_reminders(today=day(6), steps=[14, 7, 1])
    assert len(first) == 4 and again == []
    assert len(mail.outbox) == 4
    assert ReminderSent.objects.count() == 4
    later = send_reminders(today=day(1), steps=[14, 7, 1])  # the next step does go
    assert len(later) == 4 and {r.days_before for r in later} == {1}


def test_no_reminders_far_from_the_deadline_after_it_or_for_a_closed_period(leads):
    assert send_reminders(today=day(30), steps=[14, 7, 1]) == []
    assert send_reminders(today=day(-3), steps=[14, 7, 1]) == []
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    period.state = "closed"
    period.save()
    assert send_reminders(today=day(7), steps=[14, 7, 1]) == []
    assert mail.outbox == []


def test_a_returned_return_is_outstanding_and_its_lead_is_reminded(leads):
    housing_return(leads, "returned")
    sent = send_reminders(today=day(1), steps=[1])
    housing = [r for r in sent if r.sub_strand.slug == "housing"]
    assert len(housing) == 1 and housing[0].state == "returned"
    assert "returned to you for changes" in next(m for m in mail.outbox if "Housing" in m.subject).body


def test_without_a_lead_the_sub_strands_editors_are_reminded(leads):
    tourism = SubStrand.objects.get(slug="tourism")
    tourism.editors.add(leads["officer2"])
    sent = send_reminders(today=day(14), steps=[14])
    assert ("tourism", "officer2@sefton.example") in {(r.sub_strand.slug, r.recipient) for r in sent}


def test_dry_run_sends_and_records_nothing(leads):
    would = send_reminders(today=day(7), steps=[7], dry_run=True)
    assert len(would) == 4
    assert mail.outbox == [] and ReminderSent.objects.count() == 0


def test_the_command(leads, capsys):
    call_command("send_reminders", "--today", day(7).isoformat(), "--days", "14,7,1")
    out = capsys.readouterr().out
    assert "Sent: Planning 2023/24 Q2 to officer@sefton.example (7 days before the deadline)" in out
    assert "Sent 4 reminders." in out
    call_command("send_reminders", "--today", day(7).isoformat(), "--days", "14,7,1")
    assert "Sent 0 reminders." in capsys.readouterr().out
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("args", [["--today", "next tuesday"], ["--days", "seven"], ["--days", "-1"]])
def test_the_command_refuses_bad_arguments_clearly(db, args):
    with pytest.raises(CommandError):
        call_command("send_reminders", *args)
