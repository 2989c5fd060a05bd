"""The reporting calendar, My returns and the review queue: states, what is missing, overdue returns,
opening and closing periods."""
import datetime

import pytest
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from objectives.council import main_strategy
from reporting.returns.calendar import period_calendar
from reporting.returns.review import review_queue
from reporting.returns.selectors import my_returns
from reporting.workflow import is_outstanding, is_overdue
from reporting.returns import periods, services
from tests.reporting._returns_support import fast_password_hashing, fill, housing_return  # noqa: F401

FUTURE = datetime.date(2023, 8, 1)   # a month before the Q2 deadline of 1 September 2023
PAST = datetime.date(2023, 9, 2)


def q2():
    return ReportingPeriod.objects.get(slug="2023-24-q2")


def test_outstanding_means_not_yet_submitted():
    assert all(is_outstanding(s) for s in (None, "not_started", "draft", "returned"))
    assert not any(is_outstanding(s) for s in ("submitted", "approved", "published"))


@pytest.mark.django_db
def test_overdue_means_chaseable_after_the_deadline_of_an_open_period():
    period = ReportingPeriod(financial_year=2023, number=2, dashboard_deadline=datetime.date(2023, 9, 1), state="open")
    assert is_overdue("draft", period, PAST) and is_overdue(None, period, PAST)
    assert not is_overdue("draft", period, FUTURE)
    assert not is_overdue("draft", period, datetime.date(2023, 9, 1))  # on the day is not late
    assert not is_overdue("submitted", period, PAST)
    period.state = "closed"  # officers cannot act on it: not chased, so not overdue (workflow.chase_refusal)
    assert not is_overdue("returned", period, PAST)
    period.state = "published"
    assert not is_overdue("draft", period, PAST)
    period.state, period.dashboard_deadline = "open", None
    assert not is_overdue("draft", period, PAST)


def test_calendar_shows_each_sub_strands_state_per_period_with_overdue_marked(demo_users):
    housing_return(demo_users, "submitted")
    services.start_return(sub_strand=SubStrand.objects.get(slug="planning"),
                          period=q2(), by=demo_users["officer"])
    strategy = main_strategy()
    year, periods, columns, rows = period_calendar(demo_users["coordinator"], strategy=strategy, financial_year=2023,
                                                   today=PAST)
    assert [c.heading for c in columns] == [  # section 4.1's columns, the deadline second
        "Economy Cell meeting", "Dashboard update deadline", "Cabinet Member (Regeneration & Skills) briefings",
        "Cabinet Member / Overview & Scrutiny (Regeneration & Skills)"]
    assert year == 2023 and [p.slug for p in periods] == ["2023-24-q1", "2023-24-q2", "2023-24-q3", "2023-24-q4"]
    cells = {row.sub_strand.slug: {c.period.slug: c for c in row.cells} for row in rows}
    assert len(cells) == 11
    assert cells["housing"]["2023-24-q1"].state == "published"
    assert (cells["housing"]["2023-24-q2"].state, cells["housing"]["2023-24-q2"].overdue) == ("submitted", False)
    assert (cells["planning"]["2023-24-q2"].state, cells["planning"]["2023-24-q2"].overdue) == ("draft", True)
    assert (cells["tourism"]["2023-24-q2"].state, cells["tourism"]["2023-24-q2"].overdue) == ("not_started", True)
    assert cells["tourism"]["2023-24-q3"].state is None and cells["tourism"]["2023-24-q3"].state_label == "Not open yet"
    _, _, _, rows = period_calendar(demo_users["coordinator"], strategy=strategy, financial_year=2023, today=FUTURE)
    assert not any(c.overdue for row in rows for c in row.cells)


def test_calendar_page_shows_the_governance_dates_and_states(demo_users, client_for):
    housing_return(demo_users, "draft")
    page = client_for("coordinator").get(reverse("period-calendar")).content.decode()
    for text in ["Financial year 2023/24", "1 September 2023", "7 September 2023", "30 November 2023", "7 November 2023",
                 "18 January 2024", "7 February 2024", "5 March 2024", "Open for entry", "Not yet open", "Published"]:
        assert text in page, text
    assert 'govuk-tag--red">Overdue</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Draft</strong>' in page
    assert page.count("Overdue") >= 10  # every Q2 return but none submitted is overdue in 2026


def test_calendar_of_another_year_and_a_garbled_year(client_for):
    coordinator = client_for("coordinator")
    assert "No reporting periods are set up for 2030/31" in coordinator.get(reverse("period-calendar") + "?year=2030").content.decode()
    assert coordinator.get(reverse("period-calendar") + "?year=20x3").status_code == 200


def test_the_coordinator_closes_and_opens_periods_from_the_calendar(client_for):
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("period-close", args=["2023-24-q2"]))
    assert response.status_code == 302 and response["Location"] == reverse("period-calendar") + "?year=2023"
    assert q2().state == "closed"
    page = coordinator.get(reverse("period-open", args=["2023-24-q3"]))
    assert page.status_code == 200 and b"Open 2023/24 Q3 for returns" in page.content
    response = coordinator.post(reverse("period-open", args=["2023-24-q3"]), {"dashboard_deadline": "1/12/2023"})
    assert response.status_code == 302
    q3 = ReportingPeriod.objects.get(slug="2023-24-q3")
    assert (q3.state, q3.dashboard_deadline) == ("open", datetime.date(2023, 12, 1))
    assert "2023/24 Q3 is open for returns." in coordinator.get(response["Location"]).content.decode()


def test_closing_a_period_that_is_not_open_says_why(client_for):
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("period-close", args=["2023-24-q3"]), follow=True)
    assert "2023/24 Q3 is not open, so it cannot be closed." in response.content.decode()
    assert ReportingPeriod.objects.get(slug="2023-24-q3").state == "not_open"


def test_my_returns_lists_the_officers_sub_strands_with_what_is_missing(demo_users, client_for):
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"),
                                period=q2(), by=demo_users["officer"])
    from kpis.models import KPI

    fill(ret, demo_users["officer"], {"overall_rag": "green", f"kpi-{KPI.objects.get(code='HOU-02').id}-value": "650"})
    period, rows = my_returns(demo_users["officer"], today=FUTURE)
    assert period.slug == "2023-24-q2"
    by_slug = {row.sub_strand.slug: row for row in rows}
    assert set(by_slug) == {"housing", "planning"}
    assert by_slug["housing"].state == "draft"
    # What Submit would refuse, in its words (commentary carried over from Q1).
    assert by_slug["housing"].missing == ["HOU-01: enter a value, or tick “not yet available”"]
    assert by_slug["planning"].missing == ["Not started"] and not by_slug["planning"].overdue
    page = client_for("officer").get(reverse("my-returns")).content.decode()
    assert "HOU-01: enter a value, or tick “not yet available”" in page and "1 September 2023" in page
    assert "Health" not in page  # officer2's


def test_my_returns_for_the_economy_cell_lists_every_sub_strand(demo_users):
    _, rows = my_returns(demo_users["coordinator"])
    assert len(rows) == 11


def test_my_returns_when_no_period_is_open(demo_users, client_for):
    periods.close_period(period=q2(), by=demo_users["coordinator"])
    page = client_for("officer").get(reverse("my-returns")).content.decode()
    assert "No reporting period is open for returns at the moment" in page


def test_review_queue_shows_what_changed_since_last_quarter(demo_users, client_for):
    housing_return(demo_users, "submitted")
    rows = review_queue(demo_users["approver"])
    assert len(rows) == 1
    row = rows[0]
    assert row.previous.period.slug == "2023-24-q1" and row.overall_movement == "No change"
    assert row.commentary_change_words == "Rewritten since last quarter"
    hou02 = next(c for c in row.kpi_changes if c.kpi.code == "HOU-02")
    assert (hou02.before_text, hou02.now_text) == ("Not yet available", "655")
    page = client_for("approver").get(reverse("review-queue")).content.decode()
    assert "Approve<span class=\"govuk-visually-hidden\"> Housing 2023/24 Q2</span>" in page and "Regenerated Places – Housing" in page
    coordinator_page = client_for("coordinator").get(reverse("review-queue")).content.decode()
    assert "Regenerated Places – Housing" in coordinator_page
    assert "Approve<span" not in coordinator_page  # the Economy Cell does not approve


def test_review_queue_is_empty_when_nothing_is_submitted(client_for):
    assert "No returns are waiting for approval." in client_for("approver").get(reverse("review-queue")).content.decode()


def test_each_opened_cell_of_the_calendar_carries_its_returns_link(demo_users, client_for):
    """The link of each of the calendar's cells (a sub-strand's return in a period) is made with the
    calendar's rows, not by a {% url %} a cell in the template."""
    housing_return(demo_users, "submitted")
    _, _, _, rows = period_calendar(demo_users["coordinator"], strategy=main_strategy(), financial_year=2023,
                                    today=PAST)
    housing = next(row for row in rows if row.sub_strand.slug == "housing")
    q1 = next(cell for cell in housing.cells if cell.period.slug == "2023-24-q1")
    assert q1.url == reverse("return", args=["2023-24-q1", "housing"])
    assert all(cell.url == "" for row in rows for cell in row.cells if cell.state is None)
    page = client_for("coordinator").get(reverse("period-calendar") + "?year=2023").content.decode()
    assert f'href="{q1.url}"' in page
