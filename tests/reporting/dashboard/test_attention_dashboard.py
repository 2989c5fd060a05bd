"""What needs attention at the top of the dashboard, and the stale figures' count and list: from the
figures the person may see (a reader never finds a draft in a line), each line's link to its KPI,
and a fixed number of queries at two data sizes."""
import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpis.models import Measurement
from objectives.models import ReportingPeriod
from objectives.roles import Role
from reporting.models import QuarterlyReturn
from tests.factories import KPIFactory, ObjectiveFactory, StrategyFactory, SubStrandFactory, UserFactory

STEADY = [100, 102, 98] * 4 + [100]
BELOW_LIMIT = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 102, 98, 100, 60]


def periods(count, last=(2023, 2)):
    """`count` published quarters of the test strategy ending with `last`, oldest first."""
    strategy = StrategyFactory()
    fy, q = last
    made = []
    for _ in range(count):
        made.append(ReportingPeriod.objects.get_or_create(strategy=strategy, financial_year=fy, number=q,
                                                          defaults={"state": "published"})[0])
        fy, q = (fy, q - 1) if q > 1 else (fy - 1, 4)
    return made[::-1]


def plant(kpi, values, *, rags=None, commentary="Explained.", frozen=True):
    """The KPI's figures, approved (or drafts), one a quarter, the last for 2023/24 Q2."""
    made = []
    for i, (period, value) in enumerate(zip(periods(len(values)), values)):
        rag = (rags or [""] * len(values))[i]
        made.append(Measurement.objects.create(
            kpi=kpi, period=period, value=Decimal(value), rag_calculated=rag, commentary=commentary,
            frozen_at=timezone.now() if frozen else None, frozen_rag=rag if frozen else ""))
    return made


def publish_returns(sub):
    for period in periods(14):
        QuarterlyReturn.objects.get_or_create(sub_strand=sub, period=period, defaults={"state": "published", "overall_rag": "green"})


@pytest.fixture
def council(db):
    objective = ObjectiveFactory(strategy=StrategyFactory())
    housing = SubStrandFactory(objective=objective, name="Housing", lead_service="Planning")
    other = SubStrandFactory(objective=ObjectiveFactory(strategy=StrategyFactory()), name="Tourism", lead_service="Tourism")
    publish_returns(housing)
    publish_returns(other)
    concern = KPIFactory(sub_strand=housing, code="HOU-1", title="Homes built", cadence="quarterly")
    plant(concern, BELOW_LIMIT)
    red = KPIFactory(sub_strand=other, code="TOU-1", title="Visitors", cadence="quarterly")
    plant(red, STEADY, rags=[""] * 11 + ["red", "red"])
    return {"housing": housing, "other": other, "concern": concern, "red": red}


def login(role):
    client = Client()
    client.force_login(UserFactory(role=role), backend="django.contrib.auth.backends.ModelBackend")
    return client


def attention_of(response):
    return response.context["data"].attention


def test_the_dashboard_opens_with_what_needs_attention_ranked(council):
    response = login(Role.READER).get(reverse("dashboard"))
    html = response.content.decode()
    lines = attention_of(response).lines
    assert [(line.kpi.code, line.rule.key) for line in lines] == [("HOU-1", "special_cause"), ("TOU-1", "red_running")]
    assert html.index("What needs attention") < html.index("Overall status in")
    assert "HOU-1 Homes built</a>: 60 for 2023/24 Q2 is below the lower process limit" in html
    assert "TOU-1 Visitors</a>: Red for 2023/24 Q1 (98) and for 2023/24 Q2 (100): Red two quarters running." in html


def test_a_reader_follows_each_line_to_its_kpi_page(council):
    client = login(Role.READER)
    lines = attention_of(client.get(reverse("dashboard"))).lines
    assert lines
    for line in lines:
        page = client.get(line.kpi.get_absolute_url())
        assert page.status_code == 200
        assert line.kpi.title in page.content.decode()


def test_a_reader_never_finds_a_draft_figure_in_a_line(council):
    draft_kpi = KPIFactory(sub_strand=council["housing"], code="HOU-2", title="Drafted", cadence="quarterly")
    # approved figures to 2023/24 Q1, the last Red; a draft Red figure for Q2: Red two quarters running, to those who see drafts
    for period, rag in zip(periods(3, last=(2023, 1)), ["green", "green", "red"]):
        Measurement.objects.create(kpi=draft_kpi, period=period, value=Decimal(50), rag_calculated=rag, frozen_rag=rag,
                                   frozen_at=timezone.now(), commentary="x")
    Measurement.objects.create(kpi=draft_kpi, period=periods(1)[0], value=Decimal("424242"), rag_calculated="red",
                               commentary="")
    reader = attention_of(login(Role.READER).get(reverse("dashboard")))
    assert not any("424,242" in line.sentence or line.is_draft for line in reader.lines)
    coordinator = attention_of(login(Role.COORDINATOR).get(reverse("dashboard")))
    drafted = [line for line in coordinator.lines if line.kpi.code == "HOU-2"]
    assert drafted and drafted[0].is_draft and "424,242" in drafted[0].sentence


def test_the_dashboard_counts_the_stale_figures_and_links_to_the_list(council):
    old = KPIFactory(sub_strand=council["housing"], code="HOU-3", title="Old survey", cadence="quarterly")
    Measurement.objects.create(kpi=old, period=periods(14)[0], value=Decimal(3), frozen_at=timezone.now(), commentary="x")
    late = KPIFactory(sub_strand=council["housing"], code="HOU-4", title="Late survey", cadence="quarterly")
    Measurement.objects.create(kpi=late, period=periods(14)[0], value=None, not_available=True,
                               expected_date=datetime.date(2022, 1, 1), frozen_at=timezone.now(), commentary="Delayed.")
    client = login(Role.READER)
    response = client.get(reverse("dashboard"))
    data = attention_of(response)
    assert [f.kpi.code for f in data.stale] == ["HOU-3"]  # not yet available is never stale
    html = response.content.decode()
    assert f'href="{reverse("stale-figures")}">1 KPI whose latest figure is older than its cadence allows</a>' in html
    listed = client.get(reverse("stale-figures")).content.decode()
    assert "HOU-3</a> Old survey" in listed and "30 September 2020" in listed
    assert "HOU-4" not in listed


def test_the_stale_list_is_filtered_as_the_dashboard_is(council):
    KPIFactory(sub_strand=council["other"], code="TOU-9", title="Old count", cadence="quarterly")
    from kpis.models import KPI

    Measurement.objects.create(kpi=KPI.objects.get(code="TOU-9"), period=periods(14)[0], value=Decimal(3),
                               frozen_at=timezone.now(), commentary="x")
    old = KPIFactory(sub_strand=council["housing"], code="HOU-3", title="Old survey", cadence="quarterly")
    Measurement.objects.create(kpi=old, period=periods(14)[0], value=Decimal(3), frozen_at=timezone.now(), commentary="x")
    client = login(Role.COORDINATOR)
    objective = council["other"].objective
    response = client.get(reverse("stale-figures"), {"objective": objective.pk})
    assert [f.kpi.code for f in response.context["data"].attention.stale] == ["TOU-9"]
    dashboard = client.get(reverse("dashboard"), {"objective": objective.pk}).content.decode()
    assert f'{reverse("stale-figures")}?objective={objective.pk}' in dashboard


def count_queries(client, url):
    assert client.get(url).status_code == 200
    cache.clear()  # built from the data, not served from what readers' pages keep (reporting.readers_cache)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("role", [Role.READER, Role.COORDINATOR])
def test_attention_takes_the_same_queries_at_two_data_sizes(council, role):
    client = login(role)
    small, response = count_queries(client, reverse("dashboard"))
    assert len(attention_of(response).lines) == 2
    for n in range(8):
        kpi = KPIFactory(sub_strand=council["housing"], cadence="quarterly")
        values = BELOW_LIMIT if n % 2 else STEADY
        plant(kpi, values, rags=[""] * (len(values) - 2) + ["red", "red"])
    large, response = count_queries(client, reverse("dashboard"))
    assert len(attention_of(response).lines) == 10
    assert large == small
    stale_small, _ = count_queries(client, reverse("stale-figures"))
    for n in range(4):
        kpi = KPIFactory(sub_strand=council["other"], cadence="quarterly")
        Measurement.objects.create(kpi=kpi, period=periods(14)[0], value=Decimal(3), frozen_at=timezone.now())
    stale_large, response = count_queries(client, reverse("stale-figures"))
    assert len(response.context["data"].attention.stale) == 4
    assert stale_large == stale_small
