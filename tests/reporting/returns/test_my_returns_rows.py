"""My returns' rows drawn in Python (issue 24): the same markup as the template's loop drew, for
each kind of row (late or not, overdue, missing items, each way "Send a reminder" is offered or not),
every value escaped."""
import datetime

import pytest
from django.template import Context, Template

from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting import steps
from reporting.returns.selectors import MyReturnRow
from reporting.templatetags.my_returns import my_return_rows

# The rows as the table's template drew them before they were drawn in Python.
TEMPLATE_ROWS = """{% load ses %}{% for row in rows %}
    <tr class="govuk-table__row" id="{% if late %}late-{{ row.period.slug }}-{% endif %}{{ row.sub_strand.slug }}">
      <th scope="row" class="govuk-table__header">
        <a class="govuk-link" href="{% url 'return' row.period.slug row.sub_strand.slug %}">{% if row.sub_strand.reports_as_objective %}{{ row.sub_strand.objective.name }}{% else %}{{ row.sub_strand.name }}{% endif %}<span class="govuk-visually-hidden"> return{% if late %} for {{ row.period.label }}{% endif %}</span></a>
        <br><span class="govuk-body-s">{{ row.sub_strand.objective.name }}</span>
      </th>
      <td class="govuk-table__cell app-nowrap" data-label="{% if late %}Period{% else %}Deadline{% endif %}">{% if late %}{{ row.period.label }}{% elif row.period.dashboard_deadline %}{{ row.period.dashboard_deadline|date:"j F Y" }}{% else %}Not set{% endif %}</td>
      <td class="govuk-table__cell" data-label="State">{% state_tag row.state %}{% if row.overdue %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% elif late %} <strong class="govuk-tag govuk-tag--orange">Late</strong>{% endif %}</td>
      {# With nothing missing the cell says where the return stands, alone: on a phone its heading is not put before it ("Still missing: Ready to submit"). #}
      <td class="govuk-table__cell"{% if row.missing %} data-label="Still missing"{% endif %}>{% if row.missing %}<ul class="govuk-list govuk-list--bullet govuk-!-font-size-16 govuk-!-margin-bottom-0">{{ row.missing|list_items }}</ul>{% elif row.state == "submitted" %}Waiting for approval{% elif row.state == "approved" or row.state == "published" %}Approved{% else %}Ready to submit{% endif %}</td>
      {% if may_chase %}<td class="govuk-table__cell" data-label="Chase">{% if row.chase.shown %}{% if row.nobody_to_remind %}<strong class="govuk-tag govuk-tag--orange">No one to remind</strong>{% else %}
        <form method="post" action="{% url 'return-remind' row.period.slug row.sub_strand.slug %}">{% csrf_token %}
          <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Send a reminder<span class="govuk-visually-hidden"> about {{ row.sub_strand.name }} {{ row.period.label }}</span></button>
        </form>{% endif %}{% elif row.chase.check == "period" %}<span class="govuk-body-s">{{ row.chase.reason }}</span>{% else %}–{% endif %}</td>{% endif %}
    </tr>
    {% endfor %}"""


def _row(n, *, state, missing=(), overdue=False, chase=None, nobody=False, as_objective=False, deadline=True, number=2):
    objective = StrategicObjective(name=f"Place & <{n}>", short_name="")
    sub = SubStrand(objective=objective, name=f"Parks & \"green\" <{n}> it's", slug=f"parks-{n}",
                    reports_as_objective=as_objective)
    period = ReportingPeriod(financial_year=2023, number=number, cadence="quarterly",
                             slug=f"2023-24-q{number}", dashboard_deadline=datetime.date(2023, 10, 20) if deadline else None)
    return MyReturnRow(sub, None, state, list(missing), overdue, period, nobody_to_remind=nobody, chase=chase)


ROWS = [
    _row(1, state="not_started", missing=["Not started"], overdue=True, chase=steps.Offer(shown=True)),
    _row(2, state="draft", missing=["Write a commentary <on> progress", "HOU-01: enter a value"], chase=steps.Offer(shown=True),
         nobody=True),
    _row(3, state="submitted", chase=steps.Offer(reason="The period <closed> on 1 October.", check="period")),
    _row(4, state="approved", chase=steps.Offer(reason="Already approved.", check="state"), as_objective=True),
    _row(5, state="published", chase=steps.Offer(hidden=True, check="who"), deadline=False),
    _row(6, state="returned", chase=None, number=1),
    _row(7, state="draft", chase=steps.Offer(shown=True), deadline=False, number=1),
]


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("may_chase", [False, True])
def test_my_returns_rows_are_drawn_as_the_template_drew_them(late, may_chase):
    context = {"rows": ROWS, "late": late, "may_chase": may_chase, "csrf_token": "t0ken<&>"}
    drawn = my_return_rows(Context(context), ROWS, late, may_chase)
    assert drawn == Template(TEMPLATE_ROWS).render(Context(context))
    assert "Parks &amp; &quot;green&quot; &lt;3&gt; it&#x27;s" in drawn and "Place &amp; &lt;4&gt;" in drawn
    assert ("Send a reminder" in drawn) is may_chase and ('value="t0ken&lt;&amp;&gt;"' in drawn) is may_chase
