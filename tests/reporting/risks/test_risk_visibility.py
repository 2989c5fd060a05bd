"""Who sees a risk and its reviews (reporting.access RISK_REVIEWS, RISKS), each object rule agreeing
with its queryset twin; and the register's reads (reporting.risks.selectors) in a fixed number of queries."""
import pytest

from objectives.models import ReportingPeriod, Role
from reporting.access import PUBLIC, RISK_REVIEWS, RISKS
from reporting.models import Risk, RiskReview
from reporting.risks import selectors
from tests.factories import PeriodFactory, StrategyFactory, UserFactory
from tests.reporting.risks.helpers import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {role: UserFactory(username=role, role=getattr(Role, role.upper()))
            for role in ("officer", "coordinator", "approver", "reader")} | {
        "other": UserFactory(username="other", role=Role.OFFICER)}


@pytest.fixture
def world(people):
    strategy = StrategyFactory()
    period = PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN)
    risks = {}
    for reference, state, exempt in [("D", "draft", False), ("S", "submitted", False), ("A", "approved", False),
                                     ("P", "published", False), ("X", "published", True), ("N", None, False)]:
        risk = make_risk(strategy=strategy, reference=reference, owner=people["officer"], exempt=exempt)
        if state:
            RiskReview.objects.create(risk=risk, period=period, state=state, current_likelihood=2, current_impact=2)
        risks[reference] = risk
    return strategy, period, risks


def seen_reviews(user):
    by_rule = {r.risk.reference for r in RiskReview.objects.select_related("risk") if RISK_REVIEWS.test(user, r)}
    by_query = set(RISK_REVIEWS.filter(user, RiskReview.objects.all()).values_list("risk__reference", flat=True))
    assert by_rule == by_query
    return by_rule


def seen_risks(user):
    by_rule = {r.reference for r in Risk.objects.all() if RISKS.test(user, r)}
    by_query = set(RISKS.filter(user, Risk.objects.all()).values_list("reference", flat=True))
    assert by_rule == by_query
    return by_rule


def test_readers_see_approved_and_published_reviews(world, people):
    assert seen_reviews(people["reader"]) == {"A", "P", "X"}
    assert seen_risks(people["reader"]) == {"A", "P", "X"}


def test_the_public_never_sees_an_exempt_risk_or_an_unpublished_review(world):
    assert seen_reviews(PUBLIC) == {"P"}
    assert seen_risks(PUBLIC) == {"P"}


def test_the_owner_sees_their_drafts_another_officer_does_not(world, people):
    assert seen_reviews(people["officer"]) == {"D", "S", "A", "P", "X"}
    assert seen_risks(people["officer"]) == {"D", "S", "A", "P", "X", "N"}
    assert seen_reviews(people["other"]) == {"A", "P", "X"}


@pytest.mark.parametrize("who", ["coordinator", "approver"])
def test_the_staff_see_everything(world, people, who):
    assert seen_reviews(people[who]) == {"D", "S", "A", "P", "X"}
    assert seen_risks(people[who]) == {"D", "S", "A", "P", "X", "N"}


def test_latest_reviews_in_two_queries_whatever_the_number(world, people, django_assert_num_queries):
    strategy, period, risks = world
    later = PeriodFactory(strategy=strategy, number=2, state="closed")
    RiskReview.objects.create(risk=risks["A"], period=later, state="approved", current_likelihood=5, current_impact=5)
    listed = list(selectors.visible_risks(people["reader"], strategy))
    with django_assert_num_queries(1):
        latest = selectors.latest_reviews(listed, people["reader"])
    assert latest[risks["A"].pk].current_likelihood == 5
    assert selectors.latest_reviews(listed, people["reader"], period)[risks["A"].pk].current_likelihood == 2
    assert risks["D"].pk not in latest


def test_the_heat_map_counts_each_risk_in_its_cell(world, people):
    strategy, period, risks = world
    rows = selectors.heat_map(list(Risk.objects.filter(strategy=strategy)), period, people["coordinator"])
    assert len(rows) == 5 and len(rows[0]) == 5
    cell = rows[3][1]  # likelihood 2 (rows run 5 to 1), impact 2
    assert (cell.likelihood, cell.impact, cell.count, cell.band.name) == (2, 2, 5, "Low")
    assert rows[0][4].score == 25 and rows[0][4].band.name == "Very high"
