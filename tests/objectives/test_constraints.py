"""Every database constraint of the strategy app refuses what it must."""
import datetime

import pytest
from django.db import IntegrityError, transaction

from objectives.models import Action, ActionPlan, Milestone, ReportingPeriod, StrategicObjective, SubStrand
from tests.factories import ObjectiveFactory, StrategyFactory, SubStrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_strategy(db):
    """Periods belong to a strategy: one saved without one belongs to the first."""
    return StrategyFactory()


def refused(fn):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            fn()


def test_objective_number_and_slug_are_unique_in_a_strategy():
    strategy = StrategyFactory()
    StrategicObjective.objects.create(strategy=strategy, number=1, name="A", slug="a")
    refused(lambda: StrategicObjective.objects.create(strategy=strategy, number=1, name="B", slug="b"))
    refused(lambda: StrategicObjective.objects.create(strategy=strategy, number=2, name="B", slug="a"))


def test_objective_number_is_positive():
    refused(lambda: StrategicObjective.objects.create(strategy=StrategyFactory(), number=0, name="A", slug="a"))


def test_sub_strand_slug_is_unique_and_order_unique_in_objective():
    sub = SubStrandFactory(slug="housing", order=1)
    refused(lambda: SubStrand.objects.create(objective=ObjectiveFactory(), name="x", slug="housing", order=1))
    refused(lambda: SubStrand.objects.create(objective=sub.objective, name="x", slug="other", order=1))


def test_one_period_per_quarter_and_slug_unique():
    ReportingPeriod.objects.create(financial_year=2023, number=1)
    refused(lambda: ReportingPeriod.objects.create(financial_year=2023, number=1, slug="other"))


@pytest.mark.parametrize("number", [0, 13])
def test_period_number_is_between_1_and_12(number):
    refused(
        lambda: ReportingPeriod.objects.create(
            financial_year=2023, number=number, slug=f"x{number}",
            start_date=datetime.date(2023, 4, 1), end_date=datetime.date(2023, 6, 30),
        )
    )


def test_period_ends_after_it_starts():
    refused(
        lambda: ReportingPeriod.objects.create(
            financial_year=2023, number=2, start_date=datetime.date(2023, 9, 30), end_date=datetime.date(2023, 7, 1)
        )
    )


def test_period_state_must_be_known():
    refused(lambda: ReportingPeriod.objects.create(financial_year=2023, number=3, state="lost"))


def test_period_dates_follow_the_financial_year():
    q1 = ReportingPeriod.objects.create(financial_year=2023, number=1)
    q4 = ReportingPeriod.objects.create(financial_year=2023, number=4)
    assert (q1.start_date, q1.end_date) == (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))
    assert (q4.start_date, q4.end_date) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert q1.slug == "2023-24-q1" and q1.label == "2023/24 Q1"
    assert q1.long_label == "Quarter 1 April–June 2023"


def test_action_number_unique_in_plan_and_status_valid():
    plan = ActionPlan.objects.create(name="P", slug="p")
    Action.objects.create(plan=plan, number=1, wording="w")
    refused(lambda: Action.objects.create(plan=plan, number=1, wording="again"))
    refused(lambda: Action.objects.create(plan=plan, number=2, wording="w", status="lost"))


def test_milestone_order_unique_in_action():
    action = Action.objects.create(plan=ActionPlan.objects.create(name="P", slug="p"), number=1, wording="w")
    Milestone.objects.create(action=action, title="a", order=1)
    refused(lambda: Milestone.objects.create(action=action, title="b", order=1))


def test_one_period_of_each_strategy_is_open_at_a_time(a_strategy):
    other = StrategyFactory(slug="climate", name="Climate Strategy")
    ReportingPeriod.objects.create(strategy=a_strategy, financial_year=2023, number=1, state="open")
    climate = ReportingPeriod.objects.create(strategy=other, financial_year=2023, number=1, state="open")
    assert climate.slug == "climate-2023-24-q1"  # the plain address is the first strategy's
    refused(lambda: ReportingPeriod.objects.create(strategy=a_strategy, financial_year=2023, number=2, state="open"))


def test_half_yearly_periods_follow_the_financial_year():
    from django.core.exceptions import ValidationError

    strategy = StrategyFactory(slug="twice-a-year", name="Twice a Year", cadence="half_yearly")
    h1 = ReportingPeriod.objects.create(strategy=strategy, financial_year=2023, number=1)
    h2 = ReportingPeriod.objects.create(strategy=strategy, financial_year=2023, number=2)
    assert (h2.start_date, h2.end_date) == (datetime.date(2023, 10, 1), datetime.date(2024, 3, 31))
    assert (h1.slug, h1.label, h2.long_label) == ("2023-24-h1", "2023/24 H1", "Half-year 2 October 2023–March 2024")
    assert h2.follows(h1) and h2.previous() == h1 and h2.order_key > h1.order_key
    late = ReportingPeriod(strategy=strategy, financial_year=2024, number=2, slug="late", start_date=datetime.date(2024, 10, 1),
                           end_date=datetime.date(2025, 3, 31), dashboard_deadline=datetime.date(2024, 9, 1))
    with pytest.raises(ValidationError, match=r"must be on or after the start of the half-year \(1 October 2024\)"):
        late.full_clean()
    with pytest.raises(ValidationError, match="numbered 1 or 2"):
        ReportingPeriod(strategy=strategy, financial_year=2023, number=3).full_clean()
    strategy.cadence = "quarterly"
    with pytest.raises(ValidationError, match="already has periods of another cadence"):
        strategy.full_clean()
