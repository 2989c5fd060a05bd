"""The whole year's pages in a real Chromium: the review queue's Approve on each row and "Select
all"; every page of the officer's, the Economy Cell's, the approver's and the Cabinet Member's
journeys at 375 px wide, none wider than the phone and each clean by axe-core there; the header
menu that no longer moves the page as it loads; the overview's commentary one click away."""
import re

import pytest

from kpis.models import KPI
from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import issue_briefing, update_briefing
from reporting.models import QuarterlyReturn
from reporting.returns import services
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def submitted(users, slug, period_slug="2023-24-q2", by="coordinator"):
    """A complete return of the sub-strand, submitted through the services as the page would."""
    period, sub = ReportingPeriod.objects.get(slug=period_slug), SubStrand.objects.get(slug=slug)
    ret = services.start_return(sub_strand=sub, period=period, by=users[by])
    data = as_post_data(initial_form_data(ret))
    data.update({"overall_rag": "green", "commentary": f"{sub.name}: on track."})
    for kpi in KPI.objects.filter(sub_strand=sub, is_active=True):
        if kpi.is_milestone:
            data[f"kpi-{kpi.id}-milestone_status"] = "on_track"
        else:
            data[f"kpi-{kpi.id}-not_available"] = "on"
    form = ReturnForm(quarterly_return=ret, user=users[by], data=data)
    assert form.is_valid(), form.errors
    return services.save_return(quarterly_return=ret, by=users[by], form=form, submit=True)


def test_the_approver_approves_one_row_then_selects_all_the_rest(page, sign_in, demo_users, axe_check):
    for slug in ("housing", "planning", "tourism"):
        submitted(demo_users, slug)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("approver")
    page.goto("/review/")
    axe_check(page, "review queue")
    housing = page.locator("section.app-review").filter(has_text="Housing")
    approve = housing.get_by_role("button", name="Approve Housing 2023/24 Q2")
    send_back = housing.get_by_role("link", name=re.compile(r"^Return it for changes\W+Housing"))
    assert abs(approve.bounding_box()["y"] - send_back.bounding_box()["y"]) < 2, "Approve and Return it for changes line up"
    click_and_wait(page, approve)
    assert "Housing 2023/24 Q2 approved" in page.content()
    assert QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2").state == "approved"
    assert QuarterlyReturn.objects.get(sub_strand__slug="planning", period__slug="2023-24-q2").state == "submitted"

    select_all = page.get_by_label("Select all 2 returns to approve")
    assert select_all.is_visible()
    select_all.check()
    boxes = page.locator("input.app-approve-choice")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))
    boxes.nth(0).uncheck()
    assert page.evaluate("document.getElementById('select-all').indeterminate")
    select_all.check()
    click_and_wait(page, page.get_by_role("button", name="Approve the selected returns"))
    assert "2 returns approved" in page.content()
    assert set(QuarterlyReturn.objects.filter(period__slug="2023-24-q2").values_list("state", flat=True)) == {"approved"}
    assert "No returns are waiting for approval." in page.content()
    assert page.console_errors == []


@pytest.fixture
def a_year_under_way(demo_users):
    """Q2 2023/24 issued with Planning late, then Planning approved after issue (so the briefing
    can be re-issued); Health & Wellbeing waiting for approval; 2024/25 not set up."""
    services.approve_return(quarterly_return=submitted(demo_users, "housing", by="officer"), by=demo_users["approver"])
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    note = update_briefing(briefing=briefing_for(period), by=demo_users["coordinator"], data={}, expected_version=0)
    issue_briefing(briefing=note, by=demo_users["approver"])
    services.approve_return(quarterly_return=submitted(demo_users, "planning", by="officer"), by=demo_users["approver"])
    submitted(demo_users, "health-wellbeing", by="officer2")
    services.start_return(sub_strand=SubStrand.objects.get(slug="digital"), period=period, by=demo_users["officer2"])
    return demo_users


JOURNEYS = {
    "officer": ["/", "/my-returns/", "/periods/2023-24-q2/returns/planning/", "/periods/2023-24-q2/returns/housing/",
                "/periods/2023-24-q1/returns/housing/", "/dashboard/", "/sub-strands/housing/", "/kpis/HOU-02/",
                "/workbooks/", "/periods/2023-24-q2/import/", "/action-plans/", "/action-plans/employment/"],
    "officer2": ["/my-returns/", "/periods/2023-24-q2/returns/digital/"],
    "coordinator": ["/calendar/", "/calendar/?year=2024", "/my-returns/", "/review/", "/years/2024/set-up/",
                    "/years/2023/targets/", "/periods/2023-24-q3/open/", "/periods/2023-24-q2/briefing/",
                    "/periods/2023-24-q3/briefing/", "/periods/2023-24-q3/briefing/edit/", "/workbooks/"],
    "approver": ["/review/", "/periods/2023-24-q2/returns/health-wellbeing/",
                 "/periods/2023-24-q2/returns/health-wellbeing/send-back/", "/periods/2023-24-q2/briefing/",
                 "/periods/2023-24-q2/briefing/reissue/", "/periods/2023-24-q1/briefing/"],
    "cabinet": ["/", "/dashboard/", "/sub-strands/housing/", "/kpis/HOU-02/", "/periods/2023-24-q2/briefing/",
                "/periods/2023-24-q2/briefing/revisions/1/", "/periods/2023-24-q1/briefing/", "/action-plans/",
                "/action-plans/employment/", "/workbooks/"],
}


@pytest.mark.parametrize("username", list(JOURNEYS))
def test_every_page_of_the_journeys_fits_a_phone_and_is_clean_by_axe(page, sign_in, a_year_under_way, axe_check, username):
    page.set_viewport_size(PHONE)
    sign_in(username)
    for url in JOURNEYS[username]:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        page.wait_for_load_state("load")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{url} is {width[0]} px wide on a {width[1]} px phone"
        axe_check(page, f"{url} at 375 px as {username}")
    assert page.console_errors == []


CLS = """
window.__cls = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) { if (!e.hadRecentInput) window.__cls += e.value; } })
  .observe({type: 'layout-shift', buffered: true});
"""


def test_the_header_menu_does_not_move_the_page_as_it_loads(page, sign_in, demo_users):
    """The menu used to be drawn open, then hidden: 0.18 to 0.31 cumulative layout shift on a phone."""
    page.set_viewport_size(PHONE)
    sign_in("cabinet")
    page.add_init_script(CLS)
    for url in ["/", "/dashboard/", "/periods/2023-24-q1/briefing/"]:
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        shift = page.evaluate("window.__cls")
        assert shift < 0.02, f"{url} shifted by {shift:.3f} as it loaded"
    menu, links = page.get_by_role("button", name="Menu"), page.locator("#navigation")
    assert menu.is_visible() and not links.is_visible()
    menu.click()
    assert links.get_by_role("link", name="Dashboard").is_visible()


def test_the_overview_shows_the_first_lines_of_each_commentary_and_the_rest_one_click_away(page, sign_in, demo_users):
    """It used to be a 6,400-pixel wall of every commentary in full (12,500 px on a phone)."""
    page.set_viewport_size(PHONE)
    sign_in("cabinet")
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollHeight") < 6000
    housing = page.locator("#sub-strand-housing")
    rest = housing.locator("details")
    if rest.count():
        hidden = rest.locator(".govuk-details__text")
        assert not hidden.is_visible()
        rest.locator("summary").click()
        assert hidden.is_visible()
    assert housing.locator(".app-commentary--opening").inner_text().strip()
