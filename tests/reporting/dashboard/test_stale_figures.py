"""Stale figures on the pages: the KPI page says when the next figure is due or that the latest is
stale, and never calls a figure "not yet available" (with its date and reason) stale."""
import datetime
from decimal import Decimal

import pytest

from reporting.dashboard.pages import kpi_page
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory, UserFactory, approved_figures
from objectives.roles import Role

D = datetime.date


@pytest.fixture
def reader(db):
    return UserFactory(role=Role.READER)


def test_kpi_page_says_when_the_next_figure_is_due(reader):
    kpi = KPIFactory(cadence="quarterly", data_lag_months=1)
    approved_figures(MeasurementFactory(kpi=kpi, period=PeriodFactory(financial_year=2023, number=1), value=Decimal(5)))
    page = kpi_page(user=reader, code=kpi.code, today=D(2023, 10, 15))
    assert page.freshness.words == "Next figure due: 31 October 2023"
    stale = kpi_page(user=reader, code=kpi.code, today=D(2023, 11, 1))
    assert stale.freshness.words == "Stale: the latest figure is for 2023/24 Q1, due again by 31 October 2023"


def test_kpi_page_never_calls_a_figure_not_yet_available_stale(reader, client):
    kpi = KPIFactory(cadence="quarterly")
    q1, q2 = PeriodFactory(financial_year=2022, number=1), PeriodFactory(financial_year=2022, number=2)
    approved_figures(MeasurementFactory(kpi=kpi, period=q1, value=Decimal(5)),
                     MeasurementFactory(kpi=kpi, period=q2, value=None, not_available=True,
                                        expected_date=D(2030, 3, 31), commentary="The survey was delayed."))
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "Not yet available: the figure for 2022/23 Q2 is expected by 31 March 2030" in html
    assert "Stale" not in html
    assert "The survey was delayed." in html  # its reason


def test_kpi_page_shows_stale_to_a_reader(reader, client):
    kpi = KPIFactory(cadence="annual", data_lag_months=6)
    approved_figures(MeasurementFactory(kpi=kpi, period=PeriodFactory(financial_year=2020, number=2), value=Decimal(5),
                                        data_for="Calendar year 2019", data_for_end=D(2019, 12, 31)))
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "Stale: the latest figure is for Calendar year 2019, due again by 30 June 2021" in html
    assert "figures arrive 6 months after the period they are for ends" in html
