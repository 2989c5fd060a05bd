"""Variation, as Making Data Count does it (kpis/spc.py): a table of cases for each special-cause
rule firing and not firing, the verdicts, the 13-figure threshold and recalculation.

Every expected figure below is worked by hand in the test's comment (the process limits are the
mean ± 2.66 × the mean moving range; the two-sigma lines two thirds of that distance)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from kpis import spc
from kpis.spc import Assurance, Cause, Rule, Variation


def chart(values, *, n=6, **kwargs):
    series = [(f"P{i}", Decimal(str(value))) for i, value in enumerate(values, start=1)]
    return spc.xmr(series, n=n, **kwargs)


def flagged(result):
    """{point number (from 1): the rules that fired on it}."""
    return {i: set(point.rules) for i, point in enumerate(result.points, start=1) if point.rules}


def two_places(value):
    return value.quantize(Decimal("0.01"))


ALTERNATING = [10, 13] * 7  # mean 11.5; 13 moving ranges of 3


def test_the_chart_is_the_mean_the_moving_ranges_and_limits_at_2_66_mean_moving_ranges():
    # mean 161 / 14 = 11.5; mean moving range 39 / 13 = 3; 2.66 × 3 = 7.98; two thirds of it 5.32.
    result = chart(ALTERNATING)
    first, second = result.points[0], result.points[1]
    assert first.moving_range is None
    assert second.moving_range == Decimal(3)
    assert second.mean == Decimal("11.5")
    assert (second.lower_limit, second.upper_limit) == (Decimal("3.52"), Decimal("19.48"))
    assert (second.lower_two_sigma, second.upper_two_sigma) == (Decimal("6.18"), Decimal("16.82"))
    assert flagged(result) == {}
    assert result.variation is Variation.COMMON_CAUSE
    assert result.variation_words == "Common cause variation: no significant change"


def test_a_point_above_the_upper_process_limit_is_special_cause():
    # 15 figures, sum 191, mean 12.7333; moving ranges 13 × 3 and |30 − 13| = 17: 56 / 14 = 4;
    # upper limit 12.7333 + 10.64 = 23.3733: 30 is beyond it, and nothing else fires.
    result = chart(ALTERNATING + [30], direction="higher")
    assert two_places(result.points[-1].upper_limit) == Decimal("23.37")
    assert flagged(result) == {15: {Rule.ABOVE_LIMIT}}
    assert result.points[-1].cause is Cause.IMPROVEMENT
    assert result.variation is Variation.IMPROVING


def test_a_point_below_the_lower_process_limit_is_special_cause():
    # mean (161 − 7) / 15 = 10.2667; mean moving range (39 + 17) / 14 = 4; lower limit −0.3733.
    result = chart([13, 10] * 7 + [-7], direction="higher")
    assert two_places(result.points[-1].lower_limit) == Decimal("-0.37")
    assert flagged(result) == {15: {Rule.BELOW_LIMIT}}
    assert result.variation is Variation.CONCERNING


@pytest.mark.parametrize(
    "direction, cause, variation, words",
    [
        ("higher", Cause.IMPROVEMENT, Variation.IMPROVING, "Special cause variation: improving"),
        ("lower", Cause.CONCERN, Variation.CONCERNING, "Special cause variation: concerning"),
        ("milestone", Cause.NEITHER, Variation.NEITHER, "Special cause variation: neither improving nor concerning (higher)"),
        (None, Cause.NEITHER, Variation.NEITHER, "Special cause variation: neither improving nor concerning (higher)"),
    ],
)
def test_a_special_cause_is_an_improvement_or_a_concern_by_the_direction_or_neither(direction, cause, variation, words):
    result = chart(ALTERNATING + [30], direction=direction)
    assert result.points[-1].cause is cause
    assert result.variation is variation
    assert result.variation_words == words


def test_a_shift_of_six_points_above_the_mean_is_special_cause():
    # mean 160 / 13 = 12.31: the last six (14, 13, 14, 13, 14, 13) are all above it.
    result = chart([10, 13, 10, 13, 10, 13, 10, 14, 13, 14, 13, 14, 13], direction="lower")
    assert flagged(result) == {i: {Rule.SHIFT_ABOVE} for i in range(8, 14)}
    assert result.variation is Variation.CONCERNING


def test_five_points_above_the_mean_are_not_a_shift():
    # mean 170 / 14 = 12.14: the last five (14, 13, 14, 13, 14) above it, the 10 before below.
    result = chart([10, 13, 10, 13, 10, 13, 10, 13, 10, 14, 13, 14, 13, 14])
    assert flagged(result) == {}


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # mean 168 / 14 = 12 exactly: 13, 14, 13, then 12 on the mean, then 13, 14, 13: two runs of three.
    on_the_mean = chart([10, 13, 10, 13, 10, 10, 10, 13, 14, 13, 12, 13, 14, 13])
    assert on_the_mean.points[0].mean == Decimal(12)
    assert flagged(on_the_mean) == {}
    # the same with 13 in its place: seven in a row above the mean (169 / 14 = 12.07).
    above = chart([10, 13, 10, 13, 10, 10, 10, 13, 14, 13, 13, 13, 14, 13])
    assert flagged(above) == {i: {Rule.SHIFT_ABOVE} for i in range(8, 15)}


@pytest.mark.parametrize("n, fires", [(6, True), (7, True), (8, False)])
def test_the_shift_length_is_the_setting(n, fires):
    # seven in a row above the mean of 12.07 (the case above)
    result = chart([10, 13, 10, 13, 10, 10, 10, 13, 14, 13, 13, 13, 14, 13], n=n)
    assert bool(flagged(result)) is fires


def test_a_trend_of_six_points_rising_is_special_cause_counting_both_endpoints():
    # 10, 11, 12, 13, 14, 15: six points, five rises (the SQL: "including endpoints").
    result = chart([12, 15, 12, 15, 12, 15, 12, 10, 11, 12, 13, 14, 15, 12], direction="higher")
    assert flagged(result) == {i: {Rule.TREND_UP} for i in range(8, 14)}
    assert {result.points[i].cause for i in range(7, 13)} == {Cause.IMPROVEMENT}
    # the latest figure (12) is not part of it: the verdict is the latest figure's
    assert result.variation is Variation.COMMON_CAUSE


def test_five_points_rising_are_not_a_trend():
    # 15 then 11, 12, 13, 14, 15: five rising points
    result = chart([12, 15, 12, 15, 12, 15, 12, 15, 11, 12, 13, 14, 15, 12])
    assert flagged(result) == {}


def test_a_trend_of_six_points_falling_is_special_cause():
    # 15, 14, 13, 12, 11, 10
    result = chart([12, 9, 12, 9, 12, 9, 12, 15, 14, 13, 12, 11, 10, 12], direction="higher")
    assert flagged(result) == {i: {Rule.TREND_DOWN} for i in range(8, 14)}
    assert result.points[8].cause is Cause.CONCERN


def test_an_equal_figure_breaks_a_trend():
    # 10, 11, 12, 12, 13, 14, 15: seven points but the equal pair is neither a rise nor a fall
    # (the SQL compares with > and <; NHSRplotthedots needs every sign(diff) the same, non-zero).
    result = chart([12, 15, 12, 15, 12, 15, 12, 10, 11, 12, 12, 13, 14, 15])
    assert flagged(result) == {}


@pytest.mark.parametrize("n, fires", [(6, True), (7, False)])
def test_the_trend_length_is_the_setting(n, fires):
    result = chart([12, 15, 12, 15, 12, 15, 12, 10, 11, 12, 13, 14, 15, 12], n=n)
    assert bool(flagged(result)) is fires


# Two of three: 20 figures alternating 10, 11 then three more and a last one. For the first case,
# sum 259, mean 10.7917; moving ranges 19 × 1 + 3 + 3 + 3 + 4 = 32, / 23 = 1.3913; the upper
# process limit 10.7917 + 3.7009 = 14.4925, the upper two-sigma line 10.7917 + 2.4672 = 13.2589:
# 14 lies between them (near the limit), 11 is above the mean.
def test_two_of_three_near_the_upper_limit_on_one_side_of_the_mean_is_special_cause():
    result = chart([10, 11] * 10 + [14, 11, 14, 10], direction="higher")
    assert two_places(result.points[0].upper_two_sigma) == Decimal("13.26")
    assert two_places(result.points[0].upper_limit) == Decimal("14.49")
    # the two near points are flagged, the third (11, not near) is not
    assert flagged(result) == {21: {Rule.TWO_OF_THREE_ABOVE}, 23: {Rule.TWO_OF_THREE_ABOVE}}
    assert result.points[20].cause is Cause.IMPROVEMENT


def test_two_of_three_near_the_lower_limit_is_special_cause():
    result = chart([11, 10] * 10 + [7, 10, 7, 11], direction="higher")
    assert flagged(result) == {21: {Rule.TWO_OF_THREE_BELOW}, 23: {Rule.TWO_OF_THREE_BELOW}}
    assert result.points[20].cause is Cause.CONCERN


def test_two_of_three_needs_the_third_point_on_the_same_side_of_the_mean():
    # 14, 9, 14: the 9 is below the mean (10.71)
    assert flagged(chart([10, 11] * 10 + [14, 9, 14, 10])) == {}


def test_two_near_points_more_than_three_apart_are_not_two_of_three():
    assert flagged(chart([10, 11] * 10 + [14, 11, 11, 14, 10])) == {}


def test_two_of_three_near_opposite_limits_is_common_cause():
    """NHSRplotthedots' own case (tests/testthat/test-ptd_spc_standard.R, "it only reports special cause
    for 2 of 3 points close to limits when they are on the same side of the mean"): 1, −1 eight times,
    the 15th set to 5.5 and the 16th to −5.5; the last two are common cause."""
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    result = chart(values)
    assert flagged(result) == {}


def test_a_point_firing_both_ways_is_shown_as_a_concern():
    # a rising trend below the mean for a higher-is-better KPI: the trend is an improvement, the run
    # below the mean a concern; the SQL's [MetricConflictRule] 'Concern' shows it as a concern.
    result = chart([20, 30, 20, 30, 20, 30, 20, 30, 1, 2, 3, 4, 5, 6], direction="higher")
    assert flagged(result)[14] == {Rule.SHIFT_BELOW, Rule.TREND_UP}
    assert result.points[-1].cause is Cause.CONCERN
    assert result.variation is Variation.CONCERNING


@pytest.mark.parametrize(
    "direction, target, verdict",
    [
        # limits 3.52 and 19.48 (the alternating series)
        ("higher", Decimal("3"), Assurance.PASSING),
        ("higher", Decimal("3.52"), Assurance.PASSING),  # on the limit counts as beyond it (the SQL)
        ("higher", Decimal("12"), Assurance.HIT_OR_MISS),
        ("higher", Decimal("19.48"), Assurance.FAILING),
        ("higher", Decimal("25"), Assurance.FAILING),
        ("lower", Decimal("25"), Assurance.PASSING),
        ("lower", Decimal("12"), Assurance.HIT_OR_MISS),
        ("lower", Decimal("3"), Assurance.FAILING),
        (None, Decimal("12"), None),
        ("higher", None, None),
    ],
)
def test_the_assurance_verdict_places_the_target_against_the_process_limits(direction, target, verdict):
    result = chart(ALTERNATING, direction=direction, target=target)
    assert result.assurance is verdict


def test_the_assurance_verdict_is_in_words():
    assert chart(ALTERNATING, direction="higher", target=3).assurance_words == "Consistently passing the target"
    assert chart(ALTERNATING, direction="higher", target=12).assurance_words == "Hit or miss: the target may or may not be met"
    assert chart(ALTERNATING, direction="higher", target=25).assurance_words == "Consistently failing the target"


def test_without_a_target_or_a_direction_the_assurance_says_why():
    assert chart(ALTERNATING, direction="higher").assurance_words == "No verdict: there is no target for the latest figure"
    assert chart(ALTERNATING, direction=None, target=12).assurance_words == "No verdict: the KPI has no better direction (higher or lower)"


def test_fewer_than_13_figures_is_a_run_chart_with_no_verdict():
    result = chart([10, 13, 10, 13, 10, 13, 10, 13, 40], direction="higher", target=12)
    assert result.is_run_chart
    assert result.count_words == "not enough figures yet (9 of 13)"
    assert result.variation is None and result.variation_words == ""
    assert result.assurance is None and result.assurance_words == ""
    # the mean is drawn (132 / 9 = 14.67), no limits, no special cause (on an XmR chart 40 would be
    # beyond the upper limit: mean moving range 48 / 8 = 6, 14.67 + 15.96 = 30.63)
    assert two_places(result.points[0].mean) == Decimal("14.67")
    assert result.points[0].upper_limit is None
    assert flagged(result) == {}


def test_no_figure_is_an_empty_run_chart():
    result = chart([])
    assert result.is_run_chart and result.points == () and result.count_words == "not enough figures yet (0 of 13)"
    assert result.variation is None and result.assurance is None


def test_figures_all_the_same_are_common_cause_with_the_limits_on_the_mean():
    result = chart([7] * 13, direction="higher", target=7)
    point = result.points[-1]
    assert point.lower_limit == point.mean == point.upper_limit == Decimal(7)
    assert flagged(result) == {}
    assert result.variation is Variation.COMMON_CAUSE
    assert result.assurance is Assurance.PASSING  # a target on a limit counts as beyond it


def test_thirteen_figures_make_an_xmr_chart():
    twelve = chart(ALTERNATING[:12], direction="higher")
    thirteen = chart(ALTERNATING[:13], direction="higher")
    assert twelve.is_run_chart and twelve.count_words == "not enough figures yet (12 of 13)"
    assert not thirteen.is_run_chart and thirteen.count_words == ""
    assert thirteen.variation is Variation.COMMON_CAUSE


def test_limits_are_recalculated_from_a_recorded_change_of_process():
    # two segments of 14: 10, 13 … (mean 11.5, limits 3.52, 19.48) and 20, 23 … (mean 21.5,
    # limits 13.52, 29.48); the first figure of the second has no moving range.
    result = chart(ALTERNATING + [20, 23] * 7, recalculate_at=[14])
    before, first_after, after = result.points[13], result.points[14], result.points[15]
    assert (before.mean, before.lower_limit, before.upper_limit) == (Decimal("11.5"), Decimal("3.52"), Decimal("19.48"))
    assert first_after.starts_segment and first_after.segment == 1 and first_after.moving_range is None
    assert (after.mean, after.lower_limit, after.upper_limit) == (Decimal("21.5"), Decimal("13.52"), Decimal("29.48"))
    assert flagged(result) == {}
    # without the change of process the second half is one long shift above the mean
    assert flagged(chart(ALTERNATING + [20, 23] * 7))[15] == {Rule.SHIFT_ABOVE}


def test_a_trend_runs_across_a_change_of_process_as_the_sql_does():
    result = chart([12, 15, 12, 15, 12, 15, 12, 10, 11, 12, 13, 14, 15, 12], recalculate_at=[10])
    assert {i for i, rules in flagged(result).items() if Rule.TREND_UP in rules} == set(range(8, 14))


@pytest.mark.parametrize("index", [0, 14, -1])
def test_a_change_of_process_must_be_inside_the_series(index):
    with pytest.raises(ValueError, match="after the first"):
        chart(ALTERNATING, recalculate_at=[index])


@pytest.mark.parametrize("value", [5, 9, "6", None, True])
def test_the_run_length_setting_allows_6_to_8_only(value):
    with pytest.raises(ImproperlyConfigured, match="from 6 to 8"):
        spc.check_run_length(value)


def test_the_run_length_comes_from_the_setting(settings):
    series = [(f"P{i}", Decimal(v)) for i, v in enumerate([10, 13, 10, 13, 10, 10, 10, 13, 14, 13, 13, 13, 14, 13])]
    assert spc.xmr(series).run_length == 6
    settings.SPC_RUN_LENGTH = 8
    assert spc.xmr(series).run_length == 8
    assert all(not point.rules for point in spc.xmr(series).points)
    settings.SPC_RUN_LENGTH = 9
    with pytest.raises(ImproperlyConfigured):
        spc.xmr(series)


def test_the_rules_are_said_in_words_with_the_run_length():
    result = chart([10, 13, 10, 13, 10, 10, 10, 13, 14, 13, 13, 13, 14, 13], n=7)
    assert result.rule_words(result.points[-1]) == ["one of 7 or more in a row above the mean"]
    assert result.cause_words(result.points[-1]) == "Special cause: neither improvement nor concern"
    assert result.cause_words(result.points[0]) == "Common cause"


def test_a_published_worked_example_nhsrplotthedots():
    """NHSRplotthedots' snapshot of its standard calculations (tests/testthat/_snaps/ptd_spc_standard.md,
    "it returns expected values"): the figures are R's set.seed(123); rnorm(20) (given here to eight
    decimals; the snapshot prints them to three figures: −0.560, −0.230, 1.56 …), and the snapshot's
    mean is 0.142, its lower process limit −3.01 and its upper 3.29."""
    figures = [
        "-0.56047565", "-0.23017749", "1.55870831", "0.07050839", "0.12928774",
        "1.71506499", "0.46091621", "-1.26506123", "-0.68685285", "-0.44566197",
        "1.22408180", "0.35981383", "0.40077145", "0.11068272", "-0.55584113",
        "1.78691314", "0.49785048", "-1.96661716", "0.70135590", "-0.47279141",
    ]
    result = chart(figures)
    point = result.points[0]
    assert point.mean.quantize(Decimal("0.001")) == Decimal("0.142")
    assert two_places(point.lower_limit) == Decimal("-3.01")
    assert two_places(point.upper_limit) == Decimal("3.29")
    assert flagged(result) == {}


def spc_setting(value):
    """Start Django with SPC_RUN_LENGTH set in the environment: (exit code, what it printed, its errors)."""
    import os
    import subprocess
    import sys

    from tests.security.test_settings import ROOT

    code = "import django; django.setup(); from django.conf import settings; print(settings.SPC_RUN_LENGTH)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sefton_ses.settings", "SPC_RUN_LENGTH": value}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    return result.returncode, result.stdout.strip(), result.stderr


def test_the_run_length_is_set_in_the_environment_and_refused_outside_6_to_8():
    assert spc_setting("8")[:2] == (0, "8")
    for bad in ("5", "9", "six"):
        code, _, errors = spc_setting(bad)
        assert code != 0 and "SPC_RUN_LENGTH must be a whole number from 6 to 8" in errors
