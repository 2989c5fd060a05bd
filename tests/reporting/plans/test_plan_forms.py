"""Bad input to the action-plan forms gets a clear message beside the field and in the error
summary, never a 500, and changes nothing."""
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from objectives.models import Action
from reporting.models import ActionUpdate, FigureBreakdownItem, OutputFigure, PlanUpdate
from tests.reporting.plan_helpers import update_post

PLAN = "employment"


def url(name, *args):
    return reverse(name, args=[PLAN, *args])


def snapshot():
    """Everything a bad form might change."""
    return (
        list(ActionUpdate.objects.order_by("pk").values_list("pk", "narrative", "status", "state", "version")),
        list(OutputFigure.objects.order_by("pk").values_list("pk", "label", "qualifier", "value", "unit", "rising_to")),
        list(FigureBreakdownItem.objects.order_by("pk").values_list("pk", "label", "value")),
        list(PlanUpdate.objects.order_by("pk").values_list("pk", "slug", "summary", "version")),
        list(Action.objects.order_by("pk").values_list("pk", "status")),
        LogEntry.objects.count(),
    )


@pytest.fixture
def june(sefton, demo_users):
    """A June 2018 round with a draft update by the officer on (14), with one figure and a breakdown."""
    plan_update = PlanUpdate.objects.create(plan=PlanUpdate.objects.get(slug="2017-12").plan, slug="2018-06",
                                            title="June 2018", as_at="2018-06-30")
    au = ActionUpdate.objects.create(action=Action.objects.get(plan__slug=PLAN, number=14), plan_update=plan_update,
                                     narrative="Draft narrative", state="draft")
    fig = OutputFigure.objects.create(action_update=au, order=1, label="Referrals", value=None, unit="referrals")
    FigureBreakdownItem.objects.create(figure=fig, order=1, label="Start up", value=91)
    return plan_update, au


def assert_refused(response, message, before):
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html, "no error summary"
    assert html.count(message) >= 2, f"{message!r} should be beside the field and in the summary"
    assert snapshot() == before


def test_a_figure_that_is_not_a_number_is_refused(client_for, june):
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Jobs", "value": "lots", "unit": "jobs"}]))
    assert_refused(response, "Enter figure 1 as a number, like 1470 or 35000000", before)
    assert 'id="id_figures-0-value-error"' in response.content.decode()
    assert 'href="#id_figures-0-value"' in response.content.decode()


def test_a_figure_that_is_not_a_number_is_refused_when_editing(client_for, june):
    _, au = june
    before = snapshot()
    response = client_for("officer").post(url("action-update-edit", "2018-06", 14), update_post(
        narrative="Changed", version=au.version, figures=[{"label": "Jobs", "value": "1,470", "rising_to": "two thousand"}]))
    assert_refused(response, "Enter the “rising to” figure of figure 1 as a number", before)


def test_a_negative_figure_and_a_falling_rising_to_are_refused(client_for, june):
    before = snapshot()
    client = client_for("officer")
    response = client.post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Jobs", "value": "-5"}]))
    assert_refused(response, "Figure 1 cannot be negative", before)
    response = client.post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Kura jobs", "value": "400", "rising_to": "200"}]))
    assert_refused(response, "The “rising to” figure must be more than 400", before)


def test_a_breakdown_that_does_not_add_up_to_its_total_is_refused(client_for, june):
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3,
        figures=[{"label": "Referrals", "value": "200", "breakdown": [("MSIF loan finance", "25"), ("Start up", "91")]}]))
    assert_refused(response, "Figure 1: The breakdown adds up to 116, but the total is 200.", before)


def test_a_breakdown_above_a_nearly_total_or_below_a_more_than_total_is_refused(client_for, june):
    before = snapshot()
    client = client_for("officer")
    response = client.post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3,
        figures=[{"label": "Clients", "qualifier": "nearly", "value": "500", "breakdown": [("A", "300"), ("B", "250")]}]))
    assert_refused(response, "which is more than the total of 500", before)
    response = client.post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3,
        figures=[{"label": "Jobs", "qualifier": "more_than", "value": "300", "breakdown": [("A", "100"), ("B", "100")]}]))
    assert_refused(response, "which is not more than the total of 300", before)


def test_a_breakdown_that_adds_up_or_has_no_total_is_accepted(client_for, june):
    plan_update, _ = june
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3,
        figures=[{"label": "Referrals", "value": "116", "breakdown": [("MSIF loan finance", "25"), ("Start up", "91")]},
                 {"label": "By type only", "breakdown": [("New markets", "41")]}]))
    assert response.status_code == 302
    au = ActionUpdate.objects.get(plan_update=plan_update, action__number=3)
    assert [(f.label, f.value) for f in au.figures.all()] == [("Referrals", 116), ("By type only", None)]


def test_a_breakdown_row_without_a_number_is_refused(client_for, june):
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Referrals", "breakdown": [("Premises", "")]}]))
    assert_refused(response, "Enter the number for “Premises”", before)


@pytest.mark.parametrize("forged", ["5", "4", "99", "abc", "1; DROP TABLE", ""])
def test_a_forged_recommendation_is_refused(client_for, june, forged):
    """(5) is not the officer's, (4) no one has started but it is not theirs, 99 does not exist."""
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"),
                                          update_post(narrative="Forged", recommendation=forged))
    message = "Choose the recommendation this update is for" if forged == "" else (
        "Choose one of your recommendations that has no update in this round yet")
    assert_refused(response, message, before)


def test_a_recommendation_that_already_has_an_update_cannot_be_started_again(client_for, june):
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"),
                                          update_post(narrative="Again", recommendation=14))
    assert_refused(response, "Choose one of your recommendations that has no update in this round yet", before)


def test_owning_a_recommendation_of_another_plan_does_not_let_an_officer_choose_its_number_here(client_for, june, demo_users):
    Action.objects.get(plan__slug="ses-2023-24", number=2).owners.add(demo_users["officer"])
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"),
                                          update_post(narrative="Forged", recommendation=2))
    assert_refused(response, "Choose one of your recommendations that has no update in this round yet", before)


@pytest.mark.parametrize("tamper", [
    {"figures-TOTAL_FORMS": "abc"},
    {"figures-TOTAL_FORMS": "100000"},
    {"figures-0-breakdown-TOTAL_FORMS": "999999"},
    {"figures-0-breakdown-INITIAL_FORMS": None},
])
def test_a_damaged_form_is_refused_without_an_error_page(client_for, june, tamper):
    _, au = june
    data = update_post(narrative="Tampered", version=au.version, figures=[{"label": "Jobs", "value": "5"}])
    for key, value in tamper.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    before = snapshot()
    response = client_for("officer").post(url("action-update-edit", "2018-06", 14), data)
    assert response.status_code == 200
    assert "The form was damaged or is out of date" in response.content.decode()
    assert snapshot() == before


def test_a_forged_version_is_refused(client_for, june):
    _, au = june
    before = snapshot()
    client = client_for("officer")
    response = client.post(url("action-update-submit", "2018-06", 14), {"version": "not-a-number"})
    assert response.status_code == 200 and "The form was damaged or is out of date" in response.content.decode()
    response = client.post(url("action-update-submit", "2018-06", 14), {"version": au.version + 5})
    assert response.status_code == 200 and "Someone else changed this update" in response.content.decode()
    assert snapshot() == before


def test_removing_a_figure_with_a_bad_value_ignores_it(client_for, june):
    plan_update, au = june
    data = update_post(narrative="Removed", version=au.version,
                       figures=[{"label": "Referrals", "value": "junk", "remove": True, "breakdown": [("Start up", "91")]}])
    response = client_for("officer").post(url("action-update-edit", "2018-06", 14), data)
    assert response.status_code == 302
    au.refresh_from_db()
    assert au.narrative == "Removed" and au.figures.count() == 0


def test_start_round_form_explains_a_bad_address_and_date(client_for, june):
    before = snapshot()
    response = client_for("coordinator").post(url("plan-update-new"), {
        "title": "Next", "slug": "June 2018", "as_at": "31 June 2018", "committee": "", "meeting_date": "soon"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    for message in ["Enter the year and month as four digits, a hyphen and two digits, like 2018-06",
                    "Enter the date progress is reported up to as a real date, for example 31 5 2018",
                    "Enter the meeting date as a real date, for example 12 6 2018"]:
        assert html.count(message) == 2, message
    assert snapshot() == before


def test_cover_form_explains_a_bad_email_address(client_for, june):
    plan_update, _ = june
    before = snapshot()
    response = client_for("coordinator").post(url("plan-report-cover", "2018-06"), {
        "title": "June 2018", "as_at": "30 June 2018", "contact_email": "claire at sefton", "version": plan_update.version})
    html = response.content.decode()
    assert "Enter the email address in the right format, like name@sefton.gov.uk" in html
    assert "There is a problem" in html
    assert snapshot() == before


@pytest.mark.parametrize("typed, message", [
    # Issue 13: 99999999999999.99 was accepted and broke every page showing it on SQLite, before the permission check.
    ("99999999999999.99", "Figure 1 is too large: the largest it can be is 9,999,999,999,999.99"),
    ("1,2,3", "Figure 1: put commas only between thousands"),
    ("5%", "Figure 1: a % sign goes only with a percentage"),
    ("１２", "Figure 1: type the number with the digits 0 to 9"),
    ("12.345", "Give figure 1 to no more than 2 decimal places"),
])
def test_a_figure_the_database_cannot_hold_or_not_typed_as_a_number_is_refused(client_for, june, typed, message):
    before = snapshot()
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Jobs", "value": typed, "unit": "jobs"}]))
    assert_refused(response, message, before)


def test_the_largest_figure_is_saved_and_shown_exactly(client_for, june):
    plan_update, _ = june
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="New", recommendation=3, figures=[{"label": "Investment", "value": "£9,999,999,999,999.99", "unit": "£"}]))
    assert response.status_code == 302
    au = ActionUpdate.objects.get(plan_update=plan_update, action__number=3)
    assert au.figures.get().value == Decimal("9999999999999.99")
    for user in ("officer", "cabinet", "coordinator"):
        assert client_for(user).get(url("plan-report", "2018-06")).status_code == 200
