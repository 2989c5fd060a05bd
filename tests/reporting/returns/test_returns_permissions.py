"""The role × action matrix of the quarterly returns, through the real URLs.

Every role (anonymous; the officer on their own sub-strand, Housing; an officer on another's; the
Economy Cell coordinator; the approver; the Cabinet Member; a scrutiny member; the administrator)
tries every action. Each answer is the one expected — allowed, 403, or sent to sign in — and a
refusal changes nothing in the database.
"""
import pytest

from reporting.steps import PERIOD, SAVE_RETURN
from django.db import transaction
from django.test import Client
from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.returns.forms import as_post_data, initial_form_data
from reporting.models import QuarterlyReturn
from tests.reporting._returns_support import (  # noqa: F401
    complete_changes, database_state, fast_password_hashing, housing_return,
)

ROLES = ["anonymous", "officer_own", "officer_other", "coordinator", "approver", "cabinet", "scrutiny", "admin"]
USERNAME = {"officer_own": "officer", "officer_other": "officer2", "coordinator": "coordinator", "approver": "approver",
            "cabinet": "cabinet", "scrutiny": "scrutiny", "admin": "admin"}
OK, DENIED, LOGIN = "allowed", "403", "login"
RETURN_ARGS = ["2023-24-q2", "housing"]


def matrix(**allowed):
    """Expected answer per role: anonymous is always sent to sign in; the named roles are allowed."""
    return {role: LOGIN if role == "anonymous" else (OK if allowed.get(role) else DENIED) for role in ROLES}


EXPECTED = {
    "view my returns": matrix(officer_own=1, officer_other=1, coordinator=1, admin=1),
    "view return page": matrix(officer_own=1, coordinator=1, approver=1, admin=1),
    "save": matrix(officer_own=1, coordinator=1, admin=1),
    "submit": matrix(officer_own=1, coordinator=1, admin=1),
    "approve": matrix(approver=1, admin=1),
    "send back": matrix(coordinator=1, approver=1, admin=1),
    "reopen": matrix(coordinator=1, approver=1, admin=1),
    "review queue": matrix(coordinator=1, approver=1, admin=1),
    "calendar": matrix(coordinator=1, approver=1, admin=1),
    "open period": matrix(coordinator=1, admin=1),
    "close period": matrix(coordinator=1, admin=1),
}

# The state the Q2 Housing return is in before each action, and what an allowed action leaves.
SETUP_STATE = {"view return page": "draft", "save": "draft", "submit": "draft", "approve": "submitted",
               "send back": "submitted", "reopen": "approved"}


def return_form_post(ret, intent, changes=None):
    data = as_post_data(initial_form_data(ret))
    data.update(changes or {})
    data["intent"] = intent
    return data


def perform(action, client, ret):
    """Do the action as a browser would; returns the response."""
    url = reverse("return", args=RETURN_ARGS)
    if action == "view my returns":
        return client.get(reverse("my-returns"))
    if action == "view return page":
        return client.get(url)
    if action == "save":
        return client.post(url, return_form_post(ret, "save", {"commentary": "CHANGED BY THE MATRIX"}))
    if action == "submit":
        return client.post(url, return_form_post(ret, "submit"))
    if action == "approve":
        return client.post(reverse("return-approve", args=RETURN_ARGS), {"version": ret.version})
    if action == "send back":
        return client.post(reverse("return-send-back", args=RETURN_ARGS), {"version": ret.version, "comment": "More, please"})
    if action == "reopen":
        return client.post(reverse("return-reopen", args=RETURN_ARGS), {"version": ret.version, "reason": "A typo in HOU-02"})
    if action == "review queue":
        return client.get(reverse("review-queue"))
    if action == "calendar":
        return client.get(reverse("period-calendar"))
    if action == "open period":
        return client.post(reverse("period-open", args=["2023-24-q3"]), {"dashboard_deadline": "1/12/2023"})
    if action == "close period":
        return client.post(reverse("period-close", args=["2023-24-q2"]))
    raise AssertionError(action)


def effect_happened(action, ret):
    """For an allowed write, the change it should have made."""
    ret_now = QuarterlyReturn.objects.get(pk=ret.pk) if ret is not None else None
    return {
        "save": lambda: ret_now.commentary == "CHANGED BY THE MATRIX",
        "submit": lambda: ret_now.state == "submitted",
        "approve": lambda: ret_now.state == "approved",
        "send back": lambda: ret_now.state == "returned" and ret_now.return_comment == "More, please",
        "reopen": lambda: ret_now.state == "draft" and ret_now.revision == 2,
        "open period": lambda: ReportingPeriod.objects.get(slug="2023-24-q3").state == "open",
        "close period": lambda: ReportingPeriod.objects.get(slug="2023-24-q2").state == "closed",
    }.get(action, lambda: True)()


def classify(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    if response.status_code == 403:
        return DENIED
    if response.status_code in (200, 302):
        return OK
    return f"HTTP {response.status_code}"


def test_the_matrix_covers_every_role_and_action():
    assert set(EXPECTED) == set(SETUP_STATE) | {"view my returns", "review queue", "calendar", "open period", "close period"}
    for action, row in EXPECTED.items():
        assert set(row) == set(ROLES), action


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(EXPECTED))
def test_role_action_matrix(action, demo_users):
    if action == "open period":  # one period is open at a time: make room for Q3
        period = ReportingPeriod.objects.get(slug="2023-24-q2")
        period.state = "closed"
        period.save()
    ret = housing_return(demo_users, SETUP_STATE[action]) if action in SETUP_STATE else None
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(demo_users[USERNAME[role]], backend="django.contrib.auth.backends.ModelBackend")
            before = database_state()
            response = perform(action, client, ret)
            got = classify(response)
            expected = EXPECTED[action][role]
            if got != expected:
                wrong.append(f"{role}: expected {expected}, got {got}")
            elif expected == OK and action in {"save", "submit", "approve", "send back", "reopen", "open period", "close period"}:
                if not effect_happened(action, ret):
                    wrong.append(f"{role}: allowed, but the {action} did not happen")
            elif expected != OK and database_state() != before:
                wrong.append(f"{role}: refused, but the database changed")
            transaction.set_rollback(True)
    assert wrong == [], f"{action}: " + "; ".join(wrong)


@pytest.mark.django_db
def test_officer_posting_to_another_sub_strands_return_gets_403_and_nothing_changes(demo_users):
    ret = housing_return(demo_users, "draft")
    client = Client()
    client.force_login(demo_users["officer2"], backend="django.contrib.auth.backends.ModelBackend")
    before = database_state()
    response = client.post(reverse("return", args=RETURN_ARGS), return_form_post(ret, "save", {"commentary": "HIJACK"}))
    assert response.status_code == 403
    assert database_state() == before
    assert QuarterlyReturn.objects.get(pk=ret.pk).commentary != "HIJACK"


@pytest.mark.django_db
def test_officer_cannot_start_another_sub_strands_return(demo_users):
    client = Client()
    client.force_login(demo_users["officer2"], backend="django.contrib.auth.backends.ModelBackend")
    before = database_state()
    response = client.post(reverse("return", args=["2023-24-q2", "planning"]), {"version": "0", "commentary": "x"})
    assert response.status_code == 403
    assert database_state() == before


@pytest.mark.django_db
def test_officer_cannot_edit_own_return_once_the_period_is_closed_but_the_economy_cell_can(demo_users):
    ret = housing_return(demo_users, "draft")
    period = ret.period
    period.state = "closed"
    period.save()
    ret.refresh_from_db()
    refused = SAVE_RETURN.refusal(demo_users["officer"], ret)
    assert refused.check == PERIOD and "is closed" in refused.reason
    assert SAVE_RETURN.allows(demo_users["coordinator"], ret)


@pytest.mark.django_db
def test_readers_never_reach_a_draft_submitted_or_returned_return(demo_users):
    for state in ("draft", "submitted", "returned"):
        with transaction.atomic():
            housing_return(demo_users, state)
            for reader in ("cabinet", "scrutiny"):
                client = Client()
                client.force_login(demo_users[reader], backend="django.contrib.auth.backends.ModelBackend")
                response = client.get(reverse("return", args=RETURN_ARGS))
                assert response.status_code == 403, (state, reader)
                assert b"Housing Q2: completions on track" not in response.content
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_readers_see_an_approved_return_but_not_its_draft_history(demo_users):
    from tests.reporting._returns_support import fill

    ret = housing_return(demo_users, "draft")
    ret = fill(ret, demo_users["officer"], {"commentary": "AN EARLY DRAFT SENTENCE"})
    ret = fill(ret, demo_users["officer"], complete_changes())
    from reporting.returns.services import approve_return, submit_return

    approve_return(quarterly_return=submit_return(quarterly_return=ret, by=demo_users["officer"]), by=demo_users["approver"])
    for username, sees_history in [("cabinet", False), ("scrutiny", False), ("officer2", False), ("officer", True),
                                   ("approver", True)]:
        client = Client()
        client.force_login(demo_users[username], backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(reverse("return", args=RETURN_ARGS)).content.decode()
        assert "Housing Q2: completions on track" in page, username
        assert ("AN EARLY DRAFT SENTENCE" in page) is sees_history, username
