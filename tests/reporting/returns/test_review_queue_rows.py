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


# Each waiting return's section as the page's template drew it before it was drawn in Python (issue 24).
TEMPLATE_SECTION = """{% load ses l10n %}<section class="app-review" aria-labelledby="review-{{ row.ret.pk|unlocalize }}">
    <h2 class="govuk-heading-m" id="review-{{ row.ret.pk|unlocalize }}">
      <a class="govuk-link" href="{{ row.ret.get_absolute_url }}">{{ row.ret.sub_strand.full_name }}</a>
      <span class="govuk-caption-m">{{ row.ret.period.label }}{% if row.ret.submitted_at %}, submitted {{ row.ret.submitted_at|date:"j F Y" }}{% if row.ret.submitted_by %} by {{ row.ret.submitted_by|person }}{% endif %}{% endif %}</span>
    </h2>
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Overall status</dt>
        <dd class="govuk-summary-list__value">{% rag_tag row.ret.overall_rag %}
          <span class="govuk-body-s app-movement">{{ row.overall_movement }}{% if row.earlier %}: {{ row.earlier.period.label }} was {% rag_tag row.earlier.overall_rag %}{% endif %}</span></dd>
      </div>
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Commentary</dt>
        <dd class="govuk-summary-list__value">{% if row.commentary_change == "unchanged" %}<strong>{{ row.commentary_change_words }}</strong>{% else %}{{ row.commentary_change_words }}{% endif %}
          <details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Read the commentary</span></summary>
          <div class="govuk-details__text">{{ row.ret.commentary|typed_text }}</div></details></dd>
      </div>
      {% if row.ret.rag_explanation %}
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Why the status differs from the KPIs</dt>
        <dd class="govuk-summary-list__value">{{ row.ret.rag_explanation|typed_text }}</dd>
      </div>
      {% endif %}
    </dl>
    {% if row.kpi_changes %}
    <div class="app-scroll-region" role="region" aria-label="KPIs of {{ row.ret.sub_strand.name }}: this {{ row.ret.period.word }} against last {{ row.ret.period.word }} (scrolls sideways)" tabindex="0">
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--s">KPIs: this {{ row.ret.period.word }} against last {{ row.ret.period.word }}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">KPI</th>
          <th scope="col" class="govuk-table__header">Last {{ row.ret.period.word }}</th>
          <th scope="col" class="govuk-table__header">This {{ row.ret.period.word }}</th>
          <th scope="col" class="govuk-table__header">Status</th>
          <th scope="col" class="govuk-table__header">Movement</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {% for change in row.kpi_changes %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">{{ change.kpi.code }} {{ change.kpi.title }}</th>
          <td class="govuk-table__cell">{{ change.before_text }}</td>
          <td class="govuk-table__cell">{{ change.now_text }}</td>
          <td class="govuk-table__cell">{% figure_rag change.now change.kpi.no_rating_words %}</td>
          <td class="govuk-table__cell app-movement">{{ change.movement_word }}</td>
        </tr>
        {% endfor %}
      </tbody>
    </table>
    </div>
    {% endif %}
    {% if row.ret.pk in approvable %}
    <input type="hidden" name="version-{{ row.ret.pk|unlocalize }}" value="{{ row.ret.version|unlocalize }}">
    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input app-approve-choice" id="approve-{{ row.ret.pk|unlocalize }}" name="returns" type="checkbox" value="{{ row.ret.pk|unlocalize }}"{% if row.ret.pk in selected %} checked{% endif %}>
        <label class="govuk-label govuk-checkboxes__label" for="approve-{{ row.ret.pk|unlocalize }}">Select {{ row.ret.sub_strand.name }} {{ row.ret.period.label }} to approve with others</label>
      </div>
    </div>
    {% endif %}
    <div class="govuk-button-group app-review__actions">
      {% if row.ret.pk in approvable %}
      <button type="submit" class="govuk-button" data-module="govuk-button" formaction="{% url 'return-approve' row.ret.period.slug row.ret.sub_strand.slug %}" name="version" value="{{ row.ret.version|unlocalize }}">Approve<span class="govuk-visually-hidden"> {{ row.ret.sub_strand.name }} {{ row.ret.period.label }}</span></button>
      {% endif %}
      <a class="govuk-button govuk-button--secondary" data-module="govuk-button" href="{% url 'return-send-back' row.ret.period.slug row.ret.sub_strand.slug %}">Return it for changes<span class="govuk-visually-hidden">: {{ row.ret.sub_strand.name }} {{ row.ret.period.label }}</span></a>
    </div>
  </section>"""


@pytest.fixture
def varied_queue(housing_with_kpis):
    """Housing's KPIs besides the five: a title with characters HTML must escape, an override with its
    reason, a figure not yet available, a milestone, a contextual KPI with no figure, one with no
    baseline. Beside it, Parks: no KPIs, its commentary as the quarter before's, a status that differs
    from its KPIs, submitted by a named officer in a sub-strand whose name HTML must escape."""
    from datetime import datetime, timezone

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
    parks = SubStrandFactory(objective=housing.objective, name="Parks & <green> spaces", slug="parks", order=99)
    q2 = PeriodFactory(strategy=q1.strategy, financial_year=2023, number=2)
    ReturnFactory(sub_strand=parks, period=q2, state="approved", overall_rag="green", commentary="All well.\n\nStill.")
    ReturnFactory(sub_strand=parks, period=q3, state="submitted", overall_rag="", commentary="All well.\n\nStill.",
                  rag_explanation='One KPI <late> & one "missed"\n\n- a list\n- of points',
                  submitted_at=datetime(2023, 10, 20, 23, 30, tzinfo=timezone.utc),
                  submitted_by=UserFactory(first_name="Olivia", last_name="O'Brien <Officer>"))
    return housing_with_kpis


def test_the_review_queue_draws_each_return_as_its_template_did(varied_queue):
    from django.template import Context, Template

    from reporting.templatetags.review_queue import kpi_change_rows, review_section

    rows = {row.ret.sub_strand.slug: row for row in review_queue(varied_queue)}  # the queue's order is the strategy's
    housing, parks = rows["housing"], rows["parks"]
    assert (len(housing.kpi_changes), len(parks.kpi_changes)) == (10, 0)
    assert parks.commentary_change == "unchanged" and parks.earlier is not None
    old = Template(TEMPLATE_SECTION)
    for row in (housing, parks):
        for approvable, selected in (((), ()), ({row.ret.pk}, ()), ({row.ret.pk}, {row.ret.pk})):
            drawn = review_section(row, approvable, selected)
            assert drawn == old.render(Context({"row": row, "approvable": approvable, "selected": selected}))
    rows = kpi_change_rows(housing.kpi_changes)
    assert "HOU-&lt;6&gt; Rents &amp; &quot;fair&quot; &lt;b&gt;rents&lt;/b&gt; it&#x27;s" in rows
    assert "The &lt;survey&gt; &amp; the count agree" in rows
    assert "Contextual: not rated" in rows and "Not yet available" in rows
    drawn = review_section(parks, {parks.ret.pk}, {parks.ret.pk})
    assert "Parks &amp; &lt;green&gt; spaces" in drawn and "Olivia O&#x27;Brien &lt;Officer&gt;" in drawn
    assert "submitted 21 October 2023" in drawn  # in the UK's time: 00:30 BST on the 21st
    assert "One KPI &lt;late&gt;" in drawn and " checked>" in drawn


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


def test_the_review_queue_reverses_each_periods_addresses_once_not_for_each_return(varied_queue, monkeypatch):
    """A waiting return's page, Approve and "Return it for changes" addresses are reversed once a
    period and the sub-strand's slug put in its place (issue 24): three a period, not three a return."""
    from django.urls.resolvers import URLResolver

    from reporting.templatetags.review_queue import review_section

    reversed_ = []
    real = URLResolver._reverse_with_prefix
    monkeypatch.setattr(URLResolver, "_reverse_with_prefix",
                        lambda self, name, *a, **k: reversed_.append(name) or real(self, name, *a, **k))
    rows = review_queue(varied_queue)
    drawn = [review_section(row, {row.ret.pk}, ()) for row in rows]
    assert len(rows) == 2 and len({row.ret.period_id for row in rows}) == 1
    assert sorted(reversed_) == ["return", "return-approve", "return-send-back"]
    parks = next(d for d in drawn if "Parks" in d)
    q3 = rows[0].ret.period.slug
    for address in (f"/periods/{q3}/returns/parks/", f"/periods/{q3}/returns/parks/approve/",
                    f"/periods/{q3}/returns/parks/send-back/"):
        assert f'"{address}"' in parks


def test_the_review_queue_reads_its_kpis_and_figures_as_values_not_model_instances(varied_queue):
    """Ten waiting returns of twenty KPIs are 200 KPIs and 400 figures: read as the values a row shows
    (ShownKpi, ShownFigure, which ask the KPI's and Measurement's own rules), not a model each."""
    from kpis.models import KPI, Measurement
    from tests.reporting._returns_support import built

    with built(KPI) as kpis_built, built(Measurement) as figures_built:
        rows = review_queue(varied_queue)
    assert kpis_built == [] and figures_built == []
    housing = next(row for row in rows if row.ret.sub_strand.slug == "housing")
    odd = next(change for change in housing.kpi_changes if change.kpi.code == "HOU-<6>")
    assert (odd.now.rag, odd.now.override.reason, odd.before.rag) == ("green", "The <survey> & the count agree", "red")
    milestone = next(change for change in housing.kpi_changes if change.kpi.code == "HOU-08")
    assert (milestone.now_text, milestone.kpi.is_milestone) == ("At risk or delayed", True)  # its status's label
