"""The review queue on a large council (issue 24): what it builds for each waiting return is bounded
by what it shows. Each figure's period is built once per period, not once per figure (a council of
20 KPIs a return built two periods a KPI), and what a row shows is unchanged."""
import pytest

from objectives.roles import Role
from reporting.returns.review import review_queue
from tests.factories import (
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
    PeriodFactory,
    ReturnFactory,
    StrategyFactory,
    SubStrandFactory,
    UserFactory,
    approved_figures,
)


@pytest.fixture
def housing_with_kpis(db):
    """Housing submitted in 2023/24 Q3 with five KPIs: each approved in Q1 (its baseline, as Q2 has
    none) and entered in Q3."""
    strategy = StrategyFactory()
    housing = SubStrandFactory(objective=ObjectiveFactory(strategy=strategy), name="Housing", slug="housing")
    q1 = PeriodFactory(strategy=strategy, financial_year=2023, number=1, state="published")
    PeriodFactory(strategy=strategy, financial_year=2023, number=2, state="closed")
    q3 = PeriodFactory(strategy=strategy, financial_year=2023, number=3, state="open")
    ReturnFactory(sub_strand=housing, period=q1, state="published", overall_rag="green")
    ReturnFactory(sub_strand=housing, period=q3, state="submitted", overall_rag="amber")
    for n in range(5):
        kpi = KPIFactory(sub_strand=housing, code=f"HOU-{n + 1:02}", title=f"Homes {n}", order=n)
        approved_figures(MeasurementFactory(kpi=kpi, period=q1, value=700 + n, rag_calculated="green"))
        MeasurementFactory(kpi=kpi, period=q3, value=500 + n, rag_calculated="amber")
    return UserFactory(role=Role.APPROVER)


def test_the_review_queue_builds_each_period_once_not_once_a_figure(housing_with_kpis):
    [row] = review_queue(housing_with_kpis)
    assert len(row.kpi_changes) == 5
    assert len({id(change.before.period) for change in row.kpi_changes}) == 1  # was one for each KPI
    assert all(change.now.period is row.ret.period for change in row.kpi_changes)
    assert [change.before_text for change in row.kpi_changes] == [f"{700 + n} (2023/24 Q1)" for n in range(5)]
    assert [change.now_text for change in row.kpi_changes] == [str(500 + n) for n in range(5)]
    assert {change.movement_word for change in row.kpi_changes} == {"Worsened"}
