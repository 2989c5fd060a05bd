"""Opening a period when earlier periods of the strategy were never opened warns and names them
before it opens ("2023/24 Q3 and Q4 were never opened"); the step itself is still allowed (issue 27)."""
import datetime

from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.returns import periods
from reporting.workflow import never_opened_before, never_opened_words


def period(slug):
    return ReportingPeriod.objects.get(slug=slug)


def next_year_q1():
    """2024/25 Q1, set up as the year's set-up would (not open)."""
    q4 = period("2023-24-q4")
    return ReportingPeriod.objects.create(strategy=q4.strategy, financial_year=2024, number=1, slug="2024-25-q1",
                                          start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2024, 6, 30))


def test_the_periods_passed_by_are_said_in_words(demo_users):
    q1 = next_year_q1()
    assert never_opened_words(never_opened_before(q1)) == "2023/24 Q3 and Q4 were never opened"
    assert never_opened_words(never_opened_before(period("2023-24-q4"))) == "2023/24 Q3 was never opened"
    assert never_opened_before(period("2023-24-q3")) == []


def test_opening_past_unopened_periods_warns_and_names_them_then_opens_once_confirmed(client_for, demo_users):
    q1 = next_year_q1()
    periods.close_period(period=period("2023-24-q2"), by=demo_users["coordinator"])
    coordinator = client_for("coordinator")
    url = reverse("period-open", args=[q1.slug])
    page = coordinator.get(url).content.decode()
    assert "2023/24 Q3 and Q4 were never opened" in page and "Open 2024/25 Q1 anyway" in page
    # a page that did not name them (opened before, or sent without the confirmation) opens nothing
    response = coordinator.post(url, {"dashboard_deadline-day": "1", "dashboard_deadline-month": "6",
                                      "dashboard_deadline-year": "2024"})
    assert response.status_code == 200 and "2023/24 Q3 and Q4 were never opened" in response.content.decode()
    assert period("2024-25-q1").state == "not_open"
    passing = ",".join(str(p.pk) for p in never_opened_before(q1))
    response = coordinator.post(url, {"dashboard_deadline-day": "1", "dashboard_deadline-month": "6",
                                      "dashboard_deadline-year": "2024", "passing": passing})
    assert response.status_code == 302
    assert period("2024-25-q1").state == "open"


def test_opening_the_next_period_in_turn_says_nothing_of_the_kind(client_for, demo_users):
    periods.close_period(period=period("2023-24-q2"), by=demo_users["coordinator"])
    page = client_for("coordinator").get(reverse("period-open", args=["2023-24-q3"])).content.decode()
    assert "never opened" not in page and "anyway" not in page
