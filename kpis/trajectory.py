"""A year's target as a trajectory, and the year's end foreseen: plain rules, no database.

* **The trajectory** (`trajectory_point`): the year's target spread across its periods, as the
  target's profile says. *Flat*: every period's point is the year's target (as before profiles
  existed). *Linear*: from a baseline figure at the year's start to the target at its end, in equal
  steps (Q2 of four quarters: the baseline plus half the way). *Set period by period*: each period's
  point as the coordinator set it, the last period's being the year's target. A figure is rated
  against the point of the period it is for (`place_in_year`), so that Q2 is judged against Q2,
  not against the year's end: kpis.figures.rating_contexts asks here, and every rating goes through
  it (the return page, its live status, a save, an approval, the import, the API's rating address).
* **The projection** (`projection`): what the product computes for the year's end, always said as
  computed. A *cumulative* KPI (each figure the year to date) by its run rate: the year to date ÷
  the periods elapsed × the periods in the year. A *snapshot* KPI by a straight line (least squares)
  through its recent figures (up to `RECENT` of them), read at the year's last period.
* **The outlook** (`Outlook`): two statuses side by side, now (the latest figure against its
  trajectory point) and at the year's end (the officer's forecast where given, else the computed
  projection, against the year's target, by the one RAG rule kpis.rag.rate): "Amber now, forecast
  Green at year end". Read for many KPIs at once by kpis.outlook.year_end_outlooks.
"""
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kpis.rag import rag_label, rate
from objectives import cadence as cadences

FLAT, LINEAR, PERIODS = "flat", "linear", "periods"  # kpis.models.Profile
CUMULATIVE = "cumulative"  # kpis.models.Accumulation
RECENT = 4  # a snapshot KPI's straight line is drawn through its latest figures, up to this many
PLACES = Decimal("0.001")  # a point or a projection is a figure of 3 decimal places


def place_in_year(*, period, data_for_end=None):
    """The number of the period of its year a figure is for (1 to 4 for quarters): of the period the
    data is for where its last day is known (a figure for the year to 30 September is Q2's, whenever
    it was reported), else of the period it was reported in. Periods of the reporting period's cadence."""
    if data_for_end is not None:
        months = (data_for_end.month - 4) % 12 + 1  # months since 1 April, this one counted
        return math.ceil(months / cadences.MONTHS[period.cadence])
    return period.number


def trajectory_point(*, target, number, per_year):
    """The trajectory's point for the `number`-th of `per_year` periods of the target's year (a
    Decimal), or None where the target has no value. A profile that cannot be read (a linear one
    without its baseline, points missing) is read as flat."""
    value = target.value
    if value is None:
        return None
    value = Decimal(value)
    if number >= per_year:
        return value
    if target.profile == LINEAR and target.baseline is not None:
        baseline = Decimal(target.baseline)
        return (baseline + (value - baseline) * Decimal(number) / Decimal(per_year)).quantize(PLACES)
    if target.profile == PERIODS:
        points = list(target.period_points or [])
        if number <= len(points) and points[number - 1] not in (None, ""):
            try:
                return Decimal(str(points[number - 1]))
            except InvalidOperation:
                return value
    return value


def trajectory(*, target, per_year):
    """[point of period 1, …, point of the last period (the year's target)]."""
    return [trajectory_point(target=target, number=n, per_year=per_year) for n in range(1, per_year + 1)]


def profile_problems(*, profile, baseline, points):
    """{field: message} of what makes a profile impossible to draw: the model's and the forms' check."""
    problems = {}
    if profile == LINEAR and baseline is None:
        problems["baseline"] = "A linear trajectory starts from a baseline: give the figure at the start of the year."
    if profile == PERIODS:
        if not points or any(p in (None, "") for p in points):
            problems["period_points"] = "Give the trajectory's point for each period before the last."
        else:
            try:
                [Decimal(str(p)) for p in points]
            except InvalidOperation:
                problems["period_points"] = "Each point of the trajectory must be a number."
    return problems


def is_profiled(target):
    """Whether a target's trajectory is anything but flat (the rating then names the point)."""
    return target is not None and target.profile in (LINEAR, PERIODS)


# -- the projection to the year's end ---------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    value: Decimal | None
    method: str  # how it was computed, in words; or why there is none

    @property
    def words(self):
        return self.method


def run_rate(*, year_to_date, number, per_year):
    """A cumulative KPI's year's end at the rate so far: year to date ÷ periods elapsed × periods in the year."""
    return (Decimal(year_to_date) / Decimal(number) * Decimal(per_year)).quantize(PLACES)


def straight_line(points, at):
    """The least-squares straight line through `points` ([(x, y)]), read at x = `at`; None with
    fewer than two distinct x."""
    xs = [Decimal(x) for x, _ in points]
    ys = [Decimal(y) for _, y in points]
    n = len(points)
    if n < 2 or len(set(xs)) < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    return (mean_y + slope * (Decimal(at) - mean_x)).quantize(PLACES)


def as_precise_as(value, figures):
    """`value` to as many decimal places as the most precise of the figures it was worked out from
    (a projection of dwellings from whole numbers is a whole number, "522", never "522.167")."""
    places = max((max(0, -Decimal(v).normalize().as_tuple().exponent) for *_, v in figures), default=0)
    return value.quantize(Decimal(1).scaleb(-places))


def projection(*, accumulation, figures, per_year, year, cadence):
    """The computed projection to the year's end from `figures`, [(financial year, number, value)]
    oldest first, of one KPI: its figures of this year (and, for a snapshot, the years before), as
    precise as they are (`as_precise_as`)."""
    if not figures:
        return Projection(None, "No figure yet to project from")
    last_year, last_number, last_value = figures[-1]
    if accumulation == CUMULATIVE:
        if last_year != year:
            return Projection(None, "No figure for this year yet to project from")
        value = as_precise_as(run_rate(year_to_date=last_value, number=last_number, per_year=per_year), [figures[-1]])
        return Projection(value, f"Computed at the run rate so far: {_plain(last_value)} in {last_number} of "
                                 f"{per_year} {cadences.WORDS[cadence][1]}, × {per_year} ÷ {last_number}")
    recent = figures[-RECENT:]
    end = cadences.order_key(year, per_year, cadence)
    points = [(cadences.order_key(y, n, cadence), v) for y, n, v in recent]
    value = straight_line(points, end)
    if value is None:
        return Projection(None, "Not enough figures to draw a line through (2 are needed)")
    return Projection(as_precise_as(value, recent), f"Computed from a straight line through the latest {len(recent)} figures")


def _plain(value):
    return format(Decimal(value).normalize(), ",f")


# -- now and at the year's end --------------------------------------------------------------------


OFFICER, COMPUTED = "officer", "computed"


@dataclass(frozen=True)
class Outlook:
    """A targeted KPI's two statuses for a year: now (its latest figure against its trajectory point)
    and at the year's end (the forecast against the year's target)."""

    year: int
    target: Decimal | None  # the year's target
    tolerance: Decimal | None
    now_rag: str | None  # the RAG the latest figure shows (rated against its trajectory point)
    now_figure: Decimal | None
    now_label: str  # the period of the latest figure, "2023/24 Q2"
    now_point: Decimal | None  # the trajectory's point for it
    forecast: Decimal | None  # what the year's end is judged on: the officer's forecast, else the projection
    forecast_by: str  # OFFICER, COMPUTED or ""
    reason: str  # the officer's reason
    projection: Projection
    year_end_rag: str | None
    points: tuple = ()  # the trajectory, period by period

    @property
    def now_words(self):
        return f"{rag_label(self.now_rag)} now" if self.now_rag else "Not rated now"

    @property
    def year_end_words(self):
        if self.forecast is None:
            return "no forecast for the year's end yet"
        return f"forecast {rag_label(self.year_end_rag)} at year end"

    @property
    def forecast_source(self):
        """Whose the forecast is, in words: 'the officer's forecast', 'computed projection'."""
        return {OFFICER: "the officer's forecast", COMPUTED: "computed projection"}.get(self.forecast_by, "")

    @property
    def words(self):
        """'Amber now, forecast Green at year end (the officer's forecast)'."""
        source = f" ({self.forecast_source})" if self.forecast_by else ""
        return f"{self.now_words}, {self.year_end_words}{source}"

    @property
    def misses_year_end(self):
        """Forecast to miss the year's target (Red at year end): an attention rule's question."""
        return self.year_end_rag == "red"


def outlook(*, kpi, year, target, figures, forecast=None, reason="", per_year, cadence, latest=None,
            now_point=None, now_label=""):
    """The Outlook of one targeted KPI for `year` (kpis.outlook.year_end_outlooks reads what it needs in bulk).
    `figures` [(financial year, number, value)] oldest first; `latest` the latest figure of the year
    (a Measurement, for its RAG); `forecast` the officer's forecast and `reason`."""
    computed = projection(accumulation=kpi.accumulation, figures=figures, per_year=per_year, year=year, cadence=cadence)
    if forecast is not None:
        judged, by = Decimal(forecast), OFFICER
    elif computed.value is not None:
        judged, by = computed.value, COMPUTED
    else:
        judged, by = None, ""
    value = target.value if target is not None else None
    year_end = None
    if judged is not None and value is not None:
        year_end = rate(direction=kpi.direction, value=judged, target=value, tolerance_percent=target.amber_tolerance).rag
    return Outlook(
        year=year, target=value, tolerance=target.amber_tolerance if target is not None else None,
        now_rag=latest.rag if latest is not None else None,
        now_figure=latest.value if latest is not None else None, now_label=now_label, now_point=now_point,
        forecast=judged, forecast_by=by, reason=reason if by == OFFICER else "", projection=computed,
        year_end_rag=year_end,
        points=tuple(trajectory(target=target, per_year=per_year)) if value is not None else (),
    )
