"""The benchmarks list (/benchmarks/): fifty KPIs a page, as the targets page, in a fixed number of
queries whatever the number of KPIs and benchmarks (issue 24: cheap pages on a large council)."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI, Benchmark, BenchmarkFigure
from objectives.models import ComparatorGroup
from reporting.benchmarks.selectors import BENCHMARKS_PER_PAGE
from tests.factories import KPIFactory
from tests.reporting.benchmarks.support import the_council

PERIODS = (("2021/22", date(2022, 3, 31)), ("2022/23", date(2023, 3, 31)))

THE_TEMPLATES_LOOP = (  # the rows as the list's template drew them before they were drawn in Python
    '{% for row in rows %}\n'
    '    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{% url \'kpi\' row.kpi.code %}">{{ row.kpi.code }}</a> {{ row.kpi.title }}</th>\n'
    '      <td class="govuk-table__cell">{% if row.benchmark %}{{ row.benchmark.source }}<br><span class="govuk-body-s">{{ row.benchmark.get_licence_display }}, {{ row.benchmark.published_on|date:"j F Y" }}</span>{% else %}None yet{% endif %}</td>\n'
    '      <td class="govuk-table__cell">{% if row.figures %}{{ row.figures }} ({{ row.first_period }}{% if row.last_period != row.first_period %} to {{ row.last_period }}{% endif %}){% else %}None{% endif %}</td>\n'
    '      <td class="govuk-table__cell">{% if row.comparison %}{{ row.comparison.period }}: {{ row.comparison.words }}{% elif row.benchmark %}No comparison: see the KPI\'s page{% else %}None{% endif %}</td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{% url \'import-benchmark\' %}?kpi={{ row.kpi.code|urlencode }}">Import<span class="govuk-visually-hidden"> benchmark data for {{ row.kpi.code }}</span></a></td>\n'
    '    </tr>\n'
    '  {% endfor %}')


def listed():
    """The KPIs the coordinator's list shows, in its order."""
    return list(KPI.objects.filter(is_active=True).exclude(kind=KPI.Kind.MILESTONE).order_by(
        "sub_strand__objective__number", "sub_strand__order", "order", "code"))


def more_kpis(count):
    """`count` KPIs more, in the first KPI's sub-strand."""
    return KPIFactory.create_batch(count, sub_strand=listed()[0].sub_strand)


def benchmark(kpi, group, *, named):
    """A benchmark of two periods for `kpi` from councils of `group`, written as the import writes one;
    read against `group` when `named`, else against the first comparator group (the same here)."""
    made = Benchmark.objects.create(kpi=kpi, source="LG Inform", licence="ogl-3", published_on=date(2024, 12, 2),
                                    group=group if named else None)
    authorities = [the_council(), *group.members.order_by("code")[:3]]
    BenchmarkFigure.objects.bulk_create(
        BenchmarkFigure(benchmark=made, authority=la, period=period, period_end=end, value=Decimal(40 + i))
        for period, end in PERIODS for i, la in enumerate(authorities))
    return made


def queries(client, url):
    """The page's queries as it is served again and again (after what requests share is read since
    the data last changed: reporting.readers_cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_more_kpis_and_more_benchmarks(benchmarked, client_for):
    coordinator = client_for("coordinator")
    coordinator.get(reverse("benchmarks"))  # the session's first page saves it
    group = ComparatorGroup.objects.get()
    first = [k for k in listed() if not Benchmark.objects.filter(kpi=k).exists()][0]
    benchmark(first, group, named=True)  # at least one benchmark on the first page
    before = queries(coordinator, reverse("benchmarks"))

    more_kpis(2 * BENCHMARKS_PER_PAGE)
    kpis = listed()
    for kpi in [k for k in kpis[:BENCHMARKS_PER_PAGE] if not Benchmark.objects.filter(kpi=k).exists()][:12] + \
            kpis[BENCHMARKS_PER_PAGE:BENCHMARKS_PER_PAGE + 3]:  # twelve more on the first page, three on the second
        benchmark(kpi, group, named=kpi.pk % 2 == 0)
    assert Benchmark.objects.count() >= 15 and len(listed()) > 2 * BENCHMARKS_PER_PAGE
    assert queries(coordinator, reverse("benchmarks")) == before
    assert queries(coordinator, reverse("benchmarks") + "?page=2") == before


def test_each_benchmark_gives_its_figures_and_first_and_last_period(benchmarked, client_for):
    html = client_for("coordinator").get(reverse("benchmarks")).content.decode()
    row = re.search(r'href="/kpis/HW-04/".*?</tr>', html, re.S).group(0)
    figures = BenchmarkFigure.objects.filter(benchmark__kpi__code="HW-04").count()
    assert f"{figures} (2021/22 to 2022/23)" in row and "LG Inform" in row


def test_page_two_lists_the_kpis_after_the_first_fifty_with_the_links_to_the_others(sefton, demo_users, client_for):
    more_kpis(BENCHMARKS_PER_PAGE)
    kpis = listed()
    coordinator = client_for("coordinator")
    first = coordinator.get(reverse("benchmarks")).content.decode()
    second = coordinator.get(reverse("benchmarks"), {"page": "2"}).content.decode()
    shown = [k for k in kpis if f'href="/kpis/{k.code}/"' in second]
    assert shown == kpis[BENCHMARKS_PER_PAGE:]
    assert all(f'href="/kpis/{k.code}/"' in first for k in kpis[:BENCHMARKS_PER_PAGE])
    assert f'href="/kpis/{kpis[BENCHMARKS_PER_PAGE].code}/"' not in first
    assert f"Benchmarks by KPI: 1 to 50 of {len(kpis)} KPIs" in first
    assert f"Benchmarks by KPI: 51 to {len(kpis)} of {len(kpis)} KPIs" in second
    assert 'href="?page=2#benchmarks-shown" rel="next"' in first
    assert 'href="?page=1#benchmarks-shown" rel="prev"' in second
    assert 'aria-label="Page 2" aria-current="page"' in second
    assert "Import benchmark data" in second and "local authority names and codes" in second


@pytest.mark.parametrize("number, shown", [("abc", 1), ("99999", 2), ("0", 1), ("-1", 1), ("2.5", 1), ("9" * 5000, 1)],
                         ids=["letters", "after-the-last", "zero", "negative", "fraction", "5000-digits"])
def test_a_forged_page_number_gives_the_nearest_page(sefton, demo_users, client_for, number, shown):
    more_kpis(BENCHMARKS_PER_PAGE)
    count = len(listed())
    response = client_for("coordinator").get(reverse("benchmarks"), {"page": number})
    assert response.status_code == 200
    start = 1 if shown == 1 else BENCHMARKS_PER_PAGE + 1
    assert f"Benchmarks by KPI: {start} to {min(count, start + BENCHMARKS_PER_PAGE - 1)} of {count} KPIs" in \
        response.content.decode()


def test_a_council_of_one_page_has_no_page_links(sefton, demo_users, client_for):
    html = client_for("coordinator").get(reverse("benchmarks")).content.decode()
    assert f"Benchmarks by KPI: all {len(listed())} KPIs" in html and "govuk-pagination" not in html


def test_the_rows_drawn_in_python_are_the_markup_the_template_drew(benchmarked):
    """A benchmark compared, a benchmark with no comparison (its figures of another group), a KPI with
    none, and words that must be escaped: the same markup, byte for byte."""
    from django.template import Context, Template

    from reporting.benchmarks.selectors import benchmark_rows

    group = ComparatorGroup.objects.get()
    kpis = [k for k in listed() if not Benchmark.objects.filter(kpi=k).exists()]
    benchmark(kpis[0], group, named=True)
    Benchmark.objects.create(kpi=kpis[1], source="Tom & Jerry's <figures>", licence="ogl-3", published_on=date(2024, 3, 5))
    KPI.objects.filter(pk=kpis[2].pk).update(title='Homes "built" <fast> & well')
    rows = benchmark_rows(kpis=KPI.objects.filter(is_active=True).exclude(kind=KPI.Kind.MILESTONE))
    assert any(r.comparison for r in rows) and any(r.benchmark and not r.comparison for r in rows)
    assert any(not r.benchmark for r in rows) and any("<fast>" in r.kpi.title for r in rows)
    drawn = Template("{% load benchmark_rows %}{% benchmark_rows rows %}").render(Context({"rows": rows}))
    assert drawn == Template(THE_TEMPLATES_LOOP).render(Context({"rows": rows}))
