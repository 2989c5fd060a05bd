"""No N+1: each returns page makes the same number of queries with a little data and with a lot."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import Action, ActionPlan, ReportingPeriod, SubStrand
from reporting import readers_cache
from reporting.models import ActionUpdate, QuarterlyReturn
from reporting.returns import services
from reporting.returns.completeness import return_problems
from reporting.returns.selectors import my_returns
from tests.factories import KPIFactory, ObjectiveFactory, SubStrandFactory
from tests.reporting._returns_support import (  # noqa: F401
    built,
    fast_password_hashing,
    fill,
    housing_return,
    read_as_facts,
    return_url,
)


CALENDAR_QUERIES = 9  # the calendar page, served again: the session, the person, their roles, the data version, and five of its own


def count_queries(client, url):
    """The queries of the page as it is served again and again: after a first request, which reads
    what requests share once the data has changed (reporting.readers_cache.shared_between_requests)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def grow(users, n):
    """n more sub-strands led by the officer, each with 4 KPIs, a Q1 approved and a Q2 submitted return."""
    q1, q2 = ReportingPeriod.objects.get(slug="2023-24-q1"), ReportingPeriod.objects.get(slug="2023-24-q2")
    objective = ObjectiveFactory()
    for i in range(n):
        sub = SubStrandFactory(objective=objective, lead_officer=users["officer"])
        sub.editors.add(users["officer"])
        kpis = [KPIFactory(sub_strand=sub, cadence="annual") for _ in range(3)]
        kpis.append(KPIFactory(sub_strand=sub, unit="milestone", direction="milestone"))
        for period, state in ((q1, "approved"), (q2, "submitted")):
            QuarterlyReturn.objects.create(sub_strand=sub, period=period, state=state, overall_rag="amber",
                                           commentary=f"{sub.name} {period.label}")
            for k in kpis:
                if k.is_milestone:
                    Measurement.objects.create(kpi=k, period=period, milestone_status="on_track", rag_calculated="green")
                else:
                    Measurement.objects.create(kpi=k, period=period, value=10 + i, rag_calculated="amber")


def count_built_queries(client, url, monkeypatch):
    """count_queries, of the page built from the data: its content not served from what is kept
    (reporting.readers_cache.kept builds it), what requests share read once, as count_queries reads it."""
    with monkeypatch.context() as patched:
        patched.setattr(readers_cache, "kept", lambda request, name, *parts, user=None, build: build())
        return count_queries(client, url)


PAGES = [
    ("officer", lambda: reverse("my-returns")),
    ("coordinator", lambda: reverse("my-returns")),
    ("approver", lambda: reverse("review-queue")),
    ("coordinator", lambda: reverse("period-calendar")),
]
# At most this many queries each (issue 24): My returns reads each KPI with its figure beside it, in one
# query, and the strategy of its period is the one the page chose (no query).
MOST = {"my-returns-officer": 14, "my-returns-economy-cell": 13, "review-queue": 11, "calendar": 13}


@pytest.mark.django_db
@pytest.mark.parametrize("username, url", PAGES, ids=["my-returns-officer", "my-returns-economy-cell", "review-queue", "calendar"])
def test_list_pages_make_the_same_number_of_queries_at_two_sizes(demo_users, client_for, username, url, request, monkeypatch):
    client = client_for(username)
    grow(demo_users, 2)
    client.get(url())  # warm up (session, content types)
    small = count_built_queries(client, url(), monkeypatch)
    grow(demo_users, 25)
    large = count_built_queries(client, url(), monkeypatch)
    assert small == large, f"{url()}: {small} queries with a little data, {large} with a lot"
    assert small <= MOST[request.node.callspec.id]


def grow_housing(users, n):
    """n more KPIs, actions and saves (history entries) on the Q2 Housing return."""
    sub = SubStrand.objects.get(slug="housing")
    plan = ActionPlan.objects.get(slug="ses-2023-24")
    start = (KPI.objects.filter(sub_strand=sub).count() or 0) + 1
    for i in range(n):
        KPIFactory(sub_strand=sub, order=start + i, cadence="quarterly")
        Action.objects.create(plan=plan, number=100 + Action.objects.filter(plan=plan).count(), sub_strand=sub,
                              title=f"Housing action {i}")
    ret = QuarterlyReturn.objects.get(sub_strand=sub, period__slug="2023-24-q2")
    changes = {f"kpi-{k.id}-value": str(50 + k.id) for k in KPI.objects.filter(sub_strand=sub, is_active=True)
               if not k.is_milestone and k.code != "HOU-01"}
    changes.update({f"action-{a.id}-narrative": f"Progress on {a.title}" for a in Action.objects.filter(sub_strand=sub)})
    changes["overall_rag"] = "amber"
    for round_ in range(2):
        ret = fill(QuarterlyReturn.objects.get(pk=ret.pk), users["officer"],
                   {**changes, "commentary": f"Round {round_} with {n} more"})
    return ret


@pytest.fixture
def built_every_time(monkeypatch):
    """The page's content built for each request, never served kept (reporting.readers_cache): its
    build's queries are what is counted (the kept page's are pinned in test_return_page_kept)."""
    from reporting import readers_cache

    monkeypatch.setattr(readers_cache, "kept", lambda request, name, *parts, user=None, build: build())


@pytest.mark.django_db
@pytest.mark.parametrize("username, most", [("officer", 18), ("approver", 17)])
def test_the_return_page_makes_the_same_number_of_queries_at_two_sizes(demo_users, client_for, username, most,
                                                                       built_every_time):
    housing_return(demo_users, "draft")
    client = client_for(username)
    grow_housing(demo_users, 1)
    client.get(return_url())
    small = count_queries(client, return_url())
    grow_housing(demo_users, 12)
    assert ActionUpdate.objects.filter(quarterly_return__sub_strand__slug="housing").count() >= 13
    large = count_queries(client, return_url())
    assert small == large, f"the return page: {small} queries with a little data, {large} with a lot"
    assert small <= most, f"the return page: {small} queries, at most {most}"


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["officer", "coordinator"])
def test_the_return_page_reads_what_it_does_not_sort_without_its_models_ordering(demo_users, client_for, username):
    """The return, the period before, the figures and the targets are looked up or gathered into a
    dict: none is sorted by its model's ordering, which joins the strategy, objective and sub-strand
    tables for nothing (5 ms on PostgreSQL for last quarter's figures of a large council)."""
    housing_return(demo_users, "draft")
    client = client_for(username)
    client.get(return_url())
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(return_url()).status_code == 200
    orders = [q["sql"].rpartition("ORDER BY")[2] for q in ctx.captured_queries if "ORDER BY" in q["sql"]]
    sorted_by_joins = [o for o in orders if '"objectives_strategy"."name"' in o or '"objectives_strategicobjective"."number"' in o]
    assert sorted_by_joins == [], [q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"] and any(o in q["sql"] for o in sorted_by_joins)]


@pytest.mark.django_db
def test_my_returns_reads_the_kpis_and_figures_only_of_the_returns_still_to_be_submitted(demo_users, monkeypatch):
    """What is missing is asked only of a started return still outstanding: a sub-strand not started is
    "Not started", a submitted return lists nothing. It used to read every KPI of every sub-strand."""
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    housing_return(demo_users, "submitted")
    planning = services.start_return(sub_strand=SubStrand.objects.get(slug="planning"), period=q2, by=demo_users["officer"])
    kpis, figures = read_as_facts(monkeypatch)
    _, rows = my_returns(demo_users["coordinator"], period=q2)
    assert kpis and {k.sub_strand_id for k in kpis} == {planning.sub_strand_id}
    assert {m.kpi_id for m in figures} <= {k.id for k in kpis}
    assert len(rows) == SubStrand.objects.filter(objective__strategy_id=q2.strategy_id).count()
    by_slug = {row.sub_strand.slug: row for row in rows}
    assert by_slug["housing"].missing == [] and by_slug["planning"].missing


@pytest.mark.django_db
def test_my_returns_reads_the_kpis_and_figures_as_values_not_model_instances(demo_users):
    """A council's My returns reads the KPIs and figures of every return still to be submitted (1,200 of
    each on a large one): as the values the completeness rules ask (reporting.returns.completeness's
    KpiFacts and FigureFacts), not a model instance each, and says the same "Still missing"."""
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    planning = services.start_return(sub_strand=SubStrand.objects.get(slug="planning"), period=q2, by=demo_users["officer"])
    kpis = list(KPI.objects.filter(sub_strand_id=planning.sub_strand_id, is_active=True).order_by("order", "code"))
    red, frozen = kpis[0], kpis[1]
    Measurement.objects.create(kpi=red, period=q2, value=5, rag_calculated="red")
    Measurement.objects.create(kpi=frozen, period=q2, value=5, rag_calculated="red", commentary="Why.",
                               frozen_at="2023-11-01T00:00Z", frozen_rag="green")
    with built(KPI) as kpis_built, built(Measurement) as figures_built:
        _, rows = my_returns(demo_users["coordinator"], period=q2)
    assert kpis_built == [] and figures_built == []
    missing = {row.sub_strand.slug: row.missing for row in rows}["planning"]
    assert f"{red.code} is rated Red by the rules: explain why in its commentary" in missing
    assert not any(item.startswith(f"{frozen.code}:") or item.startswith(f"{frozen.code} ") for item in missing)
    assert missing == list(return_problems(planning).values())


@pytest.mark.django_db
def test_the_calendar_reads_the_years_periods_once_and_each_returns_state_as_a_value(demo_users, client_for):
    """The calendar reads the strategy's periods once (the year it opens at, the years it links to and the
    year shown), their events, the sub-strands with their people, and the returns' states: the same few
    queries at two sizes."""
    client = client_for("coordinator")
    url = reverse("period-calendar")
    grow(demo_users, 2)
    client.get(url)
    small = count_queries(client, url)
    grow(demo_users, 25)
    assert count_queries(client, url) == small == CALENDAR_QUERIES
