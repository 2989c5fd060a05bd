"""The targets page's fields drawn from the targets are kept for everyone of the same audience
(reporting.readers_cache), for each year, strategy and page: a second coordinator is served them
with fewer queries, a target set changes them at once, and a form posted back is never kept."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI, Target
from objectives.roles import Role
from tests.factories import KPIFactory, SubStrandFactory, TargetFactory, UserFactory
from tests.reporting._returns_support import fast_password_hashing, form_fields  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/years/2024/targets/"
KEPT_QUERIES = 4  # the session, the person, their roles and the data version


@pytest.fixture
def next_year(client_for, settings):
    settings.READERS_CACHE_SECONDS = 600
    client_for("coordinator").post(reverse("year-set-up", args=[2024]), {})  # 2024/25, targets carried forward


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def queries(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries), response


def main(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())
    return re.search(r"<main.*</main>", html, flags=re.S).group(0)


def grow(n):
    sub = SubStrandFactory(objective=KPI.objects.get(code="HOU-01").sub_strand.objective, order=99)
    for _ in range(n):
        TargetFactory(kpi=KPIFactory(sub_strand=sub), financial_year=2024, value=10, kind="corporate")


def test_a_second_coordinator_is_served_the_kept_fields_with_fewer_queries(next_year, demo_users):
    first, second = signed_in(demo_users["coordinator"]), signed_in(UserFactory(role=Role.COORDINATOR))
    second.get(reverse("home"))  # what every request shares, read once
    built, page = queries(first)
    kept, again = queries(second)
    assert kept < built, (kept, built)
    assert kept <= KEPT_QUERIES, kept
    assert main(again.content) == main(page.content)
    assert "csrfmiddlewaretoken" in again.content.decode()


def test_the_kept_page_makes_the_same_number_of_queries_at_two_sizes(next_year, client_for):
    coordinator = client_for("coordinator")
    coordinator.get(URL)
    small, _ = queries(coordinator)
    grow(60)
    coordinator.get(URL)
    large, page = queries(coordinator)
    assert "KPIs 1 to 50 of" in page.content.decode()
    assert small == large, f"the kept targets page: {small} queries with a little data, {large} with a lot"
    assert small <= KEPT_QUERIES, small


def test_each_page_of_kpis_is_its_own(next_year, client_for):
    grow(60)
    coordinator = client_for("coordinator")
    first, second = coordinator.get(URL).content.decode(), coordinator.get(URL + "?page=2").content.decode()
    assert "KPIs 1 to 50 of" in first and "KPIs 51 to" in second
    assert coordinator.get(URL).content.decode().count("KPIs 1 to 50 of") == 1


def test_a_target_set_changes_the_kept_page_at_once(next_year, client_for, demo_users):
    hou01 = KPI.objects.get(code="HOU-01")
    reader, writer = signed_in(UserFactory(role=Role.COORDINATOR)), client_for("coordinator")
    assert form_fields(reader.get(URL).content, "")[f"target-{hou01.id}-value"] != "4,321"
    opened = form_fields(writer.get(URL).content, "")
    opened.update({f"target-{hou01.id}-value": "4321", f"target-{hou01.id}-kind": "corporate"})
    assert writer.post(URL, opened).status_code == 302
    assert Target.objects.get(kpi=hou01, financial_year=2024, is_primary=True).value == 4321
    assert form_fields(reader.get(URL).content, "")[f"target-{hou01.id}-value"] == "4,321"


def test_a_form_posted_back_with_its_errors_is_never_kept(next_year, client_for):
    hou01 = KPI.objects.get(code="HOU-01")
    coordinator = client_for("coordinator")
    opened = form_fields(coordinator.get(URL).content, "")
    opened.update({f"target-{hou01.id}-value": "not a number"})
    refused = coordinator.post(URL, opened)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    again = coordinator.get(URL).content.decode()
    assert "There is a problem" not in again and "not a number" not in again
