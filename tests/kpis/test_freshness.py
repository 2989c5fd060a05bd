"""A figure's freshness (kpis.freshness): when the next figure is due, stale, and "not yet available"
(which has a date and a reason) never confused with stale."""
import datetime

import pytest

from kpis.freshness import State, add_months, as_at_date, freshness
from kpis.models import KPI, Measurement
from objectives import cadence as cadences
from objectives.models import ReportingPeriod

D = datetime.date


def period(fy=2023, number=1, cadence=cadences.QUARTERLY):
    start, end = cadences.dates(fy, number, cadence)
    return ReportingPeriod(financial_year=fy, number=number, cadence=cadence, start_date=start, end_date=end)


def figure(*, reported_in=None, data_for="", data_for_end=None, not_available=False, expected=None, value=10):
    return Measurement(period=reported_in or period(), data_for=data_for, data_for_end=data_for_end,
                       not_available=not_available, expected_date=expected, value=None if not_available else value)


@pytest.mark.parametrize("day, months, expected", [
    (D(2023, 6, 30), 3, D(2023, 9, 30)),
    (D(2024, 3, 31), 3, D(2024, 6, 30)),  # a month's last day to the month's last day
    (D(2023, 11, 30), 3, D(2024, 2, 29)),
    (D(2023, 1, 15), 1, D(2023, 2, 15)),
    (D(2023, 12, 31), 12, D(2024, 12, 31)),
])
def test_add_months_keeps_month_ends(day, months, expected):
    assert add_months(day, months) == expected


# (cadence, lag, figure, judged on, state, due, words)
CASES = [
    # quarterly, no lag: Q1 2023/24 (to 30 June) -> Q2's figure due 30 September
    ("quarterly", 0, dict(), D(2023, 9, 30), State.DUE, D(2023, 9, 30), "Next figure due: 30 September 2023"),
    ("quarterly", 0, dict(), D(2023, 10, 1), State.STALE, D(2023, 9, 30),
     "Stale: the latest figure is for 2023/24 Q1, due again by 30 September 2023"),
    # a lag of one month: due 31 October, so not stale on 1 October (the near miss)
    ("quarterly", 1, dict(), D(2023, 10, 1), State.DUE, D(2023, 10, 31), "Next figure due: 31 October 2023"),
    ("quarterly", 1, dict(), D(2023, 11, 1), State.STALE, D(2023, 10, 31),
     "Stale: the latest figure is for 2023/24 Q1, due again by 31 October 2023"),
    # annual STEAM-like figure for calendar 2022 with a lag of 6 months: next due 30 June 2024
    ("annual", 6, dict(data_for="Calendar year 2022", data_for_end=D(2022, 12, 31)), D(2024, 6, 30), State.DUE,
     D(2024, 6, 30), "Next figure due: 30 June 2024"),
    ("annual", 6, dict(data_for="Calendar year 2022", data_for_end=D(2022, 12, 31)), D(2024, 7, 1), State.STALE,
     D(2024, 6, 30), "Stale: the latest figure is for Calendar year 2022, due again by 30 June 2024"),
    # no cadence recorded: the strategy's reporting period (quarterly) is the cadence
    ("", 0, dict(), D(2023, 10, 1), State.STALE, D(2023, 9, 30),
     "Stale: the latest figure is for 2023/24 Q1, due again by 30 September 2023"),
    # not yet available: the officer's expected date, never stale even long after
    ("quarterly", 0, dict(not_available=True, expected=D(2024, 6, 30)), D(2024, 1, 1), State.NOT_YET_AVAILABLE,
     D(2024, 6, 30), "Not yet available: the figure for 2023/24 Q1 is expected by 30 June 2024"),
    ("quarterly", 0, dict(not_available=True, expected=D(2024, 6, 30)), D(2025, 1, 1), State.NOT_YET_AVAILABLE,
     D(2024, 6, 30), "Not yet available: the figure for 2023/24 Q1 is expected by 30 June 2024, and is now overdue"),
]


@pytest.mark.parametrize("cadence, lag, given, on, state, due, words", CASES)
def test_freshness_cases(cadence, lag, given, on, state, due, words):
    kpi = KPI(code="T-1", cadence=cadence, data_lag_months=lag)
    found = freshness(kpi, figure(**given), on=on)
    assert (found.state, found.due, found.words) == (state, due, words)
    assert found.is_stale == (state is State.STALE)


def test_not_yet_available_is_never_counted_stale_and_says_it_is_overdue_instead():
    kpi = KPI(code="T-1", cadence="quarterly")
    late = freshness(kpi, figure(not_available=True, expected=D(2023, 7, 31)), on=D(2026, 1, 1))
    assert not late.is_stale and late.is_overdue
    assert "Stale" not in late.words


def test_no_figure_is_neither_stale_nor_due():
    found = freshness(KPI(code="T-1", cadence="quarterly"), None, on=D(2026, 1, 1))
    assert found.state is State.NO_FIGURE and not found.is_stale and found.words == "No figure reported yet"


def test_a_monthly_strategy_period_is_the_cadence_when_the_kpi_has_none():
    april = period(2023, 1, cadences.MONTHLY)
    found = freshness(KPI(code="T-1", cadence=""), figure(reported_in=april), on=D(2023, 6, 1))
    assert found.due == D(2023, 5, 31) and found.is_stale


def test_a_past_period_is_judged_on_its_last_day_and_a_running_one_today():
    q1 = period(2023, 1)
    assert as_at_date(q1, D(2026, 12, 7)) == D(2023, 6, 30)
    assert as_at_date(q1, D(2023, 5, 1)) == D(2023, 5, 1)
    assert as_at_date(None, D(2026, 12, 7)) == D(2026, 12, 7)


KPI_FILE = """strategy: {slug: s, name: S}
objectives:
  - number: 1
    name: O
    slug: o
    sub_strands:
      - slug: sub
        name: Sub
        kpis:
          - {code: LAG-1, title: Visitors, cadence: annual, data_lag_months: %s}
"""


def test_the_strategy_file_sets_a_kpis_data_lag(db, tmp_path):
    from reporting.loaders import load_fixture_files

    path = tmp_path / "lag.yaml"
    path.write_text(KPI_FILE % "6")
    load_fixture_files([path])
    assert KPI.objects.get(code="LAG-1").data_lag_months == 6


@pytest.mark.parametrize("given", ["-1", "37", "six", "2.5"])
def test_a_bad_data_lag_is_refused_with_a_clear_message(db, tmp_path, given):
    from reporting.loaders import FixtureError, load_fixture_files

    path = tmp_path / "lag.yaml"
    path.write_text(KPI_FILE % given)
    with pytest.raises(FixtureError, match="'data_lag_months' must be a whole number of months from 0 to 36"):
        load_fixture_files([path])
    assert not KPI.objects.filter(code="LAG-1").exists()
