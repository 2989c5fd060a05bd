"""The committee report and the page that attaches papers to an update, in a real Chromium, each
checked by axe-core (WCAG 2.x A and AA), the form with its errors too."""
import pytest

from objectives.models import Action
from reporting.models import ActionUpdate, PlanUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_and_the_attachments_page_pass_axe(page, sign_in, demo_users, axe_check, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in("scrutiny")
    page.goto("/action-plans/employment/reports/2017-12/")
    assert "mrg september 17 minutes.docx" in page.content()
    axe_check(page, "committee report")
    page.context.clear_cookies()

    plan = Action.objects.get(plan__slug="employment", number=14).plan
    june = PlanUpdate.objects.create(plan=plan, slug="2018-06", title="Action Plan for Employment – update at June 2018",
                                     as_at="2018-06-30")
    ActionUpdate.objects.create(action=Action.objects.get(plan=plan, number=14), plan_update=june, narrative="Progress.")
    sign_in("coordinator")
    page.goto("/action-plans/employment/reports/2018-06/progress/14/attachments/")
    axe_check(page, "attach papers")
    with page.expect_navigation():
        page.get_by_role("button", name="Attach it").click()
    assert "Choose the file to attach, or enter its web address" in page.content()
    axe_check(page, "attach papers with errors")
    page.get_by_label("Name").fill("Minutes")
    page.get_by_label("Or its web address (optional)").fill("https://example.org/minutes.pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Attach it").click()
    assert "“Minutes” is attached" in page.content()
    axe_check(page, "attach papers with one attached")
