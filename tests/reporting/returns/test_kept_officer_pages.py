"""The review queue and My returns keep their content (reporting.readers_cache): built once for
everyone of the same audience who may do the same there, built again at once after any write, each
day for what says overdue; never one person's buttons, sub-strands or CSRF token for another."""
import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import ReportingPeriod, SubStrand
from reporting import kept_csrf, steps
from reporting.models import QuarterlyReturn
from reporting.returns import review, services
from tests.factories import UserFactory
from tests.reporting._returns_support import (  # noqa: F401
    complete_changes,
    fast_password_hashing,
    fill,
    housing_return,
)
from tests.reporting.returns.test_returns_queries import grow
from tests.reporting.risks.helpers import make_risk

QUEUE, MY_RETURNS = "/review/", "/my-returns/"
QUEUE_CONTENT = "reporting/returns/_review_queue_content.html"
MY_RETURNS_CONTENT = "reporting/returns/_my_returns_head.html"
# A kept page's queries: the session, the person, their roles, the data version, the session's expiry
# moved on (reporting.sessions: its write between a savepoint and its release, in a test's
# transaction); and the queue's returns they may approve, or My returns' person's own risks.
KEPT_QUEUE_QUERIES, KEPT_MY_RETURNS_QUERIES = 8, 8
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.READERS_CACHE_SECONDS = 3600


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, url, content):
    """The page's main content with its CSRF tokens blanked, whether its content was built for this
    request (else it was kept), and the number of queries."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    main = TOKEN.sub('name="csrfmiddlewaretoken" value=""', html[html.index("<main"):html.index("</main>")])
    return main, content in [t.name for t in response.templates], len(ctx.captured_queries)


def section(html, ret):
    """A waiting return's section of the queue."""
    start = html.index(f'id="review-{ret.pk}"')
    return html[start:html.index("</section>", start)]


# -- kept, and shared by those who may see and do the same ------------------------------------------


def test_the_queue_is_built_once_for_approvers_who_may_approve_the_same(demo_users, client_for):
    housing_return(demo_users, "submitted")
    grow(demo_users, 3)
    second = UserFactory(role="approver", first_name="Second", last_name="Approver")
    built_page, built, built_queries = get(client_for("approver"), QUEUE, QUEUE_CONTENT)
    assert built and "Approve<span" in built_page
    kept_page, built, kept_queries = get(signed_in(second), QUEUE, QUEUE_CONTENT)
    assert not built and kept_page == built_page
    # the session, the person, their roles, the data version, the returns they may approve; nothing else
    assert kept_queries == KEPT_QUEUE_QUERIES and built_queries > kept_queries + 5


def test_my_returns_is_built_once_for_the_economy_cell(demo_users, client_for):
    housing_return(demo_users, "draft")
    second = UserFactory(role="coordinator", first_name="Second", last_name="Coordinator")
    built_page, built, _ = get(client_for("coordinator"), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and "Send a reminder" in built_page
    kept_page, built, kept_queries = get(signed_in(second), MY_RETURNS, MY_RETURNS_CONTENT)
    assert not built and kept_page == built_page
    assert kept_queries == KEPT_MY_RETURNS_QUERIES


def test_a_kept_page_holds_the_csrf_token_of_the_person_it_is_served_to(demo_users, client_for):
    """The reminders' forms on My returns and the queue's approval form post with the token of the
    person who reads the page, never a stand-in or another's."""
    housing_return(demo_users, "submitted")
    services.start_return(sub_strand=SubStrand.objects.get(slug="planning"),
                          period=ReportingPeriod.objects.get(slug="2023-24-q2"), by=demo_users["officer"])
    second, second_approver = UserFactory(role="coordinator"), UserFactory(role="approver")  # (a user saved is a write)
    get(client_for("coordinator"), MY_RETURNS, MY_RETURNS_CONTENT)
    get(client_for("approver"), QUEUE, QUEUE_CONTENT)
    client = signed_in(second, enforce_csrf_checks=True)
    response = client.get(MY_RETURNS)
    html = response.content.decode()
    assert "reporting/returns/my_returns.html" in [t.name for t in response.templates] and MY_RETURNS_CONTENT not in [t.name for t in response.templates]
    assert kept_csrf.STAND_IN not in html
    remind = reverse("return-remind", args=["2023-24-q2", "planning"])
    form = html[html.index(f'action="{remind}"'):]
    token = TOKEN.search(form).group(1)
    assert client.post(remind, {"csrfmiddlewaretoken": token}).status_code == 302  # the token is theirs: accepted

    approver = signed_in(second_approver, enforce_csrf_checks=True)
    response = approver.get(QUEUE)
    html = response.content.decode()
    assert QUEUE_CONTENT not in [t.name for t in response.templates] and kept_csrf.STAND_IN not in html
    form = html[html.index('class="app-review-form"'):]
    ret = QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2")
    posted = approver.post(reverse("return-approve", args=["2023-24-q2", "housing"]),
                           {"csrfmiddlewaretoken": TOKEN.search(form).group(1), "version": ret.version})
    assert posted.status_code == 302
    assert QuarterlyReturn.objects.get(pk=ret.pk).state == "approved"


# -- built again at once after a write --------------------------------------------------------------


def test_the_queue_changes_at_once_when_a_return_is_submitted_approved_or_sent_back(demo_users, client_for):
    approver = client_for("approver")
    page, _, _ = get(approver, QUEUE, QUEUE_CONTENT)
    assert "No returns are waiting for approval" in page
    ret = housing_return(demo_users, "submitted")  # submitted by the officer, through the services
    page, built, _ = get(approver, QUEUE, QUEUE_CONTENT)
    assert built and "1 return submitted" in page and f'id="review-{ret.pk}"' in page
    services.send_back_return(quarterly_return=ret, by=demo_users["approver"], comment="Say more")
    page, built, _ = get(client_for("approver"), QUEUE, QUEUE_CONTENT)
    assert built and "No returns are waiting for approval" in page
    ret = services.submit_return(quarterly_return=QuarterlyReturn.objects.get(pk=ret.pk), by=demo_users["officer"])
    assert "1 return submitted" in get(approver, QUEUE, QUEUE_CONTENT)[0]
    services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    page, built, _ = get(approver, QUEUE, QUEUE_CONTENT)
    assert built and "No returns are waiting for approval" in page


def test_my_returns_changes_at_once_when_an_officer_saves_a_draft(demo_users, client_for):
    coordinator = client_for("coordinator")
    page, _, _ = get(coordinator, MY_RETURNS, MY_RETURNS_CONTENT)
    assert 'id="housing"' in page and "Not started" in _row(page, "housing")
    housing_return(demo_users, "draft")  # started and saved by the officer, through the form and the service
    page, built, _ = get(coordinator, MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and "Not started" not in _row(page, "housing") and "Draft" in _row(page, "housing")
    services.submit_return(quarterly_return=QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2"),
                           by=demo_users["officer"])
    page, built, _ = get(coordinator, MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and "Waiting for approval" in _row(page, "housing")


def _row(html, row_id):
    start = html.index(f'id="{row_id}"')
    return html[start:html.index("</tr>", start)]


# -- what is the person's is theirs ------------------------------------------------------------------


def test_approvers_who_may_approve_different_returns_each_see_their_own_buttons(demo_users, client_for, monkeypatch):
    """Were the rules to refuse an approver a return (their own submission, say), the queue would show
    each approver the buttons the rules give them, whoever's page was built first."""
    ret = housing_return(demo_users, "submitted")
    grow(demo_users, 1)
    barred = UserFactory(role="approver")
    allows = steps.Operation.allows

    def refused_to_barred(operation, user, obj, **kwargs):
        if operation is steps.APPROVE_RETURN and user.pk == barred.pk and obj.pk == ret.pk:
            return False
        return allows(operation, user, obj, **kwargs)

    monkeypatch.setattr(steps.Operation, "allows", refused_to_barred)
    approver = demo_users["approver"]
    for first, then in ((approver, barred), (barred, approver)):
        cache.clear()
        pages = {user.pk: get(signed_in(user), QUEUE, QUEUE_CONTENT) for user in (first, then)}
        assert pages[first.pk][1] and pages[then.pk][1]  # each built: the returns they may approve differ (the key)
        approver_page, barred_page = pages[approver.pk][0], pages[barred.pk][0]
        assert "Approve<span" in section(approver_page, ret)
        assert "Approve<span" not in section(barred_page, ret) and f'id="approve-{ret.pk}"' not in barred_page
        assert "Approve<span" in barred_page  # the other return, which they may approve


def test_an_officer_never_gets_the_economy_cells_or_another_officers_my_returns(demo_users, client_for):
    housing_return(demo_users, "draft")
    coordinator_page, _, _ = get(client_for("coordinator"), MY_RETURNS, MY_RETURNS_CONTENT)
    officer_page, built, _ = get(client_for("officer"), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and officer_page != coordinator_page and "Send a reminder" not in officer_page
    assert 'id="housing"' in officer_page and 'id="health-wellbeing"' not in officer_page
    officer2_page, built, _ = get(client_for("officer2"), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and 'id="health-wellbeing"' in officer2_page and 'id="housing"' not in officer2_page


def test_approvers_who_are_officers_of_different_sub_strands_each_see_their_own(demo_users):
    """An approver shares the Economy Cell's audience (everything, drafts included), but My returns
    lists the sub-strands they lead: the key holds them."""
    housing, health = SubStrand.objects.get(slug="housing"), SubStrand.objects.get(slug="health-wellbeing")
    first, second = UserFactory(role="approver"), UserFactory(role="approver")
    for user, sub in ((first, housing), (second, health)):
        user.groups.add(*UserFactory(role="officer").groups.all())
        sub.editors.add(user)
    page, built, _ = get(signed_in(first), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and 'id="housing"' in page and 'id="health-wellbeing"' not in page
    page, built, _ = get(signed_in(second), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and 'id="health-wellbeing"' in page and 'id="housing"' not in page


def test_my_risk_reviews_are_the_persons_own_on_a_kept_page(demo_users, client_for):
    """What My returns keeps is shared by the Economy Cell; the risks one of them owns are drawn for them."""
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    owner = UserFactory(role="coordinator")
    make_risk(strategy=q2.strategy, reference="R99", title="A risk of the owner's", owner=owner)
    page, built, _ = get(client_for("coordinator"), MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and "A risk of the owner" not in page
    page, built, _ = get(signed_in(owner), MY_RETURNS, MY_RETURNS_CONTENT)
    assert not built and "R99: A risk of the owner" in page


# -- the day ------------------------------------------------------------------------------------------


def test_overdue_is_not_served_from_the_day_before(demo_users, client_for, monkeypatch):
    deadline = ReportingPeriod.objects.get(slug="2023-24-q2").dashboard_deadline
    coordinator = client_for("coordinator")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: deadline)
    page, _, _ = get(coordinator, MY_RETURNS, MY_RETURNS_CONTENT)
    assert "Overdue" not in page
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: deadline + datetime.timedelta(days=1))
    page, built, _ = get(coordinator, MY_RETURNS, MY_RETURNS_CONTENT)
    assert built and 'govuk-tag--red">Overdue</strong>' in _row(page, "housing")


# -- a POST come back with errors is never kept --------------------------------------------------------


def test_the_queue_come_back_with_errors_is_built_for_it_and_not_kept(demo_users, client_for):
    housing_return(demo_users, "submitted")
    grow(demo_users, 1)
    approver = client_for("approver")
    kept_page, _, _ = get(approver, QUEUE, QUEUE_CONTENT)
    ids = list(QuarterlyReturn.objects.filter(state="submitted").values_list("pk", flat=True))
    response = approver.post(reverse("review-approve"), {"returns": ids, **{f"version-{i}": "0" for i in ids}})
    html = response.content.decode()
    assert response.status_code == 200 and QUEUE_CONTENT in [t.name for t in response.templates]
    assert "has changed since you opened the queue" in html and html.count(" checked") == len(ids)
    page, built, _ = get(approver, QUEUE, QUEUE_CONTENT)
    assert not built and page == kept_page and " checked" not in page  # the plain page, as kept before
    submitted = review.submitted_returns(demo_users["approver"])
    assert review.approvable_ids(demo_users["approver"], submitted) == frozenset(ids)


# -- a kept page's queries, at two sizes ----------------------------------------------------------------


# Served again to the same person (the session's expiry not moved on, a moment after): the session, the
# person, their roles, the data version; the returns they may approve, or their own risks; and for an
# officer, the sub-strands they fill in (in the key).
@pytest.mark.parametrize(("username", "url", "most"), [
    ("approver", QUEUE, 5), ("coordinator", MY_RETURNS, 5), ("officer", MY_RETURNS, 6),
])
def test_a_kept_page_makes_the_same_number_of_queries_at_two_sizes(demo_users, client_for, username, url, most):
    client = client_for(username)
    counts = []
    for n in (2, 25):
        grow(demo_users, n)
        client.get(url)  # built
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)  # kept
        assert response.status_code == 200 and not {QUEUE_CONTENT, MY_RETURNS_CONTENT} & {t.name for t in response.templates}
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == most, counts
