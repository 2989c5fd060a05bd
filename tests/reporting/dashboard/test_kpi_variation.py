"""The KPI page's Variation section (kpis.spc): the verdicts in words and a table, from the figures
the person may see."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod
from tests.factories import approved_figures

# the shift case of tests/kpis/test_spc.py: mean 160 / 13 = 12.31, the last six above it
SHIFT = [10, 13, 10, 13, 10, 13, 10, 14, 13, 14, 13, 14, 13]


def section(html):
    start = html.index('id="variation"')
    return html[start:html.index("</table>", start)]


def quarters_of(hou02):
    quarters = [(year, number) for year in range(2018, 2022) for number in range(1, 5)][:14]
    figures = []
    for (year, number), value in zip(quarters, SHIFT + [99]):
        period = ReportingPeriod.objects.create(financial_year=year, number=number, state="closed")
        figures.append(Measurement.objects.create(
            kpi=hou02, period=period, value=Decimal(value), data_for=period.label,
            data_for_end=datetime.date(year + 1, 3, 31), rag_calculated="red",
        ))
    approved_figures(*figures[:13])
    return hou02


@pytest.fixture
def thirteen_quarters(sefton):
    """HOU-02 (higher is better) approved for 13 quarters, 2018/19 Q1 to 2021/22 Q1, and a draft
    14th figure (99) that readers must never see."""
    return quarters_of(KPI.objects.get(code="HOU-02"))


def test_a_reader_sees_the_variation_verdict_and_its_table_in_words(client_for, thirteen_quarters):
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    part = section(html)
    assert "Special cause variation: improving" in part
    assert "No verdict: there is no target for the latest figure" in part  # HOU-02 has none before 2022/23
    assert "<caption" in part and "process limits" in part
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", part, re.S)[1:]
    assert len(rows) == 13  # the draft 14th figure is not among them
    assert "99" not in "".join(re.findall(r"<td[^>]*>(.*?)</td>", part))
    # the first row: 10 against the mean 12.31 and limits 12.31 ± 2.66 × 27 / 12 = 6.32, 18.29; common cause
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)
    assert [c.strip() for c in cells] == ["10", "No target", "12.31", "6.32", "18.29", "Common cause"]
    last = re.findall(r"<td[^>]*>(.*?)</td>", rows[-1], re.S)[-1]
    assert last.strip() == "Special cause: improvement: one of 6 or more in a row above the mean"


def test_the_economy_cell_sees_the_draft_figure_in_the_variation_labelled(client_for, thirteen_quarters):
    part = section(client_for("coordinator").get(reverse("kpi", args=["HOU-02"])).content.decode())
    assert "99 <span class=\"govuk-body-s\">(draft)</span>" in part


def test_too_few_figures_give_a_run_chart_and_no_verdict(client_for, sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    figures = []
    for number, value in zip(range(1, 4), [600, 610, 620]):
        period = ReportingPeriod.objects.create(financial_year=2020, number=number, state="closed")
        figures.append(Measurement.objects.create(kpi=hou02, period=period, value=Decimal(value), data_for=period.label,
                                                  data_for_end=datetime.date(2021, 3, 31), rag_calculated="red"))
    approved_figures(*figures)
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    part = section(html)
    assert "Not enough figures yet (3 of 13)" in part
    assert "Special cause" not in part and "process limit" not in part.replace("without limits", "")
    assert "Average" in part and "610" in part


def test_a_milestone_kpi_has_no_variation_section(client_for, sefton):
    html = client_for("cabinet").get(reverse("kpi", args=["PLA-01"])).content.decode()
    assert 'id="variation"' not in html


def test_the_assurance_verdict_reads_the_latest_figures_target(client_for, sefton):
    # the latest figure is for 2021/22; a target of 5 there is below the lower limit (6.32) of a
    # higher-is-better KPI: consistently passing. (Set before approval: an approved figure keeps
    # the target it was approved against.)
    from tests.factories import TargetFactory

    hou02 = KPI.objects.get(code="HOU-02")
    TargetFactory(kpi=hou02, financial_year=2021, value=Decimal(5))
    quarters_of(hou02)
    part = section(client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode())
    assert "Consistently passing the target" in part
