"""The dashboard's status filter lists exactly what its counts count (issue 22, point 6): both read
reporting.statuses.with_period_status."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from objectives.roles import Role
from tests.factories import ObjectiveFactory, PeriodFactory, ReturnFactory, StrategyFactory, SubStrandFactory, UserFactory


@pytest.fixture
def q2_with_a_red_draft(db):
    """2023/24 Q2: Housing a Red draft, Planning approved Green, Tourism submitted Amber, Digital
    with a draft with no status yet, Health with no return."""
    strategy = StrategyFactory()
    objective = ObjectiveFactory(strategy=strategy)
    q2 = PeriodFactory(strategy=strategy, financial_year=2023, number=2, state="open")
    for slug, state, rag in (("housing", "draft", "red"), ("planning", "approved", "green"),
                             ("tourism", "submitted", "amber"), ("digital", "draft", ""), ("health", None, None)):
        sub = SubStrandFactory(objective=objective, name=slug.title(), slug=slug)
        if state:
            ReturnFactory(sub_strand=sub, period=q2, state=state, overall_rag=rag)
    return q2


def listed_and_counted(user, period, status):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cache.clear()  # each page built here, not kept from the status before (reporting.readers_cache)
    everything = client.get(reverse("dashboard"), {"period": period.slug}).context["data"]
    counts = {**everything.counts, "not_approved": everything.not_approved, "none": everything.no_status}
    response = client.get(reverse("dashboard"), {"period": period.slug, "status": status})
    assert not response.context["data"].filterset.errors, status
    listed = {r.sub_strand.slug for g in response.context["data"].objectives for r in g.rows}
    return listed, counts[status]


@pytest.mark.parametrize(("role", "expected"), [
    (Role.APPROVER, {"red": set(), "amber": set(), "green": {"planning"}, "not_approved": {"housing", "tourism"},
                     "none": {"digital", "health"}}),
    (Role.READER, {"red": set(), "amber": set(), "green": {"planning"}, "none": {"housing", "tourism", "digital", "health"}}),
])
def test_the_status_filter_lists_exactly_what_each_count_counts(q2_with_a_red_draft, role, expected):
    user = UserFactory(role=role)
    for status, subs in expected.items():
        listed, counted = listed_and_counted(user, q2_with_a_red_draft, status)
        assert listed == subs, status  # the approver's ?status=red and ?status=none both listed Housing
        assert len(listed) == counted, status  # while the Red count said 0


def test_a_reader_is_not_offered_not_yet_approved(q2_with_a_red_draft):
    client = Client()
    client.force_login(UserFactory(role=Role.READER), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("dashboard"), {"period": q2_with_a_red_draft.slug, "status": "not_approved"})
    assert "Choose Red, Amber, Green or No approved status" in response.content.decode()
