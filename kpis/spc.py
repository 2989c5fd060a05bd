"""Variation, as NHS England's "Making Data Count" does it: the XmR chart, its special-cause
rules and its two verdicts. Plain functions on a KPI's series, no database.

The rules are facts carried over from two references, named beside each rule below:

* NHS England's "SPC Charts SQL Query" (v2.4 and v2.5, Matthew Callus, Improvement Analytics Team;
  "the SQL" below), Step 4 "special cause" and "icons";
* the NHS-R Community's R package NHSRplotthedots (``ptd_spc_standard``,
  ``ptd_calculate_point_type``, ``ptd_calculate_assurance_type``; "plotthedots" below).

Where the two agree the rule says so; where they differ, which one is followed and why.

The two numbers are the issue's (issue 25, "NHS England's current default"): a shift or a trend is
6 points (``SPC_RUN_LENGTH``, 6 to 8), an XmR chart needs 13 figures. The SQL versions read for
this (v2.4, v2.5) ship with 7 (``@SettingSpecialCauseShiftPoints``, ``...TrendPoints``, warning
outside 6 to 8) and 15 (``@SettingMinimumPoints``); plotthedots warns below 12 per segment.

The chart (both references, ``limit <- 2.66``, ``limitclose <- 2 * (limit / 3)``):

* the mean of the figures;
* the moving ranges |xₜ − xₜ₋₁|, within a segment (the first figure of a segment has none);
* the mean moving range;
* the process limits at the mean ± 2.66 × the mean moving range;
* the two-sigma lines at two thirds of that distance from the mean.

A recalculation point (the index of the figure from which the coordinator recorded a change of
process) starts a new segment, with its own mean, moving ranges and limits (the SQL's
"partition", plotthedots' ``rebase_group``). Moving ranges are never screened for outliers
(the SQL's ``@ExcludeMovingRangeOutliers`` is off by default).

Fewer than 13 figures (``MINIMUM_POINTS``, counted over the whole series whatever its segments,
as the SQL's ``@SettingMinimumPoints`` "ignores recalculating of limits") gives a run chart: the
figures and their mean only, as the SQL removes the limits and both icons below its minimum. No
special cause is marked and no verdict given: "not enough figures yet (9 of 13)".
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.core.exceptions import ImproperlyConfigured

MINIMUM_POINTS = 13
DEFAULT_RUN_LENGTH = 6
ALLOWED_RUN_LENGTHS = range(6, 9)  # 6 to 8, as the SQL's warnings allow
LIMIT_FACTOR = Decimal("2.66")
HIGHER = "higher"
LOWER = "lower"


def check_run_length(value):
    """The number of points that makes a shift or a trend: a whole number from 6 to 8, else a clear
    refusal (the SQL warns when @SettingSpecialCauseShiftPoints or ...TrendPoints is outside 6 to 8)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in ALLOWED_RUN_LENGTHS:
        raise ImproperlyConfigured(
            f"SPC_RUN_LENGTH must be a whole number from 6 to 8 (points in a row that make a shift or a trend); it is {value!r}."
        )
    return value


def run_length():
    """The setting SPC_RUN_LENGTH (6 by default), checked."""
    from django.conf import settings

    return check_run_length(getattr(settings, "SPC_RUN_LENGTH", DEFAULT_RUN_LENGTH))


class Side(Enum):
    HIGH = "high"
    LOW = "low"


class Rule(Enum):
    """A special-cause rule as it fired on a point, with the side of the mean it points to."""

    ABOVE_LIMIT = ("above_limit", Side.HIGH)
    BELOW_LIMIT = ("below_limit", Side.LOW)
    SHIFT_ABOVE = ("shift_above", Side.HIGH)
    SHIFT_BELOW = ("shift_below", Side.LOW)
    TREND_UP = ("trend_up", Side.HIGH)
    TREND_DOWN = ("trend_down", Side.LOW)
    TWO_OF_THREE_ABOVE = ("two_of_three_above", Side.HIGH)
    TWO_OF_THREE_BELOW = ("two_of_three_below", Side.LOW)

    def __init__(self, key, side):
        self.key = key
        self.side = side

    def words(self, n):
        return {
            "above_limit": "above the upper process limit",
            "below_limit": "below the lower process limit",
            "shift_above": f"one of {n} or more in a row above the mean",
            "shift_below": f"one of {n} or more in a row below the mean",
            "trend_up": f"one of {n} or more in a row each higher than the one before",
            "trend_down": f"one of {n} or more in a row each lower than the one before",
            "two_of_three_above": "two of three in a row near the upper process limit",
            "two_of_three_below": "two of three in a row near the lower process limit",
        }[self.key]


class Cause(Enum):
    """What a point's special cause means for the KPI, by its direction."""

    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEITHER = "neither"


class Variation(Enum):
    COMMON_CAUSE = "common_cause"
    IMPROVING = "improving"
    CONCERNING = "concerning"
    NEITHER = "neither"


class Assurance(Enum):
    PASSING = "passing"
    HIT_OR_MISS = "hit_or_miss"
    FAILING = "failing"


VARIATION_WORDS = {
    Variation.COMMON_CAUSE: "Common cause variation: no significant change",
    Variation.IMPROVING: "Special cause variation: improving",
    Variation.CONCERNING: "Special cause variation: concerning",
    Variation.NEITHER: "Special cause variation: neither improving nor concerning",
}
ASSURANCE_WORDS = {
    Assurance.PASSING: "Consistently passing the target",
    Assurance.HIT_OR_MISS: "Hit or miss: the target may or may not be met",
    Assurance.FAILING: "Consistently failing the target",
}
CAUSE_WORDS = {
    Cause.IMPROVEMENT: "Special cause: improvement",
    Cause.CONCERN: "Special cause: concern",
    Cause.NEITHER: "Special cause: neither improvement nor concern",
}


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal
    segment: int
    starts_segment: bool  # the first figure after a recorded change of process
    moving_range: Decimal | None
    mean: Decimal
    lower_limit: Decimal | None
    upper_limit: Decimal | None
    lower_two_sigma: Decimal | None
    upper_two_sigma: Decimal | None
    rules: tuple = ()
    cause: Cause | None = None  # None: common cause (or a run chart)


@dataclass(frozen=True)
class ChangePoint:
    """Where the limits were recalculated: the index and label of the first figure after a recorded
    change of process, and its reason (for the page's words and the chart's marker)."""

    index: int
    label: str
    reason: str = ""


@dataclass(frozen=True)
class Chart:
    points: tuple
    run_length: int
    is_run_chart: bool
    variation: Variation | None
    variation_high_or_low: Side | None
    assurance: Assurance | None
    no_assurance_reason: str = ""
    changes: tuple = ()  # ChangePoint, oldest first

    @property
    def count_words(self):
        """ "not enough figures yet (9 of 13)" for a run chart; else blank."""
        if self.is_run_chart:
            return f"not enough figures yet ({len(self.points)} of {MINIMUM_POINTS})"
        return ""

    @property
    def variation_words(self):
        if self.variation is None:
            return ""
        words = VARIATION_WORDS[self.variation]
        if self.variation_high_or_low is not None:
            words += " (higher)" if self.variation_high_or_low is Side.HIGH else " (lower)"
        return words

    @property
    def assurance_words(self):
        """The assurance verdict in words; on an XmR chart without one, why not."""
        if self.assurance is not None:
            return ASSURANCE_WORDS[self.assurance]
        return "" if self.is_run_chart else self.no_assurance_reason

    def rule_words(self, point):
        """Each rule that fired on a point, in words."""
        return [rule.words(self.run_length) for rule in point.rules]

    def cause_words(self, point):
        if point.cause is None:
            return "Common cause" if not self.is_run_chart else ""
        return CAUSE_WORDS[point.cause]


def rounded(value):
    """A computed figure of the chart (a mean, a limit) to two decimal places, as the references
    print them; None stays None."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _mean(values):
    return sum(values, Decimal(0)) / len(values)


def segments(count, recalculate_at=()):
    """The (start, stop) index ranges of each segment of a series of ``count`` figures, a new one
    starting at each recalculation point (an index from 1 to count − 1)."""
    starts = sorted(set(recalculate_at))
    for index in starts:
        if not isinstance(index, int) or not 0 < index < count:
            raise ValueError(f"A change of process must be recorded at a figure after the first: {index!r} is not.")
    bounds = [0, *starts, count]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _sign(value, mean):
    return (value > mean) - (value < mean)


def _shift_flags(values, means, starts_stops, n):
    """Shift (both references: the SQL's "points in a row ... all above or all below the mean",
    plotthedots' ``ptd_seven_point_one_side_mean``): n or more figures in a row strictly on one
    side of their segment's mean; a figure exactly on the mean belongs to neither side and so
    breaks the run; a run does not cross a recalculation point (both references count within
    the partition / rebase group). Every figure of the run is flagged."""
    flags = [None] * len(values)
    for start, stop in starts_stops:
        i = start
        while i < stop:
            side = _sign(values[i], means[i])
            j = i
            while j + 1 < stop and side != 0 and _sign(values[j + 1], means[j + 1]) == side:
                j += 1
            if side != 0 and j - i + 1 >= n:
                for k in range(i, j + 1):
                    flags[k] = Rule.SHIFT_ABOVE if side > 0 else Rule.SHIFT_BELOW
            i = j + 1
    return flags


def _trend_flags(values, n):
    """Trend (the SQL, Step 4h: "points ... either all increasing or all decreasing, including
    endpoints"; plotthedots' ``ptd_seven_point_trend`` likewise takes 7 points and their 6
    differences): n figures in a row counted with both endpoints, so n − 1 rises (or falls) in a
    row. A figure equal to the one before is neither a rise nor a fall (the SQL compares with ">"
    and "<", plotthedots needs every ``sign(diff)`` to be the same non-zero sign), so equal
    consecutive figures break a trend. Following the SQL (since v2.2, "allowing for crossing of
    partitions"), a trend runs across a recalculation point: it does not depend on the mean.
    (plotthedots keeps it within a rebase group; the difference shows only at a change of process.)
    Every figure of the trend is flagged."""
    flags = [None] * len(values)
    i = 0
    while i < len(values):
        j = i
        direction = 0
        while j + 1 < len(values):
            step = _sign(values[j + 1], values[j])
            if step == 0 or (direction and step != direction):
                break
            direction = step
            j += 1
        if direction and j - i + 1 >= n:
            for k in range(i, j + 1):
                flags[k] = Rule.TREND_UP if direction > 0 else Rule.TREND_DOWN
        i = j if j > i else i + 1
    return flags


def _two_of_three_flags(values, points_limits, starts_stops):
    """Two of three (both references, the SQL's Step 4i since v2.1 and plotthedots'
    ``ptd_two_in_three`` since 0.2.2): a figure is *near* a limit when it is beyond a two-sigma
    line but not beyond the process limit (a figure on the process limit is near it). Two or three
    near figures within three in a row, on the same side, with all three of them on that side of
    the mean, flag the near figures (the third figure, not near, is not flagged). Within a segment."""
    flags = [None] * len(values)
    for start, stop in starts_stops:
        for first in range(start, stop - 2):
            window = range(first, first + 3)
            for side, rule in ((1, Rule.TWO_OF_THREE_ABOVE), (-1, Rule.TWO_OF_THREE_BELOW)):
                near = [k for k in window if _near(values[k], points_limits[k], side)]
                if len(near) >= 2 and all(_sign(values[k], points_limits[k][0]) == side for k in window):
                    for k in near:
                        flags[k] = rule
    return flags


def _near(value, limits, side):
    _mean_, lower, upper, lower_two, upper_two = limits
    if upper is None:
        return False
    if side > 0:
        return upper_two < value <= upper
    return lower <= value < lower_two


def _cause(rules, direction):
    """Improvement, concern or neither, by the KPI's direction (the SQL, Step 4j): with no direction
    every special cause is "neither". A figure that fires rules on both sides (a rising trend below
    the mean, say) is shown as a concern: the SQL asks each metric for its [MetricConflictRule];
    we take "Concern", as its sample metrics do, so that a warning is never hidden."""
    if not rules:
        return None
    if direction not in (HIGHER, LOWER):
        return Cause.NEITHER
    good = Side.HIGH if direction == HIGHER else Side.LOW
    sides = {rule.side for rule in rules}
    if any(side != good for side in sides):
        return Cause.CONCERN
    return Cause.IMPROVEMENT


def xmr(series, *, direction=None, target=None, recalculate_at=(), n=None, reasons=None):
    """The XmR chart of ``series`` (a list of (period label, Decimal figure) in time order) for a
    KPI whose ``direction`` is "higher" or "lower" (is better), or anything else for none, with an
    optional ``target`` and the indexes at which a change of process was recorded (``reasons``:
    {index: the reason recorded}, said with each ChangePoint).

    As plotthedots' ``recalc`` with ``rebase`` dates and the SQL's "RebasePoint": the figures from
    a change point on have their own mean and limits; the figures before it keep those of their own
    (earlier) segment, so the current limits come from the latest segment only."""
    n = check_run_length(n) if n is not None else run_length()
    labels = [label for label, _ in series]
    values = [Decimal(value) for _, value in series]
    bounds = segments(len(values), recalculate_at)
    is_run_chart = len(values) < MINIMUM_POINTS

    limits = [None] * len(values)
    moving = [None] * len(values)
    for start, stop in bounds:
        part = values[start:stop]
        if not part:  # no figure at all
            continue
        mean = _mean(part)
        ranges = [abs(part[i] - part[i - 1]) for i in range(1, len(part))]
        for i, mr in enumerate(ranges, start=start + 1):
            moving[i] = mr
        if ranges and not is_run_chart:
            distance = LIMIT_FACTOR * _mean(ranges)
            two = distance * 2 / 3
            row = (mean, mean - distance, mean + distance, mean - two, mean + two)
        else:
            row = (mean, None, None, None, None)
        for i in range(start, stop):
            limits[i] = row

    if is_run_chart:
        flags = [[] for _ in values]
    else:
        flags = [[] for _ in values]
        for i, value in enumerate(values):
            mean, lower, upper, _, _ = limits[i]
            if upper is not None and value > upper:
                flags[i].append(Rule.ABOVE_LIMIT)
            if lower is not None and value < lower:
                flags[i].append(Rule.BELOW_LIMIT)
        means = [row[0] for row in limits]
        for found in (_shift_flags(values, means, bounds, n), _trend_flags(values, n), _two_of_three_flags(values, limits, bounds)):
            for i, rule in enumerate(found):
                if rule is not None:
                    flags[i].append(rule)

    starts = {start for start, _ in bounds[1:]}
    points = tuple(
        Point(
            label=labels[i],
            value=values[i],
            segment=segment_index,
            starts_segment=i in starts,
            moving_range=moving[i],
            mean=limits[i][0],
            lower_limit=limits[i][1],
            upper_limit=limits[i][2],
            lower_two_sigma=limits[i][3],
            upper_two_sigma=limits[i][4],
            rules=tuple(flags[i]),
            cause=_cause(flags[i], direction),
        )
        for segment_index, (start, stop) in enumerate(bounds)
        for i in range(start, stop)
    )
    variation, high_or_low = _variation(points, direction, is_run_chart)
    return Chart(
        points=points,
        run_length=n,
        is_run_chart=is_run_chart,
        variation=variation,
        variation_high_or_low=high_or_low,
        assurance=None if is_run_chart else assurance(points[-1] if points else None, direction=direction, target=target),
        changes=tuple(ChangePoint(start, labels[start], (reasons or {}).get(start, "")) for start, _ in bounds[1:]),
        no_assurance_reason=(
            "No verdict: the KPI has no better direction (higher or lower)" if direction not in (HIGHER, LOWER)
            else "No verdict: there is no target for the latest figure" if target is None else ""
        ),
    )


def _variation(points, direction, is_run_chart):
    """The variation verdict is the latest figure's (the SQL, Step 4k: "the variation and assurance
    icons for the last non-ghosted point"; plotthedots' icon likewise reads the last point's type):
    common cause, or its special cause as improving, concerning or neither (with the side, high
    or low, for neither as the SQL's "Neither (High)" / "Neither (Low)")."""
    if is_run_chart or not points:
        return None, None
    last = points[-1]
    if last.cause is None:
        return Variation.COMMON_CAUSE, None
    if last.cause is Cause.NEITHER:
        sides = {rule.side for rule in last.rules}
        return Variation.NEITHER, (Side.HIGH if Side.HIGH in sides else Side.LOW)
    return (Variation.IMPROVING if last.cause is Cause.IMPROVEMENT else Variation.CONCERNING), None


def assurance(point, *, direction, target):
    """The assurance verdict from the latest figure's process limits (the SQL, Step 4k; plotthedots'
    ``ptd_calculate_assurance_type``), for a KPI with a direction and a target: the target beyond
    the limits on the side the figures would have to fall short of it is consistently passing;
    between the limits hit or miss; beyond them on the other side consistently failing. A target
    exactly on a limit counts as beyond it (the SQL since v2.1: "a pass/fail when the target is on
    a process limit")."""
    if point is None or target is None or direction not in (HIGHER, LOWER) or point.upper_limit is None:
        return None
    target = Decimal(target)
    lower, upper = point.lower_limit, point.upper_limit
    if direction == HIGHER:
        if target <= lower:
            return Assurance.PASSING
        if target >= upper:
            return Assurance.FAILING
        return Assurance.HIT_OR_MISS
    if target >= upper:
        return Assurance.PASSING
    if target <= lower:
        return Assurance.FAILING
    return Assurance.HIT_OR_MISS


def recalculation_points(figure_keys, change_keys):
    """{index of a figure: position of the change in `change_keys`} for the changes of process
    recorded from periods whose place in time is `change_keys` (ReportingPeriod.order_key, oldest
    first), over figures in time order whose periods' places are `figure_keys`: the limits are
    recalculated from the first figure reported in the change's period or after it (a change before
    the first figure, or after the last, moves no limit; a later change at the same figure wins).
    The KPI page and every page that draws the verdicts in bulk (reporting.attention.gather) ask here."""
    found = {}
    for position, key in enumerate(change_keys):
        index = next((i for i, figure_key in enumerate(figure_keys) if figure_key >= key), None)
        if index:  # not None, and not the first figure: limits need figures before the change
            found[index] = position
    return found
