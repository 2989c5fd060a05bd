"""Bad input on the return form and the workflow pages: each gets a clear message beside the field
and in the error summary, never a 500, and the database is left as it was."""
import html

import pytest
from django.urls import reverse

from kpis.models import KPI
from objectives.models import Action
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.models import QuarterlyReturn
from tests.reporting._returns_support import (  # noqa: F401
    database_state, fast_password_hashing, form_fields, housing_return, return_url,
)


@pytest.fixture
def draft(demo_users):
    return housing_return(demo_users, "draft")


@pytest.fixture
def officer(client_for):
    return client_for("officer")


def kpi_id(code):
    return KPI.objects.get(code=code).id


def post(client, ret, changes, intent="save", url=None):
    data = as_post_data(initial_form_data(ret))
    data.update(changes)
    data["intent"] = intent
    return client.post(url or return_url(), data)


def text_of(response):
    return html.unescape(response.content.decode())


def assert_refused(response, message, field_id=None, status=200):
    """The page comes back with the message in the error summary and (for a field) beside it."""
    assert response.status_code == status, response.status_code
    text = text_of(response)
    assert "There is a problem" in text
    summary = text.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert message in summary, f"{message!r} is not in the error summary"
    if field_id:
        assert f'href="#{field_id}"' in summary
        beside = text.split(f'id="{field_id.removesuffix("-day")}-error"')[1].split("</p>")[0]  # a date: its group
        assert message in beside, f"{message!r} is not beside the field"


@pytest.mark.parametrize("typed, message", [
    ("lots", "HOU-02: enter a number, like 640 or 12.5"),
    ("12,5,6.7.8", "HOU-02: enter a number, like 640 or 12.5"),
    ("NaN", "HOU-02: enter a number, like 640 or 12.5"),
    ("Infinity", "HOU-02: enter a number, like 640 or 12.5"),
    ("1e30", "HOU-02: enter a number, like 640 or 12.5"),
    ("99999999999999999", "HOU-02: the value is too large"),
    # The documented maximum once broke every page showing the return on SQLite (it did not read back):
    ("9999999999999.999", "HOU-02: the value is too large: the largest it can be is 999,999,999,999.999"),
    ("1234567890123.457", "HOU-02: the value is too large"),
    ("1,2,3", "HOU-02: put commas only between thousands, like 1,234,567, or leave them out"),
    ("12,34", "HOU-02: put commas only between thousands"),
    ("5%", "HOU-02: a % sign goes only with a percentage: enter the number on its own"),
    ("£5", "HOU-02: a £ sign goes only with an amount of money"),
    ("１２", "HOU-02: type the number with the digits 0 to 9"),
    ("²", "HOU-02: type the number with the digits 0 to 9"),
    ("٣", "HOU-02: type the number with the digits 0 to 9"),
    ("−5", "HOU-02: the value cannot be negative"),
    ("-5", "HOU-02: the value cannot be negative"),
    ("1.23456", "HOU-02: use no more than 3 decimal places"),
    # Too many decimals is said as such, however many digits (it used to be "too large"): issue 23.
    ("123.4567890123456", "HOU-02: use no more than 3 decimal places"),
    ("999999999999.9999", "HOU-02: use no more than 3 decimal places"),
    ("0.12345678901234567890", "HOU-02: use no more than 3 decimal places"),
    ("12,345.1234567890123", "HOU-02: use no more than 3 decimal places"),
    ("1000000000000.0001", "HOU-02: the value is too large"),  # both: too large comes first
])
def test_a_value_that_is_not_a_possible_number_is_refused(draft, officer, typed, message):
    before = database_state()
    response = post(officer, draft, {f"kpi-{kpi_id('HOU-02')}-value": typed})
    assert_refused(response, message, f"id_kpi-{kpi_id('HOU-02')}-value")
    assert database_state() == before
    assert typed in text_of(response)  # what they typed stays on the page


def test_a_percentage_above_100_is_refused(demo_users, officer):
    from objectives.models import ReportingPeriod, SubStrand
    from reporting.returns.services import start_return

    ret = start_return(sub_strand=SubStrand.objects.get(slug="planning"),
                       period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["officer"])
    before = database_state()
    pla04 = kpi_id("PLA-04")
    response = post(officer, ret, {f"kpi-{pla04}-value": "140"}, url=return_url(sub_slug="planning"))
    assert_refused(response, "PLA-04: a percentage cannot be more than 100", f"id_kpi-{pla04}-value")
    assert database_state() == before


def test_numbers_are_read_as_officers_type_them(draft, officer):
    response = post(officer, draft, {f"kpi-{kpi_id('HOU-02')}-value": " 1,532 "})
    assert response.status_code == 302
    assert str(draft.period.measurements.get(kpi__code="HOU-02").value.normalize()) == "1532"


def test_a_one_megabyte_commentary_gets_a_clear_error(draft, officer):
    before = database_state()
    response = post(officer, draft, {"commentary": "x" * (1024 * 1024)})
    assert_refused(response, "Commentary must be 10,000 characters or fewer", "id_commentary")
    assert database_state() == before


def test_a_one_megabyte_kpi_commentary_gets_a_clear_error(draft, officer):
    before = database_state()
    field = f"kpi-{kpi_id('HOU-01')}-commentary"
    response = post(officer, draft, {field: "y" * (1024 * 1024)})
    assert_refused(response, "HOU-01: the commentary must be 10,000 characters or fewer", f"id_{field}")
    assert database_state() == before


@pytest.mark.parametrize("field, value, message", [
    ("overall_rag", "purple", "Choose Red, Amber or Green for the overall status"),
    ("overall_rag", "GREEN", "Choose Red, Amber or Green for the overall status"),
    ("rag_override", "blue", "HOU-02: choose Red, Amber or Green, or no override"),
    ("milestone_status", "done", None),
])
def test_an_unknown_rag_or_status_is_refused(draft, officer, field, value, message):
    before = database_state()
    name = field if field == "overall_rag" else f"kpi-{kpi_id('HOU-02')}-{field}"
    response = post(officer, draft, {name: value, f"kpi-{kpi_id('HOU-02')}-override_reason": "x"})
    if message is None:  # Housing has no milestone KPI: the field is not this return's at all
        assert_refused(response, "Nothing was saved: reload the page")
    else:
        assert_refused(response, message, f"id_{name}")
    assert database_state() == before


def test_a_forged_kpi_id_of_another_sub_strand_is_refused(draft, officer):
    before = database_state()
    response = post(officer, draft, {f"kpi-{kpi_id('PLA-02')}-value": "999", "commentary": "forged"})
    assert_refused(response, "The form included a KPI that is not part of Housing")
    assert database_state() == before
    assert not draft.period.measurements.filter(kpi__code="PLA-02").exists()


def test_a_forged_action_id_of_another_sub_strand_is_refused(draft, officer):
    action = Action.objects.filter(sub_strand__slug="net-zero-low-carbon").first()
    before = database_state()
    response = post(officer, draft, {f"action-{action.id}-narrative": "forged"})
    assert_refused(response, "The form included an action that is not part of Housing")
    assert database_state() == before


@pytest.mark.parametrize("key", ["kpi-abc-value", "kpi--value", "kpi-1-2-value", "action-x-status"])
def test_malformed_field_names_are_refused(draft, officer, key):
    before = database_state()
    response = post(officer, draft, {key: "1"})
    assert_refused(response, "Nothing was saved: reload the page")
    assert database_state() == before


def test_a_value_and_not_yet_available_together_are_refused(draft, officer):
    hou02 = kpi_id("HOU-02")
    before = database_state()
    response = post(officer, draft, {f"kpi-{hou02}-value": "600", f"kpi-{hou02}-not_available": "on"})
    assert_refused(response, "HOU-02: either enter a value or tick “not yet available”, not both", f"id_kpi-{hou02}-value")
    assert database_state() == before


def test_an_expected_date_without_not_yet_available_is_refused(draft, officer):
    hou02 = kpi_id("HOU-02")
    response = post(officer, draft, {f"kpi-{hou02}-expected_date": "31/10/2023"})
    assert_refused(response, "HOU-02: an expected date goes with “not yet available”", f"id_kpi-{hou02}-expected_date-day")


@pytest.mark.parametrize("typed", ["31/02/2023", "next summer", "2023-13-01", "1/1/1066"])
def test_an_impossible_expected_date_is_refused(draft, officer, typed):
    hou01 = kpi_id("HOU-01")
    before = database_state()
    response = post(officer, draft, {f"kpi-{hou01}-expected_date": typed, f"kpi-{hou01}-not_available": "on"})
    assert_refused(response, "HOU-01: ", f"id_kpi-{hou01}-expected_date-day")
    assert database_state() == before


def test_an_override_without_a_reason_is_refused(draft, officer):
    hou02 = kpi_id("HOU-02")
    before = database_state()
    response = post(officer, draft, {f"kpi-{hou02}-override": "on", f"kpi-{hou02}-rag_override": "red",
                                     f"kpi-{hou02}-override_reason": "  "})
    assert_refused(response, "HOU-02: give a reason for overriding the status", f"id_kpi-{hou02}-override_reason")
    assert database_state() == before


def test_an_override_status_without_the_override_ticked_is_refused_and_shown(draft, officer):
    """Without JavaScript every field shows: a status chosen without ticking "Override" is not saved
    silently, and the message is beside a field that is revealed, never inside a hidden one."""
    hou02 = kpi_id("HOU-02")
    before = database_state()
    response = post(officer, draft, {f"kpi-{hou02}-rag_override": "red", f"kpi-{hou02}-override_reason": "Data late"})
    assert_refused(response, "HOU-02: tick “Override the status by the rules” to show Red", f"id_kpi-{hou02}-rag_override")
    text = text_of(response)
    conditional = text.split(f'id="conditional-id_kpi-{hou02}-override"')[0].rsplit("<div", 1)[1]
    assert "govuk-checkboxes__conditional--hidden" not in conditional
    assert database_state() == before


@pytest.mark.parametrize("version", ["", "abc", "-1", "1.5"])
def test_a_missing_or_garbled_version_is_refused(draft, officer, version):
    before = database_state()
    response = post(officer, draft, {"version": version})
    assert_refused(response, "reload the page and enter your changes again")
    assert database_state() == before


def test_a_stale_form_is_refused_and_keeps_what_was_typed(draft, officer, client_for):
    stale = as_post_data(initial_form_data(draft))
    # Someone else saves first.
    assert post(client_for("coordinator"), draft, {"commentary": "The coordinator's fix"}).status_code == 302
    before = database_state()
    stale.update({"commentary": "MY STALE TEXT", "intent": "save"})
    response = officer.post(return_url(), stale)
    assert_refused(response, "has been changed by Cara Coordinator", status=409)
    assert "MY STALE TEXT" in text_of(response)
    assert database_state() == before
    assert QuarterlyReturn.objects.get(pk=draft.pk).commentary == "The coordinator's fix"


def test_saving_a_submitted_return_from_an_old_page_is_refused_and_keeps_the_text(demo_users, officer):
    ret = housing_return(demo_users, "draft")
    old_page = as_post_data(initial_form_data(ret))
    from reporting.returns.services import submit_return

    submit_return(quarterly_return=ret, by=demo_users["officer"])
    before = database_state()
    old_page.update({"commentary": "TYPED AFTER SUBMIT", "intent": "save"})
    response = officer.post(return_url(), old_page)
    assert_refused(response, "The Housing return for 2023/24 Q2 is submitted, so it cannot be changed. Your changes have not been saved", status=409)
    assert "TYPED AFTER SUBMIT" in text_of(response)
    assert database_state() == before


def test_unknown_period_or_sub_strand_is_not_found(officer, draft):
    assert officer.get(return_url("2099-00-q9", "housing")).status_code == 404
    assert officer.post(return_url("2023-24-q2", "no-such-thing"), {"version": "1"}).status_code == 404


def test_an_unknown_intent_only_saves(draft, officer):
    response = post(officer, draft, {"commentary": "Saved, not submitted"}, intent="publish-everything")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.commentary == "Saved, not submitted"


def test_approve_with_a_garbled_version_changes_nothing(demo_users, client_for):
    ret = housing_return(demo_users, "submitted")
    before = database_state()
    approver = client_for("approver")
    response = approver.post(reverse("return-approve", args=["2023-24-q2", "housing"]), {"version": "zz"})
    assert response.status_code == 302
    assert database_state() == before
    page = approver.get(response["Location"])
    assert "has been changed since you opened it" in text_of(page)
    assert QuarterlyReturn.objects.get(pk=ret.pk).state == "submitted"


@pytest.mark.parametrize("comment, message", [
    ("", "Write a comment saying what needs to change"),
    ("   ", "Write a comment saying what needs to change"),
    ("z" * (1024 * 1024), "The comment must be 5,000 characters or fewer"),
])
def test_send_back_needs_a_sensible_comment(demo_users, client_for, comment, message):
    ret = housing_return(demo_users, "submitted")
    before = database_state()
    response = client_for("approver").post(reverse("return-send-back", args=["2023-24-q2", "housing"]),
                                           {"version": ret.version, "comment": comment})
    assert_refused(response, message, "id_comment")
    assert database_state() == before


def test_reopen_needs_a_reason(demo_users, client_for):
    ret = housing_return(demo_users, "approved")
    before = database_state()
    response = client_for("approver").post(reverse("return-reopen", args=["2023-24-q2", "housing"]),
                                           {"version": ret.version, "reason": ""})
    assert_refused(response, "Say why the return needs correcting", "id_reason")
    assert database_state() == before


@pytest.mark.parametrize("posted", [{}, {"returns": "abc"}, {"returns": "999999"}, {"returns": ["1", "x"]}])
def test_bulk_approve_with_nothing_or_forged_ids_changes_nothing(demo_users, client_for, posted):
    housing_return(demo_users, "submitted")
    before = database_state()
    approver = client_for("approver")
    response = approver.post(reverse("review-approve"), posted)
    assert database_state() == before
    message = ("Select at least one return to approve" if not posted
               else "One of the returns selected is no longer waiting for approval")
    assert_refused(response, message, "id_returns")  # the queue again, its error summary and the error beside the boxes


def test_bulk_approve_of_a_draft_is_refused(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    before = database_state()
    approver = client_for("approver")
    response = approver.post(reverse("review-approve"), {"returns": str(ret.pk)})
    assert database_state() == before
    assert_refused(response, "Nothing was approved. Housing (2023/24 Q2) is draft: only a submitted return can be approved.")


def test_bulk_approve_by_the_economy_cell_is_refused(demo_users, client_for):
    ret = housing_return(demo_users, "submitted")
    before = database_state()
    response = client_for("coordinator").post(reverse("review-approve"), {"returns": str(ret.pk)})
    assert response.status_code == 403
    assert database_state() == before


@pytest.mark.parametrize("typed", ["32/12/2023", "soon"])
def test_opening_a_period_with_an_impossible_deadline_is_refused(demo_users, client_for, typed):
    before = database_state()
    response = client_for("coordinator").post(reverse("period-open", args=["2023-24-q3"]), {"dashboard_deadline": typed})
    assert_refused(response, "Enter the deadline as a real date", "id_dashboard_deadline-day")
    assert database_state() == before


def test_opening_a_second_period_is_refused_with_a_message(demo_users, client_for):
    before = database_state()
    response = client_for("coordinator").post(reverse("period-open", args=["2023-24-q3"]), {"dashboard_deadline": ""})
    assert_refused(response, "Close 2023/24 Q2 before opening 2023/24 Q3")
    assert database_state() == before


def test_the_form_validates_an_import_dict_without_a_request(draft, demo_users):
    """The spreadsheet import builds the same dict and validates it with ReturnForm alone."""
    data = as_post_data(initial_form_data(draft))
    data[f"kpi-{kpi_id('HOU-02')}-value"] = "-1"
    form = ReturnForm(quarterly_return=draft, user=demo_users["coordinator"], data=data)
    assert not form.is_valid()
    assert form.errors[f"kpi-{kpi_id('HOU-02')}-value"] == ["HOU-02: the value cannot be negative"]
