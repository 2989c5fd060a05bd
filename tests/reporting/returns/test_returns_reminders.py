"""Chasing: send_reminders before and after the dashboard deadline, "Send a reminder" and "Remind
everyone outstanding": to every lead and editor of an outstanding return, the Economy Cell copied
after the deadline and on a chase, never the same reminder twice."""
import datetime
from collections import Counter

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.models import Notification
from reporting.returns.reminders import chase, chase_everyone, overdue_step, reminder_step, send_reminders
from reporting.returns.selectors import return_for
from tests.reporting._returns_support import fast_password_hashing, housing_return  # noqa: F401

DEADLINE = datetime.date(2023, 9, 1)


def day(days_before):
    return DEADLINE - datetime.timedelta(days=days_before)


def sent(rows):
    return sorted((r.email, r.key.split(":")[2], r.key.split(":")[3]) for r in rows)


@pytest.mark.parametrize("days_left, expected", [
    (20, None), (15, None), (14, 14), (10, 14), (7, 7), (5, 7), (1, 1), (0, 1), (-1, None),
])
def test_the_reminder_due_is_the_nearest_step_not_yet_passed(days_left, expected):
    assert reminder_step(DEADLINE, day(days_left), [14, 7, 1]) == expected


@pytest.mark.parametrize("days_late, expected", [(0, None), (1, 0), (3, 0), (4, 1), (6, 1), (7, 2), (30, 9)])
def test_after_the_deadline_a_reminder_goes_the_next_day_then_every_few_days(days_late, expected):
    assert overdue_step(DEADLINE, day(-days_late), 3) == expected


def test_reminders_go_to_the_leads_and_editors_of_outstanding_returns_only(demo_users):
    housing_return(demo_users, "submitted")  # Housing is in: no reminder for it
    rows = send_reminders(today=day(7), steps=[14, 7, 1])
    assert sent(rows) == [
        ("officer2@sefton.example", "digital", "before-7"),
        ("officer2@sefton.example", "health-wellbeing", "before-7"),
        ("officer@sefton.example", "planning", "before-7"),
    ]
    planning = next(r for r in rows if "Planning" in r.subject)
    assert planning.subject == "Reminder: the Planning return for 2023/24 Q2 is due by 1 September 2023"
    assert "due by 1 September 2023 (in 7 days)" in planning.body and "It is not started." in planning.body
    assert "/periods/2023-24-q2/returns/planning/" in planning.body
    assert "Sefton" not in planning.body  # the council's name is data, never in our words


def test_an_editor_who_is_not_the_lead_is_reminded_too(demo_users):
    SubStrand.objects.get(slug="housing").editors.add(demo_users["officer2"])
    rows = send_reminders(today=day(14), steps=[14])
    assert ("officer2@sefton.example", "housing", "before-14") in sent(rows)
    assert ("officer@sefton.example", "housing", "before-14") in sent(rows)


def test_the_same_reminder_is_never_sent_twice(demo_users):
    first = send_reminders(today=day(7), steps=[14, 7, 1])
    again = send_reminders(today=day(6), steps=[14, 7, 1])
    assert len(first) == 4 and again == []
    assert Notification.objects.count() == 4
    later = send_reminders(today=day(1), steps=[14, 7, 1])  # the next step does go
    assert len(later) == 4 and {r.key.rsplit(":", 1)[1] for r in later} == {"before-1"}


def test_after_the_deadline_the_economy_cell_is_copied_every_few_days(demo_users):
    rows = send_reminders(today=day(-1), steps=[14, 7, 1], every=3)
    per_person = Counter(r.email for r in rows)
    assert per_person == {"officer@sefton.example": 2, "officer2@sefton.example": 2, "coordinator@sefton.example": 4}
    copy = next(r for r in rows if r.email == "coordinator@sefton.example" and "Housing" in r.subject)
    assert copy.subject == "Copy: Overdue: the Housing return for 2023/24 Q2 was due on 1 September 2023"
    assert "sent to Olivia Officer" in copy.body
    assert send_reminders(today=day(-2), every=3) == [] and send_reminders(today=day(-3), every=3) == []
    assert len(send_reminders(today=day(-4), every=3)) == 8  # three days on: the next one


def test_no_reminders_far_from_the_deadline_or_for_a_closed_period(demo_users):
    assert send_reminders(today=day(30), steps=[14, 7, 1]) == []
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    period.state = "closed"
    period.save()
    assert send_reminders(today=day(7), steps=[14, 7, 1]) == []
    assert send_reminders(today=day(-1), steps=[14, 7, 1]) == []
    assert Notification.objects.count() == 0


def test_a_returned_return_is_outstanding_and_its_lead_is_reminded(demo_users):
    housing_return(demo_users, "returned")
    rows = [r for r in send_reminders(today=day(1), steps=[1]) if "Housing" in r.subject]
    assert len(rows) == 1 and "returned for changes" in rows[0].body


def test_dry_run_sends_and_records_nothing(demo_users):
    would = send_reminders(today=day(7), steps=[7], dry_run=True)
    assert len(would) == 4
    assert mail.outbox == [] and Notification.objects.count() == 0


def test_the_command_sends_once_the_reminders_are_recorded(demo_users, capsys):
    call_command("send_reminders", "--today", day(7).isoformat(), "--days", "14,7,1")  # queued, then the outbox sent
    out = capsys.readouterr().out
    assert "Sent: Reminder: the Planning return for 2023/24 Q2 is due by 1 September 2023 to officer@sefton.example" in out
    assert "Sent 4 emails." in out
    assert len(mail.outbox) == 4 and all(len(m.to) == 1 for m in mail.outbox)
    assert Notification.objects.filter(sent_at__isnull=False).count() == 4
    call_command("send_reminders", "--today", day(7).isoformat(), "--days", "14,7,1")
    assert "Sent 0 emails." in capsys.readouterr().out
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("args", [["--today", "next tuesday"], ["--days", "seven"], ["--days", "-1"], ["--every", "0"]])
def test_the_command_refuses_bad_arguments_clearly(db, args):
    with pytest.raises(CommandError):
        call_command("send_reminders", *args)


# -- chasing from the pages ------------------------------------------------------------------------


def test_send_a_reminder_tells_the_lead_and_editors_and_copies_the_economy_cell(demo_users):
    ret = return_for("2023-24-q2", "planning")
    result = chase(quarterly_return=ret, by=demo_users["coordinator"], today=day(3))
    assert [s.slug for s in result.reminded] == ["planning"] and result.emails == 2
    rows = Notification.objects.order_by("email")
    assert [(r.email, r.subject) for r in rows] == [
        ("coordinator@sefton.example", "Copy: Reminder: please complete the Planning return for 2023/24 Q2"),
        ("officer@sefton.example", "Reminder: please complete the Planning return for 2023/24 Q2"),
    ]
    assert "Cara Coordinator of the Economy Cell asked us to remind you" in rows[1].body
    again = chase(quarterly_return=ret, by=demo_users["coordinator"], today=day(3))  # a double click
    assert again.emails == 0 and [s.slug for s in again.already] == ["planning"]
    assert chase(quarterly_return=ret, by=demo_users["coordinator"], today=day(2)).emails == 2  # the next day


def test_remind_everyone_outstanding_says_who_has_nobody_to_send_to(demo_users):
    housing_return(demo_users, "submitted")
    result = chase_everyone(period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["coordinator"], today=day(3))
    assert sorted(s.slug for s in result.reminded) == ["digital", "health-wellbeing", "planning"]
    assert len(result.nobody) == 7 and "tourism" in {s.slug for s in result.nobody}
    assert Counter(Notification.objects.filter(kind="reminder_chase").values_list("email", flat=True)) == {
        "officer@sefton.example": 1, "officer2@sefton.example": 2, "coordinator@sefton.example": 3}


def test_the_chase_buttons(client_for, demo_users):
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("my-returns")).content.decode()
    assert page.count("Send a reminder") == 4  # the four sub-strands with someone to send to
    assert page.count("No one to remind") == 7
    response = coordinator.post(reverse("return-remind", args=["2023-24-q2", "housing"]), follow=True)
    assert "Reminders sent about Housing: 2 emails" in response.content.decode()
    calendar = coordinator.get(reverse("period-calendar")).content.decode()
    assert "Remind everyone outstanding (4)" in calendar and calendar.count("No one to remind") >= 7  # only the four with someone to remind (issue 27)
    response = coordinator.post(reverse("period-remind", args=["2023-24-q2"]), {"next": "calendar"}, follow=True)
    text = response.content.decode()
    assert "Already reminded today, so not sent again: Housing." in text
    assert response.redirect_chain[-1][0].endswith("/calendar/?year=2023")
    assert client_for("officer").post(reverse("return-remind", args=["2023-24-q2", "housing"])).status_code == 403
    assert client_for("approver").post(reverse("period-remind", args=["2023-24-q2"])).status_code == 403
