"""Late returns are never stranded: once a period's briefing is issued, its unfinished returns stay
open to their officers and the approver; one approved after issue joins the issued briefing,
marked "updated after issue on …", readers see it, and the approver may re-issue the briefing
(revision 2, revision 1 kept). And the calendar's and briefing's paper cuts of the same journey."""
import datetime

import pytest
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings import revisions
from reporting.briefings.contents import briefing_for
from reporting.briefings.selectors import briefing_context
from reporting.briefings.services import issue_briefing, update_briefing
from reporting.models import BriefingRevision, QuarterlyReturn
from reporting.returns import services
from objectives.council import main_strategy
from reporting.returns.calendar import default_year
from tests.reporting._returns_support import (  # noqa: F401
    built,
    complete_changes,
    fast_password_hashing,
    fill,
    housing_return,
    open_and_post,
    read_as_facts,
)

Q2 = "2023-24-q2"


@pytest.fixture
def issued(demo_users):
    """Q2 with Housing approved and its briefing issued; Planning a draft; the rest not started."""
    housing_return(demo_users, "approved")
    services.start_return(sub_strand=SubStrand.objects.get(slug="planning"), period=period(), by=demo_users["officer"])
    note = update_briefing(briefing=briefing_for(period()), by=demo_users["coordinator"], data={}, expected_version=0)
    return issue_briefing(briefing=note, by=demo_users["approver"])


def period(slug=Q2):
    return ReportingPeriod.objects.get(slug=slug)


def test_after_issue_an_officer_can_still_fill_in_and_submit_an_unfinished_return(issued, client_for, demo_users):
    """It used to be refused: a returned or unstarted return could never be edited again."""
    assert period().state == "published"
    officer = client_for("officer")
    page = officer.get(reverse("return", args=[Q2, "planning"])).content.decode()
    assert 'class="app-return-form' in page or "app-return-form" in page  # the form, not a read-only page
    response = open_and_post(officer, {"overall_rag": "green", "commentary": "Late, but here."}, sub_slug="planning")
    assert response.status_code == 302
    assert QuarterlyReturn.objects.get(period__slug=Q2, sub_strand__slug="planning").commentary == "Late, but here."


def test_a_sub_strand_that_never_started_can_start_after_issue(issued, demo_users):
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="digital"), period=period(), by=demo_users["officer2"])
    assert ret.pk and ret.state == "draft"


def test_a_late_return_approved_after_issue_joins_the_issued_briefing_and_the_readers_see_it(issued, demo_users, client_for):
    ret = services.start_return(sub_strand=SubStrand.objects.get(slug="housing"), period=period(), by=demo_users["officer"])
    assert ret.state == "published"
    late = services.start_return(sub_strand=SubStrand.objects.get(slug="planning"), period=period(), by=demo_users["officer"])
    from kpis.models import KPI

    changes = {"overall_rag": "amber", "commentary": "Planning, late."}
    for kpi in KPI.objects.filter(sub_strand__slug="planning", is_active=True):
        changes[f"kpi-{kpi.id}-{'milestone_status' if kpi.is_milestone else 'not_available'}"] = (
            "at_risk" if kpi.is_milestone else "on")
    late = fill(late, demo_users["officer"], changes, submit=True)
    cabinet = client_for("cabinet")
    assert cabinet.get(reverse("return", args=[Q2, "planning"])).status_code == 403
    late = services.approve_return(quarterly_return=late, by=demo_users["approver"])
    assert late.state == "published"
    assert cabinet.get(reverse("return", args=[Q2, "planning"])).status_code == 200
    page = cabinet.get(reverse("briefing", args=[Q2])).content.decode()
    assert "Planning, late." in page and "Updated after issue on" in page
    context = briefing_context(period=period(), user=demo_users["cabinet"])
    planning = next(s for o in context["progress"] for s in o.sub_strands if s.sub_strand.slug == "planning")
    housing = next(s for o in context["progress"] for s in o.sub_strands if s.sub_strand.slug == "housing")
    assert planning.updated_after_issue is not None and housing.updated_after_issue is None

    # The approver re-issues it: revision 2; revision 1 is kept as it was issued.
    approver = client_for("approver")
    assert "Re-issue the briefing as revision 2" in approver.get(reverse("briefing", args=[Q2])).content.decode()
    assert "Re-issue the briefing" not in cabinet.get(reverse("briefing", args=[Q2])).content.decode()
    note = revisions.reissue_briefing(briefing=briefing_for(period()), by=demo_users["approver"])
    assert note.revision == 2 and note.state == "issued"
    kept = {r.number: r for r in BriefingRevision.objects.filter(briefing=note)}
    assert set(kept) == {1, 2}
    first = {s["slug"]: s for o in kept[1].snapshot["objectives"] for s in o["sub_strands"]}
    assert first["planning"]["has_return"] is False and first["housing"]["has_return"] is True
    revision_1 = cabinet.get(reverse("briefing-revision", args=[Q2, 1])).content.decode()
    assert "This is revision 1" in revision_1 and "Planning, late." not in revision_1
    with pytest.raises(revisions.ReissueError, match="nothing new to issue"):
        revisions.reissue_briefing(briefing=briefing_for(period()), by=demo_users["approver"])
    assert client_for("coordinator").get(reverse("briefing-reissue", args=[Q2])).status_code == 403


def test_my_returns_lists_late_returns_when_no_period_is_open(issued, client_for):
    """It used to say only that no period is open."""
    page = client_for("officer").get(reverse("my-returns")).content.decode()
    assert "No reporting period is open for returns at the moment" in page
    late = page.split('id="late-returns"', 1)[1]
    assert "Planning" in late and "Housing" not in late.split("</table>")[0]
    assert "Late</strong>" in late


def test_the_calendar_never_opens_at_an_empty_year_and_always_offers_the_years_either_side(issued, client_for):
    """It used to jump to an empty 2026/27 with no way back once nothing was open."""
    assert default_year(main_strategy(), datetime.date(2026, 12, 1)) == 2023
    page = client_for("coordinator").get(reverse("period-calendar")).content.decode()
    assert "Financial year 2023/24" in page
    assert 'href="?year=2022"' in page and 'href="?year=2024"' in page
    empty = client_for("coordinator").get(reverse("period-calendar") + "?year=2026").content.decode()
    assert 'href="?year=2025"' in empty and "Set up 2026/27" in empty


def test_provenance_notes_are_for_the_administrator_only(client_for, demo_users):
    coordinator = client_for("coordinator").get(reverse("period-calendar") + "?year=2023").content.decode()
    assert "inferred" not in coordinator and "reconstructed" not in coordinator
    assert "briefings are monthly" in coordinator  # the notes that are the council's own stay
    admin = client_for("admin").get(reverse("period-calendar") + "?year=2023").content.decode()
    assert "inferred: 7 November 2023 is read as the Cabinet Member briefing column" in admin
    assert "shown to administrators only" in admin


def test_the_draft_briefing_says_why_it_has_nothing_to_compare_yet(client_for, demo_users):
    """It used to say "There is no approved status from 2023/24 Q1 to compare with" though Q1 is published."""
    from reporting.models import Briefing

    Briefing.objects.create(period=ReportingPeriod.objects.get(slug=Q2), purpose="Q2", recommendations="Note it",
                            include_what_changed=True)  # the coordinator chose to include "What changed"
    page = client_for("coordinator").get(reverse("briefing", args=[Q2])).content.decode()
    assert "There is no approved status from 2023/24 Q1" not in page
    assert "No return for 2023/24 Q2 has been approved yet: once one is, its status is compared here with 2023/24 Q1." in page


def test_the_dashboards_action_plan_counts_add_up(client_for, demo_users):
    """They used to read 0 + 0 + 0 + 5 "of 15": not started and unassessed were left out."""
    import re

    page = client_for("cabinet").get(reverse("dashboard")).content.decode()
    panel = page.split('id="plans-panel-title"', 1)[1]
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", panel, re.S)[1:]:
        counts = [int(n) for n in re.findall(r'app-plan-count--(?!all)\w+">(\d+)<', row)]
        total = int(re.search(r'app-plan-count--all">(\d+)<', row).group(1))
        assert sum(counts) == total, row
    assert "No status given" in panel and "Not started" in panel


def test_late_returns_read_the_kpis_and_figures_only_of_the_late_returns_still_to_be_submitted(issued, demo_users, monkeypatch):
    """A late return waiting for approval lists nothing missing: its KPIs are not read (they used to be)."""
    from reporting.returns.selectors import late_returns

    QuarterlyReturn.objects.filter(period__slug=Q2, sub_strand__slug="planning").update(state="submitted")
    digital = services.start_return(sub_strand=SubStrand.objects.get(slug="digital"), period=period(), by=demo_users["officer2"])
    kpis, figures = read_as_facts(monkeypatch)
    rows = late_returns(demo_users["coordinator"])
    assert kpis and {k.sub_strand_id for k in kpis} == {digital.sub_strand_id}
    assert {m.kpi_id for m in figures} <= {k.id for k in kpis}
    by_slug = {row.sub_strand.slug: row for row in rows if row.period.slug == Q2}
    assert by_slug["planning"].state == "submitted" and by_slug["planning"].missing == []
    assert by_slug["digital"].state == "draft" and by_slug["digital"].missing
