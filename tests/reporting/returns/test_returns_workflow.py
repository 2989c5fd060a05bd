"""The returns workflow in its services: each step guarded, completeness on submit, freezing at
approval, corrections as revisions, bulk approval all or nothing, periods opened and closed, and
every change in the history."""
import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from kpis.models import KPI, Measurement, Target
from kpis.services import rate_measurement
from objectives.models import Action, ReportingPeriod, SubStrand
from reporting.models import ActionUpdate, QuarterlyReturn, ReturnRevision
from reporting.access import visible_returns
from kpis.figures import rating_contexts
from reporting.returns.history import history_queryset, return_history
from reporting.returns import corrections, periods, services
from tests.reporting._returns_support import (  # noqa: F401
    HOUSING_COMPLETE, complete_changes, fast_password_hashing, fill, housing_return, return_url,
)


def period(slug="2023-24-q2"):
    return ReportingPeriod.objects.get(slug=slug)


def sub(slug="housing"):
    return SubStrand.objects.get(slug=slug)


def kpi(code):
    return KPI.objects.get(code=code)


# -- starting ---------------------------------------------------------------------------------

def test_a_new_return_starts_from_last_quarters_commentary(demo_users):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    q1 = QuarterlyReturn.objects.get(sub_strand=sub(), period=period("2023-24-q1"))
    assert ret.state == "draft" and ret.commentary == q1.commentary
    assert services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"]) == ret  # idempotent


def test_a_new_return_starts_from_last_quarters_action_narratives(demo_users):
    net_zero = sub("net-zero-low-carbon")
    q2 = services.start_return(sub_strand=net_zero, period=period(), by=demo_users["coordinator"])
    freight = Action.objects.get(plan__slug="ses-2023-24", number=1)
    assert q2.action_updates.count() == Action.objects.filter(sub_strand=net_zero).count()
    fill(q2, demo_users["coordinator"], {f"action-{freight.id}-narrative": "Phase 2 of State of Freight commissioned",
                                         f"action-{freight.id}-status": "on_track"})
    q2_period = period()
    q2_period.state = "closed"
    q2_period.save()
    q3 = period("2023-24-q3")
    q3.state = "open"
    q3.save()
    q3_return = services.start_return(sub_strand=net_zero, period=q3, by=demo_users["coordinator"])
    carried = q3_return.action_updates.get(action=freight)
    assert carried.narrative == "Phase 2 of State of Freight commissioned" and carried.status == "on_track"


def test_a_return_cannot_start_in_a_period_not_yet_open(demo_users):
    with pytest.raises(services.ReturnWorkflowError, match="2023/24 Q3 is not open for returns yet"):
        services.start_return(sub_strand=sub(), period=period("2023-24-q3"), by=demo_users["coordinator"])
    assert not QuarterlyReturn.objects.filter(period__slug="2023-24-q3").exists()


def test_opening_a_return_page_writes_nothing(client_for):
    before = QuarterlyReturn.objects.count(), LogEntry.objects.count()
    assert client_for("officer").get(return_url()).status_code == 200
    assert (QuarterlyReturn.objects.count(), LogEntry.objects.count()) == before


def test_a_kpi_left_empty_gets_no_measurement(demo_users):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    fill(ret, demo_users["officer"], {"commentary": "Only words so far"})
    assert not Measurement.objects.filter(period=period(), kpi__sub_strand=sub()).exists()


# -- submitting --------------------------------------------------------------------------------

def test_submit_lists_everything_missing(demo_users):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    ret = fill(ret, demo_users["officer"], {"commentary": ""})
    with pytest.raises(services.IncompleteReturnError) as refused:
        services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    problems = refused.value.problems
    assert problems["overall_rag"] == "Choose the overall status: Red, Amber or Green"
    assert problems["commentary"] == "Write a commentary on progress"
    assert problems[f"kpi-{kpi('HOU-01').id}-value"] == "HOU-01: enter a value, or tick “not yet available”"
    assert problems[f"kpi-{kpi('HOU-02').id}-value"] == "HOU-02: enter a value, or tick “not yet available”"
    assert QuarterlyReturn.objects.get(pk=ret.pk).state == "draft"


def test_not_yet_available_counts_as_a_figure_but_missing_does_not(demo_users):
    ret = housing_return(demo_users, "draft")
    ret = services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    assert ret.state == "submitted"
    assert Measurement.objects.get(kpi__code="HOU-01", period=period()).not_available


def test_a_kpi_the_rules_rate_red_needs_a_commentary_before_submit(demo_users):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    changes = complete_changes() | {f"kpi-{kpi('HOU-02').id}-value": "500", "overall_rag": "red"}
    ret = fill(ret, demo_users["officer"], changes)
    assert Measurement.objects.get(kpi__code="HOU-02", period=period()).rag_calculated == "red"  # 500 < 640 − 5 %
    with pytest.raises(services.IncompleteReturnError) as refused:
        services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    assert refused.value.problems == {
        f"kpi-{kpi('HOU-02').id}-commentary": "HOU-02 is rated Red by the rules: explain why in its commentary"
    }
    ret = fill(ret, demo_users["officer"], {f"kpi-{kpi('HOU-02').id}-commentary": "Two large schemes slipped to Q3"})
    assert services.submit_return(quarterly_return=ret, by=demo_users["officer"]).state == "submitted"


def test_an_overall_status_unlike_the_kpi_mix_needs_an_explanation(demo_users):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    changes = complete_changes() | {f"kpi-{kpi('HOU-02').id}-value": "500",
                                    f"kpi-{kpi('HOU-02').id}-commentary": "Two schemes slipped"}
    ret = fill(ret, demo_users["officer"], changes)  # overall Green, but the one rated KPI is Red
    with pytest.raises(services.IncompleteReturnError) as refused:
        services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    assert refused.value.problems == {
        "rag_explanation": "The KPIs suggest Red but the overall status is Green: explain the difference"
    }
    ret = fill(ret, demo_users["officer"], {"rag_explanation": "The pipeline for the year is strong"})
    assert services.submit_return(quarterly_return=ret, by=demo_users["officer"]).state == "submitted"


def test_the_submit_button_shows_what_is_missing_beside_each_field_and_saves_nothing(demo_users, client_for):
    ret = services.start_return(sub_strand=sub(), period=period(), by=demo_users["officer"])
    officer = client_for("officer")
    from tests.reporting._returns_support import form_fields

    data = form_fields(officer.get(return_url()).content)
    data.update({"commentary": "Typed, then Submit pressed", "intent": "submit"})
    response = officer.post(return_url(), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "The return is not ready to submit, and nothing has been saved" in text
    assert f'id="id_kpi-{kpi("HOU-02").id}-value-error"' in text
    assert "Typed, then Submit pressed" in text
    assert QuarterlyReturn.objects.get(pk=ret.pk).commentary != "Typed, then Submit pressed"


def test_action_updates_are_saved_and_follow_the_return(demo_users):
    net_zero = sub("net-zero-low-carbon")
    ret = services.start_return(sub_strand=net_zero, period=period(), by=demo_users["coordinator"])
    action = Action.objects.get(plan__slug="ses-2023-24", number=4)
    ret = fill(ret, demo_users["coordinator"], {
        "overall_rag": "green", "commentary": "Net Zero progress",
        f"kpi-{kpi('NZC-01').id}-milestone_status": "not_started",
        f"action-{action.id}-narrative": "Mersey Tidal phase 3 under way", f"action-{action.id}-status": "on_track",
    })
    update = ActionUpdate.objects.get(quarterly_return=ret, action=action)
    assert update.narrative == "Mersey Tidal phase 3 under way" and update.state == "draft"
    services.submit_return(quarterly_return=ret, by=demo_users["coordinator"])
    update.refresh_from_db()
    assert update.state == "submitted"


# -- the workflow's guards ---------------------------------------------------------------------

@pytest.mark.parametrize("state, step", [
    ("draft", "approve"), ("draft", "send_back"), ("draft", "reopen"),
    ("submitted", "submit"), ("submitted", "reopen"),
    ("approved", "submit"), ("approved", "approve"), ("approved", "send_back"),
    ("returned", "approve"), ("returned", "reopen"),
])
def test_a_step_not_allowed_from_the_state_is_refused_clearly(demo_users, state, step):
    ret = housing_return(demo_users, state)
    call = {
        "submit": lambda: services.submit_return(quarterly_return=ret, by=demo_users["officer"]),
        "approve": lambda: services.approve_return(quarterly_return=ret, by=demo_users["approver"]),
        "send_back": lambda: services.send_back_return(quarterly_return=ret, by=demo_users["approver"], comment="x"),
        "reopen": lambda: corrections.reopen_return(quarterly_return=ret, by=demo_users["approver"], reason="x"),
    }[step]
    with pytest.raises(services.ReturnWorkflowError) as refused:
        call()
    if state == {"submit": "submitted", "approve": "approved"}.get(step):  # a second click, or someone else first
        assert f"has already been {state}" in str(refused.value)
    else:
        assert f"is {QuarterlyReturn.objects.get(pk=ret.pk).get_state_display().lower()}" in str(refused.value)
    assert QuarterlyReturn.objects.get(pk=ret.pk).state == state


def test_an_approved_return_cannot_be_saved(demo_users):
    ret = housing_return(demo_users, "approved")
    with pytest.raises(services.ReturnWorkflowError, match="approved, so it cannot be changed"):
        fill(ret, demo_users["coordinator"], {"commentary": "sneaky"})
    assert QuarterlyReturn.objects.get(pk=ret.pk).commentary == HOUSING_COMPLETE


def test_sending_back_keeps_the_comment_for_the_officer(demo_users):
    ret = housing_return(demo_users, "returned")
    assert ret.state == "returned" and ret.return_comment == "Say more about 2023/24"
    ret = fill(ret, demo_users["officer"], {"commentary": "More about 2023/24"})
    assert services.submit_return(quarterly_return=ret, by=demo_users["officer"]).state == "submitted"


# -- approval freezes the quarter --------------------------------------------------------------

def test_approval_freezes_rag_target_and_tolerance_so_a_later_target_never_rerates(demo_users):
    ret = housing_return(demo_users, "approved")
    m = Measurement.objects.get(kpi__code="HOU-02", period=period())
    assert (m.frozen_target, m.frozen_target_kind, m.frozen_tolerance, m.frozen_rag) == (
        Decimal("640"), "local_plan", Decimal("5"), "green")
    target = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    target.value = 1000
    target.save()
    m.refresh_from_db()
    rate_measurement(m)
    assert m.rag == "green" and m.frozen_target == 640
    assert ret.approved_by == demo_users["approver"]


def test_approval_in_a_published_period_publishes(demo_users):
    ret = housing_return(demo_users, "submitted")
    p = period()
    p.state = "published"
    p.save()
    assert services.approve_return(quarterly_return=ret, by=demo_users["approver"]).state == "published"


def test_readers_see_a_return_only_once_approved(demo_users):
    ret = housing_return(demo_users, "submitted")
    assert ret not in visible_returns(demo_users["cabinet"])
    services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    assert ret in visible_returns(demo_users["cabinet"])


# -- corrections are revisions ----------------------------------------------------------------

def test_reopening_keeps_the_approved_revision_and_unfreezes(demo_users, client_for):
    ret = housing_return(demo_users, "approved")
    ret = corrections.reopen_return(quarterly_return=ret, by=demo_users["coordinator"], reason="HOU-02 was 565, not 655")
    assert (ret.state, ret.revision) == ("draft", 2)
    revision = ReturnRevision.objects.get(quarterly_return=ret)
    assert revision.number == 1 and revision.reason == "HOU-02 was 565, not 655"
    assert revision.snapshot["commentary"] == HOUSING_COMPLETE and revision.snapshot["overall_rag"] == "green"
    hou02 = next(m for m in revision.snapshot["measurements"] if m["kpi"] == "HOU-02")
    assert (hou02["value"], hou02["rag"], hou02["target"]) == ("655", "green", "640")
    assert revision.approved_by == demo_users["approver"] and revision.reopened_by == demo_users["coordinator"]
    assert not Measurement.objects.get(kpi__code="HOU-02", period=period()).is_frozen
    assert ret not in visible_returns(demo_users["cabinet"])  # the correction is a draft again

    # The officer corrects it (a reopened return is editable even in a closed period) and it is approved again.
    p = period()
    p.state = "closed"
    p.save()
    officer_page = client_for("officer").get(return_url())
    assert b"Revision 1" in officer_page.content and b"HOU-02 was 565, not 655" in officer_page.content
    ret = fill(ret, demo_users["officer"], {f"kpi-{kpi('HOU-02').id}-value": "565", "overall_rag": "red",
                                            f"kpi-{kpi('HOU-02').id}-commentary": "Corrected figure"})
    ret = services.submit_return(quarterly_return=ret, by=demo_users["officer"])
    ret = services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    assert Measurement.objects.get(kpi__code="HOU-02", period=period()).frozen_rag == "red"
    reopened_again = corrections.reopen_return(quarterly_return=ret, by=demo_users["approver"], reason="Again")
    assert reopened_again.revision == 3
    assert list(ReturnRevision.objects.filter(quarterly_return=ret).values_list("number", flat=True)) == [1, 2]


# -- bulk approval -----------------------------------------------------------------------------

def test_several_returns_approved_at_once(demo_users, client_for):
    housing = housing_return(demo_users, "submitted")
    tourism = services.start_return(sub_strand=sub("tourism"), period=period(), by=demo_users["coordinator"])
    tourism = fill(tourism, demo_users["coordinator"], {
        "overall_rag": "green", "commentary": "Tourism Q2",
        **{f"kpi-{k.id}-{'milestone_status' if k.is_milestone else 'not_available'}": "not_started" if k.is_milestone else "on"
           for k in KPI.objects.filter(sub_strand__slug="tourism")},
    }, submit=True)
    approver = client_for("approver")
    response = approver.post(reverse("review-approve"), {
        "returns": [housing.pk, tourism.pk], f"version-{housing.pk}": housing.version, f"version-{tourism.pk}": tourism.version,
    })
    assert response.status_code == 302
    assert set(QuarterlyReturn.objects.filter(pk__in=[housing.pk, tourism.pk]).values_list("state", flat=True)) == {"approved"}
    assert "2 returns approved." in approver.get(reverse("review-queue")).content.decode()


def test_bulk_approval_is_all_or_nothing(demo_users):
    housing = housing_return(demo_users, "submitted")
    draft = services.start_return(sub_strand=sub("planning"), period=period(), by=demo_users["officer"])
    with pytest.raises(services.ReturnWorkflowError, match="Planning"):
        services.approve_returns(returns=[housing, draft], by=demo_users["approver"])
    assert QuarterlyReturn.objects.get(pk=housing.pk).state == "submitted"
    assert not Measurement.objects.get(kpi__code="HOU-02", period=period()).is_frozen


def test_bulk_approval_refuses_a_queue_that_changed_since_it_was_read(demo_users, client_for):
    housing = housing_return(demo_users, "submitted")
    approver = client_for("approver")
    response = approver.post(reverse("review-approve"), {"returns": [housing.pk], f"version-{housing.pk}": housing.version - 1})
    assert response.status_code == 200  # the queue again, the refusal in its error summary
    assert QuarterlyReturn.objects.get(pk=housing.pk).state == "submitted"
    summary = response.content.decode().split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "has changed since you opened the queue" in summary


# -- periods -----------------------------------------------------------------------------------

def test_periods_open_one_at_a_time_and_close(demo_users):
    q2, q3 = period(), period("2023-24-q3")
    with pytest.raises(services.ReturnWorkflowError, match="Close 2023/24 Q2 before opening 2023/24 Q3"):
        periods.open_period(period=q3, by=demo_users["coordinator"])
    periods.close_period(period=q2, by=demo_users["coordinator"])
    q3 = periods.open_period(period=q3, by=demo_users["coordinator"], dashboard_deadline=datetime.date(2023, 12, 1))
    assert (q3.state, q3.dashboard_deadline) == ("open", datetime.date(2023, 12, 1))
    assert period().state == "closed"
    with pytest.raises(services.ReturnWorkflowError, match="is already closed"):
        periods.close_period(period=period(), by=demo_users["coordinator"])
    with pytest.raises(services.ReturnWorkflowError, match="is published"):
        periods.open_period(period=period("2023-24-q1"), by=demo_users["coordinator"])


def test_a_deadline_before_the_quarter_starts_is_refused(demo_users):
    periods.close_period(period=period(), by=demo_users["coordinator"])
    with pytest.raises(services.ReturnWorkflowError, match="on or after the start of the quarter"):
        periods.open_period(period=period("2023-24-q3"), by=demo_users["coordinator"],
                             dashboard_deadline=datetime.date(2023, 1, 1))
    assert period("2023-24-q3").state == "not_open"


# -- history -----------------------------------------------------------------------------------

def test_every_change_is_in_the_history_with_who_and_old_and_new_values(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    hou02 = kpi("HOU-02")
    fill(ret, demo_users["coordinator"], {"commentary": "Rewritten by the Economy Cell", f"kpi-{hou02.id}-value": "660"})
    entries = return_history(ret)
    changes = [(e.who, e.what, c.field, c.old, c.new) for e in entries for c in e.changes]
    assert ("Cara Coordinator", "Return", "Commentary", HOUSING_COMPLETE, "Rewritten by the Economy Cell") in changes
    assert ("Cara Coordinator", "HOU-02", "Value", "655", "660") in changes
    assert any(who == "Olivia Officer" and field == "Value" and new == "655" for who, _, field, _, new in changes)
    page = client_for("officer").get(return_url()).content.decode()
    assert "Rewritten by the Economy Cell" in page.split('id="history"')[1]
    assert LogEntry.objects.get_for_object(ret).filter(actor=demo_users["coordinator"]).exists()


def test_the_history_is_read_in_one_query(demo_users, django_assert_num_queries):
    ret = housing_return(demo_users, "approved")
    queryset = history_queryset(ret)
    with django_assert_num_queries(1):
        entries = [(log.actor, log.content_type.model) for log in queryset]
    assert len(entries) > 5


# -- the rules' RAG as the page shows it --------------------------------------------------------

def test_the_pages_rating_context_agrees_with_the_rating_service(demo_users):
    """The live RAG (and the targets the page shows) use the same bars as kpis.services.rate_measurement."""
    ret = housing_return(demo_users, "draft")
    for code, value in [("HOU-02", "600"), ("HOU-02", "700"), ("HOU-02", "620")]:
        fill(QuarterlyReturn.objects.get(pk=ret.pk), demo_users["officer"], {f"kpi-{kpi(code).id}-value": value})
        m = Measurement.objects.get(kpi__code=code, period=period())
        context = rating_contexts([m.kpi], period(), {m.kpi_id: m})[m.kpi_id]
        from kpis.rag import compare_to_bar

        assert compare_to_bar(m.value, context.bar, m.kpi.direction, context.tolerance) == m.rag_calculated
    kpis = list(KPI.objects.filter(is_active=True))
    contexts = rating_contexts(kpis, period(), {})
    assert contexts[kpi("HOU-02").id].bar == 640
    assert contexts[kpi("PLA-02").id].bar is None  # no target, no earlier figure


def test_the_rating_contexts_of_kpis_that_all_have_targets_are_read_in_one_query(demo_users, django_assert_num_queries):
    """Last year's figures are the bar only of a KPI with no target: with a target each, they are not read."""
    housing_return(demo_users, "draft")
    targeted = [k for k in KPI.objects.filter(is_active=True)
                if Target.objects.filter(kpi=k, financial_year=2023, is_primary=True, value__isnull=False).exists()]
    assert [k.code for k in targeted] == ["HOU-02"]
    q2 = period()
    with django_assert_num_queries(1):
        contexts = rating_contexts(targeted, q2, {})
    assert contexts[kpi("HOU-02").id].bar == 640 and all(c.target is not None for c in contexts.values())
