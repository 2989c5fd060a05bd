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


# The KPI rows as the page's template loop drew them before they were drawn in Python (issue 24).
TEMPLATE_LOOP = """{% load ses %}{% for change in changes %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">{{ change.kpi.code }} {{ change.kpi.title }}</th>
          <td class="govuk-table__cell">{{ change.before_text }}</td>
          <td class="govuk-table__cell">{{ change.now_text }}</td>
          <td class="govuk-table__cell">{% figure_rag change.now change.kpi.no_rating_words %}</td>
          <td class="govuk-table__cell app-movement">{{ change.movement_word }}</td>
        </tr>
        {% endfor %}"""


@pytest.fixture
def varied_kpis(housing_with_kpis):
    """Besides the five KPIs: a title with characters HTML must escape, an override with its reason,
    a figure not yet available, a milestone, a contextual KPI with no figure, one with no baseline."""
    q1, q3 = (ReturnFactory._meta.model.objects.get(state=state).period for state in ("published", "submitted"))
    housing = q3.returns.get().sub_strand
    odd = KPIFactory(sub_strand=housing, code="HOU-<6>", title='Rents & "fair" <b>rents</b> it\'s', order=6)
    approved_figures(MeasurementFactory(kpi=odd, period=q1, value=12, rag_calculated="red"))
    MeasurementFactory(kpi=odd, period=q3, value=14, rag_calculated="red", rag_override="green",
                       override_reason="The <survey> & the count agree")
    late = KPIFactory(sub_strand=housing, code="HOU-07", title="Late figure", order=7)
    MeasurementFactory(kpi=late, period=q3, value=None, not_available=True)
    milestone = KPIFactory(sub_strand=housing, code="HOU-08", title="New policy", order=8, kind="milestone",
                           unit="milestone", direction="milestone")
    approved_figures(MeasurementFactory(kpi=milestone, period=q1, value=None, milestone_status="on_track", rag_calculated="green"))
    MeasurementFactory(kpi=milestone, period=q3, value=None, milestone_status="at_risk", rag_calculated="amber")
    KPIFactory(sub_strand=housing, code="HOU-09", title="Population", order=9, kind="contextual")
    fresh = KPIFactory(sub_strand=housing, code="HOU-10", title="New this year", order=10)
    MeasurementFactory(kpi=fresh, period=q3, value=3, rag_calculated="green")
    return housing_with_kpis


def test_the_review_queue_draws_its_kpi_rows_as_its_template_loop_did(varied_kpis):
    from django.template import Context, Template

    from reporting.templatetags.review_queue import kpi_change_rows

    [row] = review_queue(varied_kpis)
    assert len(row.kpi_changes) == 10
    drawn = kpi_change_rows(row.kpi_changes)
    assert drawn == Template(TEMPLATE_LOOP).render(Context({"changes": row.kpi_changes}))
    assert "HOU-&lt;6&gt; Rents &amp; &quot;fair&quot; &lt;b&gt;rents&lt;/b&gt; it&#x27;s" in drawn
    assert "The &lt;survey&gt; &amp; the count agree" in drawn
    assert "Contextual: not rated" in drawn and "Not yet available" in drawn


def test_the_review_queue_finds_each_kpis_baseline_by_its_index_not_by_reading_its_figures(housing_with_kpis):
    """The baselines (each KPI's latest approved figure as at the period before) are found by a seek
    on (KPI, next approved figure's key) per KPI: SQLite read every figure of each KPI through the
    KPI's index, 40 a KPI on a large council, to keep one or two (issue 24)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        review_queue(housing_with_kpis)
    [figures] = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "kpis_measurement"."id"')]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + figures)
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
        assert "figure_kpi_next_approved (kpi_id=? AND next_approved_key>?)" in plan, plan
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'figure_kpi_next_approved'")
            assert cursor.fetchone()[0].endswith("(kpi_id, next_approved_key)")
