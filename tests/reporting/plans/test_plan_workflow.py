"""An officer's update on a recommendation they own, through the real pages: draft → submitted →
returned with a comment → submitted → approved, and the next committee report shows it."""
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from objectives.models import Action
from reporting.models import ActionUpdate, PlanUpdate
from reporting.plans.selectors import plan_status_counts
from reporting.plans import services
from tests.reporting.plan_helpers import main_text, squash, tables_of, update_post

PLAN = "employment"
NEW_ROUND = {"title": "Action Plan for Employment – update at June 2018", "slug": "2018-06", "as_at": "30 June 2018",
             "committee": "", "meeting_date": ""}


def url(name, *args):
    return reverse(name, args=[PLAN, *args])


@pytest.fixture
def june_round(client_for):
    """The coordinator starts the June 2018 round through the page."""
    response = client_for("coordinator").post(url("plan-update-new"), NEW_ROUND)
    assert response.status_code == 302
    assert response["Location"] == url("plan-update-progress", "2018-06")
    return PlanUpdate.objects.get(plan__slug=PLAN, slug="2018-06")


def test_a_new_round_carries_the_cover_forward_from_the_previous_report(june_round):
    december = PlanUpdate.objects.get(plan__slug=PLAN, slug="2017-12")
    assert june_round.as_at.isoformat() == "2018-06-30"
    for field in ["summary", "recommendations", "reasons", "core_cleaner_greener", "consultations_internal",
                  "contact_officer", "contact_email", "background_papers", "introduction", "committee"]:
        assert getattr(june_round, field) == getattr(december, field), field
    assert june_round.summary.startswith("1. Cabinet approved on 5th December 2013")
    assert june_round.action_updates.count() == 0


def test_coordinator_edits_the_cover_of_one_report_only(client_for, june_round):
    client = client_for("coordinator")
    page = client.get(url("plan-report-cover", "2018-06"))
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(as_at="30 June 2018", meeting_date="", summary="A new summary for June.", version=june_round.version)
    response = client.post(url("plan-report-cover", "2018-06"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    june_round.refresh_from_db()
    assert june_round.summary == "A new summary for June."
    assert june_round.contact_officer == "Claire Maguire"
    assert PlanUpdate.objects.get(plan__slug=PLAN, slug="2017-12").summary.startswith("1. Cabinet approved")
    assert "A new summary for June." in main_text(client_for("cabinet").get(june_round.get_absolute_url()))


def test_a_stale_cover_edit_is_refused_and_changes_nothing(client_for, june_round):
    client = client_for("coordinator")
    data = {k: v for k, v in client.get(url("plan-report-cover", "2018-06")).context["form"].initial.items() if v is not None}
    data.update(as_at="30 June 2018", meeting_date="")
    first = client.post(url("plan-report-cover", "2018-06"), {**data, "summary": "First", "version": june_round.version})
    assert first.status_code == 302
    second = client.post(url("plan-report-cover", "2018-06"), {**data, "summary": "Second", "version": june_round.version})
    assert second.status_code == 200
    assert "Someone else changed this report while you had it open" in second.content.decode()
    assert "There is a problem" in second.content.decode()
    june_round.refresh_from_db()
    assert june_round.summary == "First"


def test_only_the_economy_cell_starts_rounds_and_edits_covers(client_for, june_round):
    for username in ["officer", "approver", "cabinet", "scrutiny"]:
        client = client_for(username)
        assert client.get(url("plan-update-new")).status_code == 403
        assert client.post(url("plan-update-new"), {**NEW_ROUND, "slug": "2018-09"}).status_code == 403
        assert client.get(url("plan-report-cover", "2018-06")).status_code == 403
    assert not PlanUpdate.objects.filter(slug="2018-09").exists()


def test_a_round_name_that_is_taken_gets_a_clear_message(client_for, june_round):
    response = client_for("coordinator").post(url("plan-update-new"), NEW_ROUND)
    assert response.status_code == 200
    assert "This plan already has an update round called 2018-06" in response.content.decode()
    assert PlanUpdate.objects.filter(plan__slug=PLAN).count() == 2


def test_officer_sees_which_recommendations_they_may_update(client_for, june_round):
    page = client_for("officer").get(url("plan-update-progress", "2018-06"))
    html = page.content.decode()
    start = url("action-update-new", "2018-06")
    assert f"{start}?recommendation=3" in html and f"{start}?recommendation=14" in html
    assert f"{start}?recommendation=5" not in html
    assert f"{start}?recommendation=3" not in client_for("officer2").get(url("plan-update-progress", "2018-06")).content.decode()


def test_officer_update_goes_through_the_workflow_and_the_next_report_shows_it(client_for, june_round):
    officer, approver, cabinet = client_for("officer"), client_for("approver"), client_for("cabinet")
    narrative = "InvestSefton engaged more businesses this half-year.\n\n- A new start-up programme began"
    figures = [
        {"label": "Businesses engaged", "qualifier": "over", "value": "1,650", "unit": "businesses",
         "period_covered": "January to June 2018"},
        {"label": "Referrals by type", "value": "30", "unit": "referrals", "breakdown": [("Start up", "20"), ("Premises", "10")]},
        {"label": "Private sector investment generated", "value": "£12,000,000", "unit": "£"},
    ]
    # Draft.
    response = officer.post(url("action-update-new", "2018-06"),
                            update_post(narrative=narrative, status="on_track", figures=figures, recommendation=14))
    assert response.status_code == 302, main_text(response)
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=14)
    assert response["Location"] == url("action-update", "2018-06", 14)
    assert au.state == "draft" and au.updated_by.username == "officer"
    assert [(f.label, f.qualifier, f.value) for f in au.figures.all()] == [
        ("Businesses engaged", "over", 1650), ("Referrals by type", "", 30), ("Private sector investment generated", "", 12000000)]
    assert [(b.label, b.value) for b in au.figures.get(order=2).breakdown.all()] == [("Start up", 20), ("Premises", 10)]

    report_url = june_round.get_absolute_url()

    def reader_sees_it():
        text = main_text(cabinet.get(report_url))
        assert cabinet.get(report_url + "report.docx").status_code == 200
        return "InvestSefton engaged more businesses this half-year." in text

    assert not reader_sees_it()
    assert cabinet.get(url("action-update", "2018-06", 14)).status_code == 403

    # Submitted.
    response = officer.post(url("action-update-submit", "2018-06", 14), {"version": au.version})
    assert response.status_code == 302
    au.refresh_from_db()
    assert au.state == "submitted" and au.submitted_at is not None
    assert not reader_sees_it()
    locked = officer.get(url("action-update-edit", "2018-06", 14), follow=True)  # locked while submitted: says so
    assert "The update on recommendation (14) is submitted, so it cannot be changed." in main_text(locked)

    # Returned with a comment.
    assert officer.post(url("action-update-approve", "2018-06", 14), {"version": au.version}).status_code == 403
    response = approver.post(url("action-update-send-back", "2018-06", 14),
                             {"version": au.version, "comment": "Say which programme the start-ups came through."})
    assert response.status_code == 302
    au.refresh_from_db()
    assert au.state == "returned" and au.return_comment == "Say which programme the start-ups came through."
    detail = officer.get(url("action-update", "2018-06", 14))
    assert "Say which programme the start-ups came through." in main_text(detail)
    assert not reader_sees_it()

    # Edited and submitted again.
    response = officer.post(url("action-update-edit", "2018-06", 14), update_post(
        narrative=narrative.replace("began", "began through the Business Growth Programme"), status="on_track",
        figures=figures, version=au.version))
    assert response.status_code == 302, main_text(response)
    au.refresh_from_db()
    assert "Business Growth Programme" in au.narrative and au.state == "returned"
    assert officer.post(url("action-update-submit", "2018-06", 14), {"version": au.version}).status_code == 302

    # Approved: in the next report, for readers too, as written; its figures as tables on its own page.
    au.refresh_from_db()
    response = approver.post(url("action-update-approve", "2018-06", 14), {"version": au.version})
    assert response.status_code == 302
    au.refresh_from_db()
    assert au.state == "approved" and au.approved_by.username == "approver"
    assert reader_sees_it()
    page = cabinet.get(report_url)
    text = squash(main_text(page))
    assert squash(Action.objects.get(plan__slug=PLAN, number=14).wording) in text
    assert squash("A new start-up programme began through the Business Growth Programme") in text
    assert tables_of(page) == []
    tables = {t["caption"]: t["rows"] for t in tables_of(cabinet.get(url("action-update", "2018-06", 14)))}
    figures_table = tables["Output figures for recommendation (14)"]
    assert ["Businesses engaged", "over 1,650 businesses", "January to June 2018"] in figures_table
    assert ["Private sector investment generated", "£12m", ""] in figures_table
    assert tables["Referrals by type, by type (recommendation (14))"][1:] == [["Start up", "20"], ["Premises", "10"]]
    # The December 2017 report is unchanged.
    assert "InvestSefton engaged more businesses" not in main_text(cabinet.get(url("plan-report", "2017-12")))

    # Its status is now the recommendation's, on the plan page and the dashboard panel.
    assert Action.objects.get(plan__slug=PLAN, number=14).status == "on_track"
    employment = next(p for p in plan_status_counts() if p.slug == PLAN)
    assert employment.on_track_count == 1 and employment.superseded_count == 5

    # Approved updates cannot be changed.
    assert "is approved, so it cannot be changed" in main_text(officer.get(url("action-update-edit", "2018-06", 14), follow=True))
    refused = officer.post(url("action-update-submit", "2018-06", 14), {"version": au.version}, follow=True)
    assert refused.redirect_chain[-1][0] == url("action-update", "2018-06", 14)  # the update's page, saying why
    assert "is approved: only a draft or a returned update can be submitted" in main_text(refused)

    # History: who did what.
    entries = LogEntry.objects.get_for_object(au)
    assert {e.actor.username for e in entries if e.actor} == {"officer", "approver"}
    assert "Approved" in main_text(officer.get(url("action-update", "2018-06", 14)))


def test_officer_cannot_touch_a_recommendation_they_do_not_own(client_for, june_round, demo_users):
    coordinator = client_for("coordinator")
    coordinator.post(url("action-update-new", "2018-06"), update_post(narrative="Coordinator's draft", recommendation=5))
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=5)
    for username in ["officer", "officer2"]:
        client = client_for(username)
        assert client.get(url("action-update", "2018-06", 5)).status_code == 403
        assert client.get(url("action-update-edit", "2018-06", 5)).status_code == 403
        assert client.post(url("action-update-edit", "2018-06", 5),
                           update_post(narrative="Hijack", version=au.version)).status_code == 403
        assert client.post(url("action-update-submit", "2018-06", 5), {"version": au.version}).status_code == 403
    au.refresh_from_db()
    assert au.narrative == "Coordinator's draft" and au.state == "draft"
    with pytest.raises(PermissionDenied):
        services.save_action_update(action_update=au, by=demo_users["officer"], version=au.version, narrative="x")


def test_a_stale_update_edit_is_refused_and_changes_nothing(client_for, june_round):
    officer = client_for("officer")
    officer.post(url("action-update-new", "2018-06"), update_post(narrative="First draft", recommendation=3))
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=3)
    opened_at = au.version
    assert officer.post(url("action-update-edit", "2018-06", 3),
                        update_post(narrative="Saved in another tab", version=opened_at)).status_code == 302
    response = officer.post(url("action-update-edit", "2018-06", 3),
                            update_post(narrative="Stale", version=opened_at,
                                        figures=[{"label": "Jobs", "value": "5", "unit": "jobs"}]))
    assert response.status_code == 200
    assert "Someone else changed this update while you had it open" in response.content.decode()
    au.refresh_from_db()
    assert au.narrative == "Saved in another tab" and au.figures.count() == 0


def test_a_submission_needs_a_narrative(client_for, june_round):
    officer = client_for("officer")
    officer.post(url("action-update-new", "2018-06"), update_post(narrative="", recommendation=3))
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=3)
    response = officer.post(url("action-update-submit", "2018-06", 3), {"version": au.version})
    assert response.status_code == 200
    assert "Write the progress narrative before you submit the update." in response.content.decode()
    au.refresh_from_db()
    assert au.state == "draft"


def test_sending_back_needs_a_comment(client_for, june_round):
    officer = client_for("officer")
    officer.post(url("action-update-new", "2018-06"), update_post(narrative="Ready", recommendation=3))
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=3)
    officer.post(url("action-update-submit", "2018-06", 3), {"version": au.version})
    au.refresh_from_db()
    response = client_for("approver").post(url("action-update-send-back", "2018-06", 3), {"version": au.version, "comment": " "})
    assert response.status_code == 200
    assert "Say what needs to change" in response.content.decode()
    au.refresh_from_db()
    assert au.state == "submitted" and au.return_comment == ""


def test_a_second_update_on_the_same_recommendation_in_a_round_is_refused(client_for, june_round, demo_users):
    officer = client_for("officer")
    officer.post(url("action-update-new", "2018-06"), update_post(narrative="First", recommendation=3))
    action = Action.objects.get(plan__slug=PLAN, number=3)
    with pytest.raises(services.PlanError, match="already has an update in this round"):
        services.create_action_update(plan_update=june_round, action=action, by=demo_users["officer"], narrative="Second")
    assert ActionUpdate.objects.filter(plan_update=june_round, action=action).count() == 1


def test_a_second_click_on_approve_says_the_update_has_moved_on(client_for, june_round):
    officer, approver = client_for("officer"), client_for("approver")
    officer.post(url("action-update-new", "2018-06"), update_post(narrative="Ready", recommendation=3))
    au = ActionUpdate.objects.get(plan_update=june_round, action__number=3)
    officer.post(url("action-update-submit", "2018-06", 3), {"version": au.version})
    au.refresh_from_db()
    submitted_version = au.version
    assert approver.post(url("action-update-approve", "2018-06", 3), {"version": submitted_version}).status_code == 302
    again = approver.post(url("action-update-approve", "2018-06", 3), {"version": submitted_version}, follow=True)
    assert again.redirect_chain[-1][0] == url("action-update", "2018-06", 3)
    assert "The update on recommendation (3) has already been approved." in main_text(again)
    au.refresh_from_db()
    assert au.state == "approved" and au.version == submitted_version + 1
    # A reader learns nothing from posting: they may not see drafts, and may not approve.
    assert client_for("cabinet").post(url("action-update-approve", "2018-06", 3), {"version": 1}).status_code == 403
