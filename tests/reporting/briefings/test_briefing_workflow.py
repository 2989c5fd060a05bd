"""Editing the briefing's text (coordinator) and issuing it (approver), which publishes the period."""
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.models import ActionUpdate, Briefing, QuarterlyReturn
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import BriefingError, StaleBriefing, issue_briefing, update_briefing

EDIT = reverse("briefing-edit", args=["2023-24-q2"])
ISSUE = reverse("briefing-issue", args=["2023-24-q2"])


def form_data(**overrides):
    data = {"title": "Quarter 2 progress", "purpose": "To update Cabinet Member on Q2.",
            "recommendations": "That Cabinet Member notes progress.", "background": "Background.",
            "governance": "Before.\n\nAfter.", "progress_introduction": "Intro.", "version": "0"}
    data.update(overrides)
    return data


@pytest.fixture
def q2(sefton):
    return ReportingPeriod.objects.get(slug="2023-24-q2")


@pytest.fixture
def q2_returns(q2):
    """Housing and Tourism approved, Digital a draft, for the open quarter."""
    subs = {s.slug: s for s in SubStrand.objects.all()}
    made = {}
    for slug, state in [("housing", "approved"), ("tourism", "approved"), ("digital", "draft")]:
        made[slug] = QuarterlyReturn.objects.create(sub_strand=subs[slug], period=q2, state=state, overall_rag="green",
                                                    commentary=f"{slug} in Q2")
    return made


def snapshot():
    return (
        list(Briefing.objects.order_by("id").values()),
        list(QuarterlyReturn.objects.order_by("id").values("id", "state", "version")),
        list(ReportingPeriod.objects.order_by("id").values("id", "state", "version")),
    )


# -- editing ------------------------------------------------------------------------------------


def test_the_coordinator_starts_from_last_quarters_text_and_saves(client_for, q2):
    client = client_for("coordinator")
    page = client.get(EDIT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sefton Economic Strategy Action Plan 2023/24 – Quarter 2 progress" in html  # carried forward
    assert 'name="version" value="0"' in html
    response = client.post(EDIT, form_data())
    assert response.status_code == 302 and response["Location"] == reverse("briefing", args=["2023-24-q2"])
    saved = Briefing.objects.get(period=q2)
    assert (saved.purpose, saved.version, saved.state) == ("To update Cabinet Member on Q2.", 1, "draft")
    followed = client.get(response["Location"])
    assert "The briefing for 2023/24 Q2 has been saved." in followed.content.decode()
    client.post(EDIT, form_data(purpose="Second save", version="1"))
    saved.refresh_from_db()
    assert (saved.purpose, saved.version) == ("Second save", 2)
    assert LogEntry.objects.get_for_object(saved).count() >= 2  # history through save()


def test_the_coordinator_chooses_whether_the_note_has_what_changed_and_the_kpi_appendix(client_for, q2, q2_returns):
    client = client_for("coordinator")
    html = client.get(EDIT).content.decode()
    assert 'name="include_what_changed"' in html and 'name="include_kpi_appendix"' in html
    page = reverse("briefing", args=["2023-24-q2"])
    assert client.post(EDIT, form_data()).status_code == 302
    assert "What changed since" not in client.get(page).content.decode()
    assert client.post(EDIT, form_data(version="1", include_what_changed="on")).status_code == 302
    saved = Briefing.objects.get(period=q2)
    assert saved.include_what_changed and not saved.include_kpi_appendix
    html = client.get(page).content.decode()
    assert "7. What changed since 2023/24 Q1" in html
    assert html.index("6. Quarter 2 July–September 2023 performance summary") < html.index("7. What changed since")
    # The next quarter's briefing starts with the same choice.
    assert briefing_for(ReportingPeriod.objects.get(slug="2023-24-q3")).include_what_changed


def test_a_stale_edit_is_refused_and_what_was_typed_stays_on_the_page(client_for, q2):
    first, second = client_for("coordinator"), client_for("admin")
    first.post(EDIT, form_data(purpose="The first editor's purpose"))
    before = snapshot()
    response = second.post(EDIT, form_data(purpose="The second editor's purpose", version="0"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Someone else saved this briefing after you opened it" in html
    assert "The second editor&#x27;s purpose" in html  # still in the form
    assert "The first editor&#x27;s purpose" in html  # theirs, shown to compare
    assert snapshot() == before
    assert 'name="version" value="1"' in html  # saving again now replaces theirs deliberately
    second.post(EDIT, form_data(purpose="The second editor's purpose", version="1"))
    assert Briefing.objects.get(period=q2).purpose == "The second editor's purpose"


@pytest.mark.parametrize("overrides, message", [
    ({"purpose": "   "}, "Enter the purpose of the briefing note"),
    ({"recommendations": ""}, "Enter the recommendations"),
    ({"background": "x" * 1_000_000}, "3. Background must be 20,000 characters or fewer"),
    ({"title": "t" * 301}, "Title must be 300 characters or fewer"),
    ({"version": "abc"}, "The form is missing its version: open the briefing again."),
    ({"version": ""}, "The form is missing its version: open the briefing again."),
    ({"version": "-4"}, "The form is missing its version: open the briefing again."),
])
def test_bad_input_gets_a_clear_message_and_changes_nothing(client_for, q2, overrides, message):
    before = snapshot()
    response = client_for("coordinator").post(EDIT, form_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert snapshot() == before


def test_a_wrong_version_number_is_treated_as_stale(client_for, q2):
    before = snapshot()
    response = client_for("coordinator").post(EDIT, form_data(version="7"))
    assert "Someone else saved this briefing" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("username", ["officer", "approver", "cabinet", "scrutiny"])
def test_only_the_economy_cell_edits_the_briefing(client_for, q2, username):
    client = client_for(username)
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, form_data()).status_code == 403
    assert not Briefing.objects.filter(period=q2).exists()


def test_an_issued_briefing_can_no_longer_be_edited(client_for, demo_users):
    q1 = Briefing.objects.get(period__slug="2023-24-q1")
    refused = client_for("coordinator").get(reverse("briefing-edit", args=["2023-24-q1"]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("briefing", args=["2023-24-q1"])  # the briefing, saying why
    assert "has been issued, so its text can no longer be changed" in refused.content.decode()
    with pytest.raises(BriefingError, match="has been issued, so its text can no longer be changed"):
        update_briefing(briefing=q1, by=demo_users["coordinator"], data={"purpose": "x"}, expected_version=q1.version)


def test_two_first_saves_of_a_new_briefing_cannot_both_win(q2, demo_users):
    a, b = briefing_for(q2), briefing_for(q2)
    update_briefing(briefing=a, by=demo_users["coordinator"], data={"purpose": "A"}, expected_version=0)
    with pytest.raises(StaleBriefing):
        update_briefing(briefing=b, by=demo_users["coordinator"], data={"purpose": "B"}, expected_version=0)
    assert Briefing.objects.get(period=q2).purpose == "A"


# -- issuing ------------------------------------------------------------------------------------


def test_issuing_publishes_the_period_and_every_approved_return(q2, q2_returns, demo_users):
    briefing = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    housing = q2_returns["housing"]
    update = ActionUpdate.objects.create(action=SubStrand.objects.get(slug="net-zero-low-carbon").actions.first(),
                                         quarterly_return=housing, state="approved", narrative="Done")
    issued = issue_briefing(briefing=briefing, by=demo_users["approver"])
    assert issued.state == "issued" and issued.issued_by == demo_users["approver"] and issued.issued_at
    q2.refresh_from_db()
    assert q2.state == "published"
    states = {slug: QuarterlyReturn.objects.get(pk=r.pk).state for slug, r in q2_returns.items()}
    assert states == {"housing": "published", "tourism": "published", "digital": "draft"}
    update.refresh_from_db()
    assert update.state == "published"
    entry = LogEntry.objects.get_for_object(QuarterlyReturn.objects.get(pk=housing.pk)).order_by("-timestamp").first()
    assert "published" in str(entry.changes)  # saved through save(), so history has it


def test_issuing_twice_is_refused(q2, q2_returns, demo_users):
    briefing = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    issue_briefing(briefing=briefing, by=demo_users["approver"])
    with pytest.raises(BriefingError, match="already been issued"):  # the rule: only a draft briefing is issued
        issue_briefing(briefing=Briefing.objects.get(pk=briefing.pk), by=demo_users["approver"])
    with pytest.raises(BriefingError, match="already been issued"):
        issue_briefing(briefing=briefing, by=demo_users["approver"])  # a stale copy still says draft


def test_issuing_is_refused_while_a_return_waits_for_approval(q2, q2_returns, demo_users):
    briefing = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="planning"), period=q2, state="submitted",
                                   overall_rag="red")
    before = snapshot()
    with pytest.raises(BriefingError, match=r"1 return is waiting for approval \(Planning\)"):
        issue_briefing(briefing=briefing, by=demo_users["approver"])
    assert snapshot() == before


def test_issuing_is_refused_with_nothing_approved(q2, demo_users):
    briefing = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    with pytest.raises(BriefingError, match="has been approved yet"):
        issue_briefing(briefing=briefing, by=demo_users["approver"])


def test_an_unsaved_briefing_cannot_be_issued(q2, q2_returns, demo_users):
    with pytest.raises(BriefingError, match="can be issued once the Economy Cell has saved its text"):
        issue_briefing(briefing=briefing_for(q2), by=demo_users["approver"])


@pytest.mark.parametrize("username", ["officer", "coordinator", "cabinet", "scrutiny"])
def test_only_the_approver_issues(client_for, q2, q2_returns, demo_users, username):
    update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    client = client_for(username)
    assert client.get(ISSUE).status_code == 403
    assert client.post(ISSUE, {"version": "1"}).status_code == 403
    assert Briefing.objects.get(period=q2).state == "draft"


def test_the_approver_issues_from_the_page_and_readers_then_see_it(client_for, q2, q2_returns, demo_users):
    update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    approver = client_for("approver")
    page = approver.get(ISSUE).content.decode()
    assert "Approved returns that will be published" in page and "Regenerated Places – Housing" in page
    assert "Issue the briefing and publish 2023/24 Q2" in page
    response = approver.post(ISSUE, {"version": "1"})
    assert response.status_code == 302
    reader_html = client_for("cabinet").get(reverse("briefing", args=["2023-24-q2"])).content.decode()
    assert "To update Cabinet Member on Q2." in reader_html and "housing in Q2" in reader_html
    assert "Issued" in reader_html


def test_the_issue_page_explains_a_refusal(client_for, q2, q2_returns, demo_users):
    update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], data=form_data(), expected_version=0)
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="planning"), period=q2, state="submitted",
                                   overall_rag="red")
    approver = client_for("approver")
    assert "cannot be issued while returns are waiting for approval" in approver.get(ISSUE).content.decode()
    response = approver.post(ISSUE, {"version": "1"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Briefing.objects.get(period=q2).state == "draft"
    bad = approver.post(ISSUE, {"version": "nonsense"})
    assert bad.status_code == 200 and "The form is missing its version" in bad.content.decode()
