"""A period's calendar by its strategy's cadence (objectives.cadence): dates, names, addresses and
place in time, for quarterly, half-yearly and monthly strategies."""
import datetime

import pytest

from objectives import cadence

d = datetime.date


@pytest.mark.parametrize("how_often, number, start, end, label, long_label, code", [
    ("quarterly", 1, d(2023, 4, 1), d(2023, 6, 30), "2023/24 Q1", "Quarter 1 April–June 2023", "q1"),
    ("quarterly", 4, d(2024, 1, 1), d(2024, 3, 31), "2023/24 Q4", "Quarter 4 January–March 2024", "q4"),
    ("half_yearly", 1, d(2023, 4, 1), d(2023, 9, 30), "2023/24 H1", "Half-year 1 April–September 2023", "h1"),
    ("half_yearly", 2, d(2023, 10, 1), d(2024, 3, 31), "2023/24 H2", "Half-year 2 October 2023–March 2024", "h2"),
    ("monthly", 1, d(2023, 4, 1), d(2023, 4, 30), "April 2023", "April 2023", "m01"),
    ("monthly", 11, d(2024, 2, 1), d(2024, 2, 29), "February 2024", "February 2024", "m11"),
])
def test_each_cadence_names_and_dates_its_periods(how_often, number, start, end, label, long_label, code):
    assert cadence.dates(2023, number, how_often) == (start, end)
    assert (cadence.label(2023, number, how_often), cadence.long_label(2023, number, how_often)) == (label, long_label)
    assert cadence.code(number, how_often) == code


def test_every_cadence_has_its_periods_in_the_year_and_one_before_the_first():
    assert [cadence.per_year(c) for c in ("quarterly", "half_yearly", "monthly")] == [4, 2, 12]
    assert cadence.before(2023, 1, "half_yearly") == (2022, 2) and cadence.before(2023, 1, "monthly") == (2022, 12)
    assert cadence.before(2023, 3, "quarterly") == (2023, 2)


def test_places_in_time_compare_across_cadences():
    """Counted in months: a quarter and the half-year ending with it have the same key."""
    assert cadence.order_key(2023, 2, "quarterly") == cadence.order_key(2023, 1, "half_yearly")
    assert cadence.order_key(2023, 6, "monthly") == cadence.order_key(2023, 2, "quarterly")
    keys = [cadence.order_key(fy, n, "monthly") for fy in (2022, 2023) for n in range(1, 13)]
    assert keys == sorted(keys) and len(set(keys)) == 24


@pytest.mark.parametrize("how_often, number, refused", [
    ("quarterly", 5, "A quarterly strategy's quarters are numbered 1, 2, 3 or 4."),
    ("half_yearly", 3, "A half-yearly strategy's half-years are numbered 1 or 2."),
    ("monthly", 13, "A monthly strategy's months are numbered 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 or 12."),
    ("monthly", "two", "A monthly strategy's months are numbered 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 or 12."),
    ("half_yearly", 2, None),
])
def test_a_number_outside_the_cadence_is_refused_in_words(how_often, number, refused):
    assert cadence.refused_number(number, how_often) == refused
