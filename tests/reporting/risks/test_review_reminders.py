"""Risk reviews outstanding after the deadline are chased by the same reminders as returns: one
email to each owner listing their outstanding reviews, never the same one twice."""
import datetime

import pytest
from django.core.management import call_command

from objectives.models import ReportingPeriod, Role
from reporting.models import Notification, RiskReview
from reporting.risks.reminders import review_reminders
from tests.factories import PeriodFactory, StrategyFactory, UserFactory
from tests.reporting.risks.helpers import make_risk

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2023, 7, 20)


@pytest.fixture
def period():
    strategy = StrategyFactory()
    return PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN, dashboard_deadline=DEADLINE)


def test_one_email_lists_the_owner_s_outstanding_reviews(period):
    owner = UserFactory(username="owner", role=Role.OFFICER)
    make_risk(strategy=period.strategy, reference="SR1", owner=owner, title="Investment slows")
    make_risk(strategy=period.strategy, reference="SR2", owner=owner, title="Skills gap widens")
    done = make_risk(strategy=period.strategy, reference="SR3", owner=owner, title="Done already")
    RiskReview.objects.create(risk=done, period=period, state="submitted", current_likelihood=1, current_impact=1)
    rows = review_reminders(period, today=DEADLINE + datetime.timedelta(days=1), every=3)
    assert len(rows) == 1
    assert "SR1 Investment slows" in rows[0].body and "SR2 Skills gap widens" in rows[0].body
    assert "SR3" not in rows[0].body
    assert rows[0].subject.startswith("Overdue: your risk reviews for 2023/24 Q1")


def test_never_twice_and_not_before_the_deadline(period):
    owner = UserFactory(username="owner", role=Role.OFFICER)
    make_risk(strategy=period.strategy, owner=owner)
    assert review_reminders(period, today=DEADLINE, every=3) == []
    assert len(review_reminders(period, today=DEADLINE + datetime.timedelta(days=1), every=3)) == 1
    assert review_reminders(period, today=DEADLINE + datetime.timedelta(days=2), every=3) == []
    assert Notification.objects.filter(kind="risk_reminder").count() == 1


def test_a_closed_period_s_reviews_are_not_chased(period):
    owner = UserFactory(username="owner", role=Role.OFFICER)
    make_risk(strategy=period.strategy, owner=owner)
    period.state = "closed"
    assert review_reminders(period, today=DEADLINE + datetime.timedelta(days=1), every=3) == []


def test_the_daily_command_sends_them_once(period, mailoutbox):
    owner = UserFactory(username="owner", role=Role.OFFICER)
    make_risk(strategy=period.strategy, owner=owner)
    call_command("send_reminders", today="2023-07-21")
    call_command("send_reminders", today="2023-07-21")
    assert [m.to for m in mailoutbox if "risk review" in m.subject] == [[owner.email]]
