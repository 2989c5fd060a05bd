"""kpis.benchmarks: the rank, quartile, median and quartiles of the council among its comparator
group, direction-aware, checked against Python's statistics module."""
import statistics
from decimal import Decimal

import pytest

from kpis.benchmarks import compare, ordinal
from kpis.rag import Direction

VALUES = {i: Decimal(v) for i, v in enumerate(["61.2", "58.0", "70.4", "49.9", "66.1", "61.2", "55.5", "63.0"], start=1)}


@pytest.mark.parametrize("n, words", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                      (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")])
def test_ordinals(n, words):
    assert ordinal(n) == words


def test_higher_is_better_ranks_the_highest_first_and_ties_share_a_rank():
    rank, of, quartile, median, lower, upper, places = compare(values=VALUES, council_id=1, direction=Direction.HIGHER)
    assert (rank, of) == (4, 8)  # 70.4, 66.1, 63.0, then 61.2 twice (4th and 4th)
    assert [p.rank for p in places] == [1, 2, 3, 4, 4, 6, 7, 8]
    numbers = sorted(VALUES.values())
    assert median == statistics.median(numbers)
    assert [lower, median, upper] == statistics.quantiles(numbers, n=4, method="inclusive")
    assert quartile == 2  # at or above the median, below the upper quartile


def test_lower_is_better_ranks_the_lowest_first():
    rank, of, quartile, *_ = compare(values=VALUES, council_id=4, direction=Direction.LOWER)
    assert (rank, of, quartile) == (1, 8, 1)
    rank, of, quartile, *_ = compare(values=VALUES, council_id=3, direction=Direction.LOWER)
    assert (rank, of, quartile) == (8, 8, 4)


def test_the_same_figure_is_top_one_way_and_bottom_the_other():
    assert compare(values=VALUES, council_id=3, direction=Direction.HIGHER)[2] == 1
    assert compare(values=VALUES, council_id=4, direction=Direction.HIGHER)[2] == 4


def test_no_comparison_without_the_councils_figure_or_another_councils():
    assert compare(values={2: Decimal(1)}, council_id=1, direction=Direction.HIGHER) is None
    assert compare(values={1: Decimal(1)}, council_id=1, direction=Direction.HIGHER) is None
