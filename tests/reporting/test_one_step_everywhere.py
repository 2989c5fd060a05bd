"""A step's answer is the same on every page that offers it and in the write that takes it
(reporting.steps): a page offers the button only when the step would be taken, and otherwise says
why where the button would be. Issue 22, points 4, 5 and 11."""
import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.contents import briefing_for
from reporting.models import ActionUpdate, QuarterlyReturn
from reporting.returns import services
from tests.reporting._returns_support import (  # noqa: F401
    HOUSING_COMPLETE, complete_changes, database_state, fast_password_hashing, form_fields, housing_return, return_url,
)


def text_of(response):
    """The page's words, tags taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" .", ".")


def buttons(response):
    return set(re.findall(r'name="intent" value="(\w+)"', response.content.decode()))


def test_a_period_not_yet_open_offers_no_save_and_says_why(client_for, demo_users):
    q3 = ReportingPeriod.objects.get(slug="2023-24-q3")
    assert q3.state == "not_open"
    for username in ("coordinator", "officer"):
        response = client_for(username).get(return_url("2023-24-q3"))
        page = text_of(response)
        assert buttons(response) == set(), username  # no Save as draft, no Submit: each would be refused
        assert "Changing this return is not possible now. 2023/24 Q3 is not open for returns yet." in page
    before = database_state()
    posted = client_for("coordinator").post(return_url("2023-24-q3"), {"intent": "save", "version": "0"})
    assert posted.status_code == 409 and "2023/24 Q3 is not open for returns yet." in text_of(posted)
    assert database_state() == before


def close_q2_past_its_deadline():
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    q2.state, q2.dashboard_deadline = "closed", datetime.date(2023, 9, 1)
    q2.save()
    return q2


def test_a_closed_periods_outstanding_return_is_neither_overdue_nor_chased_anywhere(client_for, demo_users):
    housing_return(demo_users, "draft")
    close_q2_past_its_deadline()
    coordinator = client_for("coordinator")
    page = text_of(coordinator.get(return_url()))
    assert "Overdue" not in page and "Send a reminder" not in page
    assert "A reminder is not possible now. 2023/24 Q2 is closed: officers cannot change its returns" in page
    calendar = text_of(coordinator.get(reverse("period-calendar") + "?year=2023"))
    assert "Overdue" not in calendar
    before = database_state()
    coordinator.post(reverse("return-remind", args=["2023-24-q2", "housing"]))
    assert database_state() == before


def test_a_late_draft_of_a_published_period_is_not_chased(client_for, demo_users):
    housing_return(demo_users, "draft")
    ReportingPeriod.objects.filter(slug="2023-24-q2").update(state="published")
    coordinator = client_for("coordinator")
    before = database_state()
    refused = text_of(coordinator.post(reverse("return-remind", args=["2023-24-q2", "housing"]), follow=True))
    assert "can still be finished late, but it is no longer chased" in refused
    assert database_state() == before
    assert "Send a reminder" not in text_of(coordinator.get(return_url()))
    late = text_of(coordinator.get(reverse("my-returns")))  # among the late returns: no button, the reason once
    late = late[late.index("Late returns"):]
    assert "Send a reminder" not in late and "Chase" not in late
    assert late.count("The briefing for 2023/24 Q2 has been issued: its returns can still be finished late, "
                      "but they are no longer chased.") == 1


def test_the_approver_is_told_why_a_briefing_without_its_text_cannot_be_issued(client_for, demo_users):
    housing_return(demo_users, "approved")
    assert briefing_for(ReportingPeriod.objects.get(slug="2023-24-q2")).pk is None
    page = text_of(client_for("approver").get(reverse("briefing", args=["2023-24-q2"])))
    assert reverse("briefing-issue", args=["2023-24-q2"]) not in page
    assert ("Issuing the briefing is not possible now. The briefing can be issued once the Economy Cell has saved "
            "its text.") in page


def test_an_officer_submitting_a_return_is_rated_and_checked_for_completeness_once(client_for, demo_users):
    """Issue 22, point 11: the form reads what was typed; the submit step asks completeness once, on
    what it saves; each figure is rated once, when it is saved."""
    from kpis import services as kpi_services
    from reporting.returns import completeness

    officer = client_for("officer")
    page = officer.get(return_url())
    data = form_fields(page.content)
    data.update(complete_changes())
    data["intent"] = "submit"
    real_rate, real_problems = kpi_services.rate_measurement, completeness.completeness_problems
    with mock.patch.object(kpi_services, "rate_measurement", wraps=real_rate) as rate_one, \
            mock.patch("reporting.returns.services.rate_measurement", wraps=real_rate) as rate_saved, \
            mock.patch.object(completeness, "completeness_problems", wraps=real_problems) as problems:
        response = officer.post(return_url(), data)
    assert response.status_code == 302, text_of(response)[:2000]
    assert QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2").state == "submitted"
    kpis = SubStrand.objects.get(slug="housing").kpis.filter(is_active=True).count()
    assert rate_one.call_count + rate_saved.call_count == kpis  # each figure rated once
    assert problems.call_count == 1  # completeness asked once


def test_an_incomplete_submit_is_refused_beside_each_field_and_saves_nothing(client_for, demo_users):
    officer = client_for("officer")
    data = form_fields(officer.get(return_url()).content)
    data.update({"intent": "submit", "overall_rag": "", "commentary": "A start"})
    before = database_state()
    page = text_of(officer.post(return_url(), data))
    assert "Choose the overall status: Red, Amber or Green" in page
    assert database_state() == before


def test_the_updates_inside_a_return_move_through_the_plan_update_machine(demo_users):
    """Approving a return approves its action updates through the plan-update machine: one that is
    out of step (here, a draft inside a submitted return) is refused, not overwritten."""
    from objectives.models import Action, ActionPlan

    plan = ActionPlan.objects.first()
    Action.objects.create(plan=plan, number=90, title="Deliver the housing pipeline",
                          sub_strand=SubStrand.objects.get(slug="housing"))
    ret = housing_return(demo_users, "submitted")
    update = ActionUpdate.objects.get(quarterly_return=ret)
    assert update.state == "submitted"  # it followed its return through the machine's submit step
    ActionUpdate.objects.filter(pk=update.pk).update(state="draft")
    with pytest.raises(services.ReturnWorkflowError, match="only a submitted update can be approved"):
        services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    ret.refresh_from_db()
    assert ret.state == "submitted"


def test_the_calendar_and_the_open_page_say_why_a_period_cannot_open(client_for, demo_users):
    coordinator = client_for("coordinator")
    calendar = text_of(coordinator.get(reverse("period-calendar") + "?year=2023"))
    assert "Close 2023/24 Q2 before opening 2023/24 Q3: one period of a strategy is open at a time." in calendar
    assert reverse("period-open", args=["2023-24-q3"]) not in coordinator.get(
        reverse("period-calendar") + "?year=2023").content.decode()
    page = text_of(coordinator.get(reverse("period-open", args=["2023-24-q3"])))
    assert "Opening 2023/24 Q3 is not possible now. Close 2023/24 Q2 before opening 2023/24 Q3" in page
    ReportingPeriod.objects.filter(slug="2023-24-q2").update(state="closed")
    assert reverse("period-open", args=["2023-24-q3"]) in coordinator.get(
        reverse("period-calendar") + "?year=2023").content.decode()
