"""The dashboard and briefing content is cached until the data under it changes, and shared only
between users whom every permission rule answers alike (reporting/page_cache.py)."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from objectives.permissions import Role, audience_key
from reporting.models import DataVersion, QuarterlyReturn
from reporting.page_cache import bump_data_version, data_version
from tests.factories import UserFactory

MARKER = "ZZCACHEDDRAFT"


def main_of(response):
    """The page's main content (the frame around it carries a fresh CSRF token each time)."""
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.fixture
def housing_q1():
    return QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q1")


@pytest.mark.parametrize("url", ["/dashboard/", "/periods/2023-24-q1/briefing/"])
def test_it_serves_the_same_page_from_the_cache_with_fewer_queries(client_for, url):
    client = client_for("cabinet")
    first, built = queries_for(client, url)
    again, cached = queries_for(client, url)
    assert main_of(again) == main_of(first)
    assert cached < built
    assert cached <= 10  # session (read and saved), user, roles, the period, the data version


def test_a_change_shows_at_once(client_for, housing_q1):
    client = client_for("cabinet")
    assert client.get("/dashboard/").context["data"].counts["red"] == 0
    cached = client.get("/dashboard/").context  # from the cache: the content was not built again
    assert cached is None or "data" not in cached
    housing_q1.overall_rag = "red"
    housing_q1.save()
    response = client.get("/dashboard/")
    assert response.context["data"].counts["red"] == 1  # built again, from the new data


def test_a_change_to_a_kpi_figure_reaches_the_briefing(client_for):
    client = client_for("cabinet")
    url = "/periods/2023-24-q1/briefing/"
    assert "987,654" not in client.get(url).content.decode()
    # Housing's Q1 return is published, so a Q1 figure of one of its KPIs belongs in the annex.
    measurement, _ = Measurement.objects.get_or_create(kpi=KPI.objects.get(code="HOU-02"),
                                                      period=ReportingPeriod.objects.get(slug="2023-24-q1"))
    measurement.value, measurement.not_available, measurement.milestone_status = 987654, False, ""
    measurement.save()
    assert "987,654" in client.get(url).content.decode()
    measurement.value = 876543
    measurement.save()
    html = client.get(url).content.decode()
    assert "876,543" in html and "987,654" not in html


def test_readers_never_get_the_economy_cells_page(client_for, sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=q2, state="draft",
                                   overall_rag="red", commentary=f"{MARKER} commentary")
    url = reverse("dashboard") + "?period=2023-24-q2"
    staff = client_for("coordinator").get(url).content.decode()
    assert "Not yet approved" in staff
    reader = client_for("cabinet").get(url).content.decode()
    assert "Not yet approved" not in reader and MARKER not in reader
    # and the other way round: the reader's (cached) page is not what the coordinator gets
    assert "Not yet approved" in client_for("approver").get(url).content.decode()


def test_two_readers_share_a_page_and_staff_do_not(client_for):
    client_for("cabinet").get("/dashboard/")
    _, scrutiny = queries_for(client_for("scrutiny"), "/dashboard/")
    _, coordinator = queries_for(client_for("coordinator"), "/dashboard/")
    assert scrutiny < coordinator  # the scrutiny member got the Cabinet Member's page; the coordinator's was built


def test_the_frame_is_the_users_own(client_for):
    """Only the content is shared: each user's page carries their own name and sign-out token."""
    cabinet = client_for("cabinet").get("/dashboard/").content.decode()
    scrutiny = client_for("scrutiny").get("/dashboard/").content.decode()
    assert "csrfmiddlewaretoken" in scrutiny
    cabinet_token = cabinet.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert cabinet_token not in scrutiny


def test_the_audience_key_separates_what_the_rules_separate(demo_users):
    assert audience_key(demo_users["cabinet"]) == audience_key(demo_users["scrutiny"])
    assert audience_key(demo_users["cabinet"]) != audience_key(demo_users["coordinator"])
    assert audience_key(demo_users["officer"]) != audience_key(demo_users["officer2"])  # different sub-strands
    other_officer = UserFactory(role=Role.OFFICER)
    assert audience_key(other_officer) != audience_key(demo_users["officer"])


def test_every_save_and_delete_changes_the_data_version(sefton):
    token = data_version()
    kpi = KPI.objects.first()
    kpi.title = kpi.title + " (renamed)"
    kpi.save()
    after_save = data_version()
    assert after_save != token
    measurement = Measurement.objects.create(kpi=kpi, period=ReportingPeriod.objects.get(slug="2023-24-q1"), value=1)
    after_create = data_version()
    assert after_create != after_save
    measurement.delete()
    assert data_version() != after_create


def test_signing_in_does_not_change_the_data_version(client, demo_users):
    from tests.conftest import DEMO_PASSWORDS

    token = data_version()
    assert client.post(reverse("login"), {"username": "cabinet", "password": DEMO_PASSWORDS["cabinet"]}).status_code == 302
    assert data_version() == token


def test_bulk_writers_can_change_it_by_hand(db):
    token = data_version()
    bump_data_version()
    assert data_version() != token
    assert DataVersion.objects.count() == 1


@pytest.mark.parametrize("url", ["/kpis/HOU-02/", "/sub-strands/housing/"])
def test_the_kpi_and_sub_strand_pages_are_cached_with_their_title_breadcrumbs_and_scripts(client_for, url):
    Measurement.objects.update_or_create(kpi=KPI.objects.get(code="HOU-02"), period=ReportingPeriod.objects.get(slug="2023-24-q1"),
                                         defaults={"value": 600, "not_available": False, "milestone_status": ""})
    client = client_for("cabinet")
    first, built = queries_for(client, url)
    again, cached = queries_for(client, url)
    assert cached < built
    for html in (first.content.decode(), again.content.decode()):
        assert "govuk-breadcrumbs" in html
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        assert ("HOU-02" in title or "Housing" in title) and title.endswith("Sefton SES Tracker")
        assert "ses-block" not in html  # the separators never reach the page
    assert main_of(again) == main_of(first)
    if "kpis" in url:
        assert 'src="/static/js/kpi-chart.js"' in again.content.decode()


def test_a_page_that_posts_is_never_cached(rf, demo_users):
    from django.core.exceptions import ImproperlyConfigured

    from reporting.page_cache import render_cached

    request = rf.get("/x/")
    request.user = demo_users["cabinet"]
    request.session = {}
    with pytest.raises(ImproperlyConfigured):
        render_cached(request, "registration/login.html", "login", lambda: {"form": None})


@pytest.mark.real_commits
@pytest.mark.django_db(transaction=True)
def test_the_version_changes_when_a_change_commits_and_not_when_it_rolls_back():
    from django.db import transaction

    from objectives.models import Strategy

    token = data_version()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Strategy.objects.create(name="Rolled back", slug="rolled-back")
            assert data_version() == token  # nothing changes before the commit
            raise RuntimeError("roll back")
    assert data_version() == token
    with transaction.atomic():
        Strategy.objects.create(name="Kept", slug="kept")
        assert data_version() == token
    assert data_version() != token


def test_an_officers_draft_leaves_the_readers_pages_alone_but_not_the_staffs(client_for, demo_users, sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    readers, everyone = data_version(published_only=True), data_version()
    draft = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=q2, state="draft",
                                           overall_rag="red", commentary="A draft")
    Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=q2, value=5)
    draft.commentary = "A draft, saved again"
    draft.save()
    assert data_version(published_only=True) == readers
    assert data_version() != everyone
    # submitting is still work in progress; approving is what readers see
    draft.state = "submitted"
    draft.save()
    assert data_version(published_only=True) == readers
    draft.state = "approved"
    draft.save()
    approved = data_version(published_only=True)
    assert approved != readers
    # a figure of an approved return, and taking the return back out of approval, are seen
    Measurement.objects.filter(kpi__code="HOU-02", period=q2).get().delete()
    assert data_version(published_only=True) != approved
    reloaded = QuarterlyReturn.objects.get(pk=draft.pk)
    before_reopen = data_version(published_only=True)
    reloaded.state = "draft"
    reloaded.save()
    assert data_version(published_only=True) != before_reopen


def test_a_reader_gets_the_new_page_once_a_return_is_approved(client_for, sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    url = "/dashboard/?period=2023-24-q2"
    client = client_for("cabinet")
    assert "Approved in the test" not in client.get(url).content.decode()
    ret = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=q2, state="draft",
                                         overall_rag="red", commentary="Approved in the test")
    cached = client.get(url).context
    assert cached is None or "data" not in cached  # still the cached page: a draft changes nothing for readers
    ret.state = "approved"
    ret.save()
    response = client.get(url)
    assert response.context["data"].counts["red"] == 1


def test_a_row_loaded_without_its_state_costs_no_query_and_counts_as_seen(sefton, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(QuarterlyReturn.objects.only("id", "sub_strand_id"))
    assert rows
    # Housing's Q1 return is published: taken back to draft through a row loaded without its
    # state, the change must still reach the readers (whether they saw it is not known here).
    housing = next(r for r in rows if r.sub_strand_id == SubStrand.objects.get(slug="housing").id
                   and QuarterlyReturn.objects.get(pk=r.pk).period.slug == "2023-24-q1")
    readers = data_version(published_only=True)
    housing.state = "draft"
    housing.save(update_fields=["state"])
    assert data_version(published_only=True) != readers


def test_unknown_pages_are_404s_and_leave_nothing_behind(client_for):
    from reporting import page_cache

    client = client_for("cabinet")
    for code in ("NO-SUCH-1", "NO-SUCH-2", "NO-SUCH-3"):
        assert client.get(f"/kpis/{code}/").status_code == 404
        assert client.get(f"/sub-strands/{code.lower()}/").status_code == 404
    assert page_cache._building == {}  # no builder's lock is left for pages that were never built


def test_adding_an_editor_changes_the_version_once(sefton, demo_users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sub = SubStrand.objects.get(slug="housing")
    token = data_version()
    with CaptureQueriesContext(connection) as ctx:
        sub.editors.add(demo_users["officer2"])
    assert data_version() != token
    assert sum('UPDATE "reporting_dataversion"' in q["sql"] for q in ctx.captured_queries) == 1
