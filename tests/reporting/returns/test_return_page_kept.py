"""The return page's content drawn from the data is kept for everyone of the same audience
(reporting.readers_cache), and what the person may do is drawn for each of them: a second person is
served it with fewer queries, a write changes it at once, nobody gets another's buttons, and the day's
words are the day's."""
import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI
from objectives.models import ReportingPeriod
from objectives.roles import Role
from tests.factories import UserFactory
from tests.reporting._returns_support import (  # noqa: F401
    fast_password_hashing,
    form_fields,
    housing_return,
    open_and_post,
    return_url,
)
from tests.reporting.returns.test_returns_queries import grow_housing

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_for_a_while(settings):
    settings.READERS_CACHE_SECONDS = 600


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def a_second(role):
    return UserFactory(role=role, first_name="Second", last_name=role.label if hasattr(role, "label") else "Person")


def without_the_person(html):
    """The page's main content without what is the request's own: its CSRF token and kept-work note
    (the person's name is in the header and footer, around it)."""
    html = html.decode() if isinstance(html, bytes) else html
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'name="kept_work_note" value="[^"]*"', "", html)
    return re.search(r"<main.*</main>", html, flags=re.S).group(0)


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response


KEPT_QUERIES = 6  # the session, the person, their roles, the data version, the return, and (an officer) the sub-strands they edit


def test_a_second_coordinator_is_served_the_kept_page_with_fewer_queries(demo_users, kept_for_a_while):
    housing_return(demo_users, "draft")
    first, second = signed_in(demo_users["coordinator"]), signed_in(a_second(Role.COORDINATOR))
    second.get(reverse("home"))  # what every request shares, read once
    built, page = queries(first, return_url())
    kept, again = queries(second, return_url())
    assert kept < built, (kept, built)
    assert kept <= KEPT_QUERIES, kept
    assert without_the_person(again.content) == without_the_person(page.content)
    assert form_fields(again.content)["commentary"] == form_fields(page.content)["commentary"]


@pytest.mark.parametrize("username", ["officer", "coordinator", "approver"])
def test_the_kept_page_makes_the_same_number_of_queries_at_two_sizes(demo_users, client_for, kept_for_a_while, username):
    housing_return(demo_users, "draft")
    client = client_for(username)
    grow_housing(demo_users, 1)
    client.get(return_url())
    small, _ = queries(client, return_url())
    grow_housing(demo_users, 12)
    client.get(return_url())
    large, _ = queries(client, return_url())
    assert small == large, f"the kept return page: {small} queries with a little data, {large} with a lot"
    assert small <= KEPT_QUERIES, small


def test_a_draft_saved_by_the_officer_changes_the_kept_page_at_once(demo_users, client_for, kept_for_a_while):
    housing_return(demo_users, "draft")
    coordinator = client_for("coordinator")
    assert "Typed by the officer just now" not in coordinator.get(return_url()).content.decode()
    saved = open_and_post(client_for("officer"), {"commentary": "Typed by the officer just now"})
    assert saved.status_code == 302
    assert form_fields(coordinator.get(return_url()).content)["commentary"] == "Typed by the officer just now"


def test_an_approval_and_a_send_back_change_the_kept_page_at_once(demo_users, client_for, kept_for_a_while):
    ret = housing_return(demo_users, "submitted")
    coordinator, approver = client_for("coordinator"), client_for("approver")
    page = approver.get(return_url()).content.decode()
    assert "Approve</button>" in page and "app-return-form" not in page
    sent_back = approver.post(reverse("return-send-back", args=["2023-24-q2", "housing"]),
                              {"comment": "Say more about the completions", "version": ret.version})
    assert sent_back.status_code == 302
    page = coordinator.get(return_url()).content.decode()
    assert "Say more about the completions" in page and "app-return-form" in page  # the returned return, to change
    officer = client_for("officer")
    assert open_and_post(officer, intent="submit").status_code == 302
    ret.refresh_from_db()
    approver.get(return_url())
    assert approver.post(reverse("return-approve", args=["2023-24-q2", "housing"]), {"version": ret.version}).status_code == 302
    page = coordinator.get(return_url()).content.decode()
    assert "app-return-form" not in page and "Approve</button>" not in page
    assert "Approved" in page and "Correct this return" in page


def test_each_person_sees_their_own_buttons_on_the_same_kept_content(demo_users, client_for, kept_for_a_while):
    """The Economy Cell and the approver share an audience; the officer has their own: the reminder,
    the decision and the submit buttons are each person's."""
    housing_return(demo_users, "submitted")
    approver_page = client_for("approver").get(return_url()).content.decode()
    coordinator_page = client_for("coordinator").get(return_url()).content.decode()
    officer_page = client_for("officer").get(return_url()).content.decode()
    assert "Approve</button>" in approver_page
    assert "Approve</button>" not in coordinator_page and "Approve</button>" not in officer_page
    assert "Return it for changes" in approver_page and "Return it for changes" not in officer_page
    # the same content drawn from the data for the two of the same audience
    assert approver_page.count('class="govuk-table__row"') == coordinator_page.count('class="govuk-table__row"')


def test_an_officer_never_gets_the_economy_cells_content_or_another_officers(demo_users, client_for, kept_for_a_while):
    housing_return(demo_users, "draft")
    coordinator_page = client_for("coordinator").get(return_url()).content.decode()
    assert "Send a reminder" in coordinator_page
    officer_page = client_for("officer").get(return_url()).content.decode()
    assert "Send a reminder" not in officer_page and "app-return-form" in officer_page
    # an officer of other sub-strands may not see this draft at all, kept or not
    assert client_for("officer2").get(return_url()).status_code == 403
    # and an officer who may not edit it is never served the form another built
    second_officer = UserFactory(role=Role.OFFICER)
    assert signed_in(second_officer).get(return_url()).status_code == 403


def test_an_editor_and_a_reader_of_the_same_audience_get_the_form_and_the_tables(demo_users, kept_for_a_while):
    """Two people of one audience who differ in whether they may edit the return: one gets the form
    drawn from the saved values, the other the read-only tables, whichever came first."""
    housing_return(demo_users, "draft")
    coordinator, approver = signed_in(demo_users["coordinator"]), signed_in(demo_users["approver"])
    assert "app-return-form" in coordinator.get(return_url()).content.decode()
    page = approver.get(return_url()).content.decode()
    assert "app-return-form" not in page and 'name="commentary"' not in page


def test_a_form_posted_back_with_its_errors_is_never_kept(demo_users, client_for, kept_for_a_while):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    hou02 = KPI.objects.get(code="HOU-02")
    refused = open_and_post(officer, {f"kpi-{hou02.id}-value": "not a number", "commentary": "Never saved"})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    page = officer.get(return_url()).content.decode()
    assert "There is a problem" not in page and "Never saved" not in page


def test_the_overdue_word_is_the_days(demo_users, client_for, kept_for_a_while, monkeypatch):
    """Kept yesterday, before the deadline, the page says "Overdue" today, after it."""
    housing_return(demo_users, "draft")
    deadline = ReportingPeriod.objects.get(slug="2023-24-q2").dashboard_deadline
    coordinator = client_for("coordinator")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: deadline)
    assert "Overdue</strong>" not in coordinator.get(return_url()).content.decode()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: deadline + datetime.timedelta(days=1))
    assert "Overdue</strong>" in coordinator.get(return_url()).content.decode()
