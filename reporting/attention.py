"""What needs attention: a short ranked list of KPIs, each line a sentence made by a rule from the
figures, citing its figures, the period they are for and the KPI (the page links it). No language
model: each rule is a small function in the table `RULES`, and the list is ranked by one rule,
`ranked` (the table's order, then the KPI's place in the strategy). Nothing is said without a
figure behind it.

The rules, most serious first (the order of `RULES`):

1. a special-cause concern: the latest figure beyond a process limit, or two of three in a row near
   one, on the bad side (kpis.spc);
2. forecast to miss the year's target: Red at the year's end by kpis.outlook (the officer's forecast,
   else the computed projection, against the year's target: `forecast_outlooks`), or from the
   outlooks the caller gives (`outlooks`, a mapping {KPI id: YearEndOutlook});
3. Red two periods running: the latest two figures both Red;
4. a shift or a trend the wrong way (kpis.spc);
5. consistently failing its target (kpis.spc's assurance);
6. a milestone slipping: a milestone's latest status is At risk or delayed, or Missed, or moved back;
7. Red or concerning with no commentary;
8. a stale figure (kpis.freshness; "not yet available" is never stale);
9. a risk outside appetite: a risk whose current score (its latest review the person may see) is
   above its appetite (reporting.risks.scoring.outside_appetite), when the caller gives the risks
   (`risks`: [RiskFacts]; the dashboard does). Its line links to the risk's page.

A KPI gets one line, its first rule's; the other rules that fired are named after it ("Also: …").

Who sees what: the figures come from the queryset the caller gives (the dashboard: the figures the
person may see, reporting.access.visible_measurements; the briefing: the approved ones), so a reader
never finds a draft figure in a line; a line that cites a draft says so (`is_draft`).

A fixed number of queries for all the KPIs (`attention`: five, and one for the year-end forecasts'
targets), whatever their number or history.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, Q

from kpis import spc
from kpis.figures import HAS_FIGURE, judged_target, primary_targets, target_year
from kpis.formatting import format_kpi_value, measurement_text
from kpis.freshness import Freshness, as_at_date, data_label, freshness, long_date
from kpis.models import KPI, Measurement
from kpis.rag import MILESTONE_ORDER, RAG, MilestoneStatus
from objectives.models import ReportingPeriod
from objectives.text import is_blank

SHOWN = 10  # lines shown before "more"


@dataclass(frozen=True)
class YearEndOutlook:
    """What a year-end forecast says of one KPI: the interface the trajectory and forecast module
    answers (one per KPI id, in the mapping given to `attention`)."""

    year_label: str  # "2024/25"
    forecast_text: str  # "590"
    target_text: str  # "640"
    misses_target: bool
    basis: str = ""  # "the officer's forecast", "computed from the run rate"


@dataclass
class Figure:
    """A figure as the rules read it: one row of `read_figures`, not a model instance, so that a
    council's whole history is read at once (the same names as Measurement's, which tests pass).
    The fields after `data_for` are read for each KPI's latest figure and latest value only (the
    rules read no more of the earlier ones)."""

    id: int
    kpi_id: int
    period: object  # its ReportingPeriod
    period_key: int
    value: Decimal | None
    milestone_status: str
    rag: str | None  # the RAG it shows (Measurement.rag, in SQL)
    is_frozen: bool
    data_for: str
    data_for_end: object = None
    forecast_value: Decimal | None = None  # the officer's forecast of the year's end (kpis.outlook reads it)
    forecast_reason: str = ""
    not_available: bool = False
    expected_date: object = None
    commentary: str = ""
    is_synthetic: bool = False
    frozen_target: Decimal | None = None  # the target it was approved against (kpis.figures.judged_target)
    frozen_target_kind: str = ""
    kpi: KPI | None = None

    def get_milestone_status_display(self):
        return MilestoneStatus(self.milestone_status).label if self.milestone_status else ""


SERIES_FIELDS = ["id", "kpi_id", "period_id", "period_key", "value", "milestone_status", "shown", "frozen", "data_for",
                 "data_for_end", "forecast_value", "forecast_reason"]
LATEST_FIELDS = ["not_available", "expected_date", "commentary", "is_synthetic", "frozen_target", "frozen_target_kind"]


def read_figures(figures):
    """[Figure] of a Measurement queryset, oldest first within each KPI: the series in a few columns,
    then the rest of each KPI's latest figure and latest value, and the periods from one small query.
    Three queries, and no model instance per figure."""
    rows = figures.annotate(shown=Measurement.shown_rag_expression(),
                            frozen=ExpressionWrapper(Q(frozen_at__isnull=False), output_field=BooleanField()))
    rows = list(rows.order_by("kpi_id", "period_key").values_list(*SERIES_FIELDS))
    periods = ReportingPeriod.objects.in_bulk({row[2] for row in rows})
    found = [Figure(id=i, kpi_id=k, period=periods[p], period_key=key, value=value, milestone_status=status,
                    rag=shown or None, is_frozen=bool(frozen), data_for=data_for, data_for_end=data_for_end,
                    forecast_value=forecast, forecast_reason=forecast_reason or "")
             for i, k, p, key, value, status, shown, frozen, data_for, data_for_end, forecast, forecast_reason in rows]
    last, last_value = {}, {}
    for figure in found:
        last[figure.kpi_id] = figure
        if figure.value is not None:
            last_value[figure.kpi_id] = figure
    wanted = {f.id: f for f in [*last.values(), *last_value.values()]}
    if wanted:
        for i, *rest in Measurement.objects.filter(id__in=list(wanted)).values_list("id", *LATEST_FIELDS):
            figure = wanted[i]
            for name, value in zip(LATEST_FIELDS, rest):
                setattr(figure, name, value)
    return found


@dataclass
class Facts:
    """Everything the rules read of one KPI, gathered for all KPIs at once (`gather`)."""

    kpi: KPI
    series: list  # its figures (value, milestone status or "not yet available"), oldest first
    chart: spc.Chart | None  # the numeric figures on an XmR chart; None for a milestone or no figure
    numeric: list  # the figures on the chart, in its order
    freshness: Freshness
    outlook: YearEndOutlook | None = None
    target: Decimal | None = None  # the target the latest numeric figure is judged against

    @property
    def latest(self):
        return self.series[-1] if self.series else None

    @property
    def latest_text(self):
        """The latest figure in words: '640', 'On track', 'Not yet available (expected …)'."""
        return measurement_text(self.latest, kpi=self.kpi, missing="No figure reported")

    @property
    def last_point(self):
        return self.chart.points[-1] if self.chart and self.chart.points else None

    def value(self, value):
        """A figure, a mean or a limit in words, to two decimal places at most ('180.5', '£35m')."""
        return format_kpi_value(spc.rounded(value), self.kpi.unit)


@dataclass
class RiskFacts:
    """What the risk rule reads of one risk: its current score (a reporting.risks.scoring.Score) from its
    latest review the person may see, the appetite it is judged against and whether the score is
    above it (both asked of reporting.risks.scoring by the caller), and that review."""

    risk: object
    score: object
    appetite: int
    outside: bool
    review: object
    is_draft: bool = False  # the review is not yet approved (the caller asks reporting.access)
    about = "risk"


@dataclass(frozen=True)
class CitedReview:
    """A risk's review as a line cites it: its period, and whether it is approved."""

    period: object
    is_frozen: bool
    score: int = 0
    data_for: str = ""
    is_synthetic: bool = False


@dataclass(frozen=True)
class Said:
    """What a rule says of a KPI: its words (after the KPI's code and title) and the figure it cites."""

    words: str
    figure: object  # the Measurement cited (its period, and whether it is approved)


@dataclass(frozen=True)
class AttentionRule:
    key: str
    heading: str
    says: object  # Facts -> Said | None
    about: str = "kpi"  # what its facts are of: "kpi" (Facts) or "risk" (RiskFacts)


@dataclass
class Line:
    kpi: KPI | None
    rule: AttentionRule
    said: Said
    also: list = field(default_factory=list)  # the headings of the other rules that fired
    risk: object = None  # a risk's line (the risk rule): its risk, and no KPI

    @property
    def name(self):
        """What the line is about: 'HOU-02 Net additional dwellings', 'SR1 Loss of funding'."""
        subject = self.risk if self.risk is not None else self.kpi
        return f"{subject.reference if self.risk is not None else subject.code} {subject.title}"

    @property
    def url(self):
        return (self.risk if self.risk is not None else self.kpi).get_absolute_url()

    @property
    def words(self):
        also = f" Also: {'; '.join(h[0].lower() + h[1:] for h in self.also)}." if self.also else ""
        return self.said.words + also

    @property
    def sentence(self):
        return f"{self.name}: {self.words}"

    @property
    def is_draft(self):
        return self.said.figure is not None and not self.said.figure.is_frozen

    @property
    def is_synthetic(self):
        """The figure cited is synthetic demonstration data (marked wherever it appears)."""
        return self.said.figure is not None and bool(getattr(self.said.figure, "is_synthetic", False))

    @property
    def period_label(self):
        return data_label(self.said.figure) if self.said.figure is not None else ""


# -- the rules ------------------------------------------------------------------------------------

LIMIT_RULES = {spc.Rule.ABOVE_LIMIT, spc.Rule.BELOW_LIMIT}
NEAR_RULES = {spc.Rule.TWO_OF_THREE_ABOVE, spc.Rule.TWO_OF_THREE_BELOW}
SHIFT_RULES = {spc.Rule.SHIFT_ABOVE, spc.Rule.SHIFT_BELOW}
TREND_RULES = {spc.Rule.TREND_UP, spc.Rule.TREND_DOWN}
SLIPPED = {MilestoneStatus.AT_RISK, MilestoneStatus.MISSED}


def _concerning(facts, rules):
    """The latest point's rules of these kinds, when it is a special-cause concern."""
    point = facts.last_point
    if point is None or point.cause is not spc.Cause.CONCERN:
        return []
    return [rule for rule in point.rules if rule in rules]


def _limit_words(side, point, facts):
    if side is spc.Side.HIGH:
        return f"the upper process limit ({facts.value(point.upper_limit)})"
    return f"the lower process limit ({facts.value(point.lower_limit)})"


def special_cause_concern(facts):
    beyond = _concerning(facts, LIMIT_RULES)
    near = _concerning(facts, NEAR_RULES)
    if not beyond and not near:
        return None
    point, m = facts.last_point, facts.numeric[-1]
    if beyond:
        where = "above" if beyond[0].side is spc.Side.HIGH else "below"
        return Said(f"{facts.value(point.value)} for {data_label(m)} is {where} {_limit_words(beyond[0].side, point, facts)}: "
                    "a special-cause concern, unlikely to be chance.", m)
    side = near[0].side
    close = [(p, f) for p, f in zip(facts.chart.points[-3:], facts.numeric[-3:]) if set(p.rules) & NEAR_RULES]
    cited = " and ".join(f"{facts.value(p.value)} for {data_label(f)}" for p, f in close)
    return Said(f"two of the last three figures ({cited}) are close to {_limit_words(side, point, facts)}: "
                "a special-cause concern.", m)


def forecast_to_miss(facts):
    outlook = facts.outlook
    if outlook is None or not outlook.misses_target:
        return None
    basis = f" ({outlook.basis})" if outlook.basis else ""
    return Said(f"forecast {outlook.forecast_text} at the end of {outlook.year_label} against a target of "
                f"{outlook.target_text}{basis}: forecast to miss the year's target.", facts.latest)


def red_two_running(facts):
    if len(facts.series) < 2:
        return None
    before, latest = facts.series[-2], facts.series[-1]
    if latest.rag != RAG.RED or before.rag != RAG.RED:
        return None
    word = latest.period.word
    return Said(f"Red for {data_label(before)} ({measurement_text(before, kpi=facts.kpi)}) and for {data_label(latest)} "
                f"({measurement_text(latest, kpi=facts.kpi)}): Red two {word}s running.", latest)


def _run(facts, rules):
    """How many figures in a row, ending with the latest, one of these rules flags."""
    count = 0
    for point in reversed(facts.chart.points):
        if not set(point.rules) & rules:
            break
        count += 1
    return count


def shift_or_trend(facts):
    shift, trend = _concerning(facts, SHIFT_RULES), _concerning(facts, TREND_RULES)
    if not shift and not trend:
        return None
    point, m = facts.last_point, facts.numeric[-1]
    if trend:
        n = _run(facts, {trend[0]})
        first, first_m = facts.chart.points[-n], facts.numeric[-n]
        each = "higher" if trend[0] is spc.Rule.TREND_UP else "lower"
        return Said(f"{n} figures in a row each {each} than the one before, from {facts.value(first.value)} for "
                    f"{data_label(first_m)} to {facts.value(point.value)} for {data_label(m)}: a trend the wrong way.", m)
    n = _run(facts, {shift[0]})
    side = "above" if shift[0] is spc.Rule.SHIFT_ABOVE else "below"
    return Said(f"{n} figures in a row {side} the average of {facts.value(point.mean)}, from {data_label(facts.numeric[-n])} "
                f"to {data_label(m)} (latest {facts.value(point.value)}): a shift the wrong way.", m)


def consistently_failing(facts):
    if facts.chart is None or facts.chart.assurance is not spc.Assurance.FAILING:
        return None
    point, m = facts.last_point, facts.numeric[-1]
    side = "below" if facts.kpi.direction == spc.HIGHER else "above"
    return Said(f"{facts.value(point.value)} for {data_label(m)} against a target of {facts.value(Decimal(facts.target))}; "
                f"the process limits ({facts.value(point.lower_limit)} to {facts.value(point.upper_limit)}) lie wholly "
                f"{side} the target, so it will not be met without a change: consistently failing its target.", m)


def milestone_slipping(facts):
    milestones = [m for m in facts.series if m.milestone_status]
    if not facts.kpi.is_milestone or not milestones or milestones[-1] is not facts.latest:
        return None
    latest = milestones[-1]
    now = MilestoneStatus(latest.milestone_status)
    before = MilestoneStatus(milestones[-2].milestone_status) if len(milestones) > 1 else None
    moved_back = before is not None and MILESTONE_ORDER[now] < MILESTONE_ORDER[before]
    if now not in SLIPPED and not moved_back:
        return None
    was = ""
    if before is not None:
        was = (f", as it was for {data_label(milestones[-2])}" if before == now
               else f", was {before.label} for {data_label(milestones[-2])}")
    return Said(f"{now.label} for {data_label(latest)}{was}: a milestone slipping.", latest)


def no_commentary(facts):
    latest = facts.latest
    if latest is None or not is_blank(latest.commentary):
        return None
    concerning = facts.last_point is not None and facts.numeric[-1] is latest and facts.last_point.cause is spc.Cause.CONCERN
    if latest.rag == RAG.RED:
        what = f"Red for {data_label(latest)} ({measurement_text(latest, kpi=facts.kpi)})"
    elif concerning:
        what = f"a special-cause concern for {data_label(latest)} ({measurement_text(latest, kpi=facts.kpi)})"
    else:
        return None
    return Said(f"{what}, with no commentary to say why.", latest)


def stale(facts):
    if not facts.freshness.is_stale:
        return None
    return Said(f"the latest figure is for {facts.freshness.data_for} ({measurement_text(facts.latest, kpi=facts.kpi)}), "
                f"due again by {long_date(facts.freshness.due)}: a stale figure.", facts.latest)


def outside_appetite(facts):
    if not facts.outside:
        return None
    review = facts.review
    return Said(f"scored {facts.score.words} for {review.period.label}, above the appetite of {facts.appetite}: "
                "outside appetite.", CitedReview(period=review.period, is_frozen=not facts.is_draft, score=facts.score.score))


RULES = (
    AttentionRule("special_cause", "A special-cause concern", special_cause_concern),
    AttentionRule("forecast", "Forecast to miss the year's target", forecast_to_miss),
    AttentionRule("red_running", "Red two periods running", red_two_running),
    AttentionRule("shift_or_trend", "A shift or a trend the wrong way", shift_or_trend),
    AttentionRule("failing", "Consistently failing its target", consistently_failing),
    AttentionRule("milestone", "A milestone slipping", milestone_slipping),
    AttentionRule("no_commentary", "Red or concerning with no commentary", no_commentary),
    AttentionRule("stale", "A stale figure", stale),
    AttentionRule("outside_appetite", "A risk outside appetite", outside_appetite, about="risk"),
)


def lines_of(facts):
    """The KPI's line: its first rule that fires, with the others named (None when none fires)."""
    about = getattr(facts, "about", "kpi")
    fired = [(rule, said) for rule in RULES if rule.about == about and (said := rule.says(facts)) is not None]
    if not fired:
        return None
    (rule, said), others = fired[0], fired[1:]
    if about == "risk":
        return Line(kpi=None, risk=facts.risk, rule=rule, said=said, also=[r.heading for r, _ in others])
    return Line(kpi=facts.kpi, rule=rule, said=said, also=[r.heading for r, _ in others])


def ranked(lines, position):
    """The one ordering: by the rule (the table's order, most serious first), then the KPI's place in
    the strategy (`position`: {KPI id: its place}); a risk's line by its score, highest first, then its
    place in the register."""
    order = {rule.key: i for i, rule in enumerate(RULES)}

    def key(line):
        if line.risk is not None:
            return (order[line.rule.key], -line.said.figure.score, line.risk.order, line.risk.reference)
        return (order[line.rule.key], position.get(line.kpi.id, 0), line.kpi.code)

    return sorted(lines, key=key)


# -- the facts, for all KPIs at once --------------------------------------------------------------


@lru_cache(maxsize=4096)
def chart_of(values, *, direction, target, n, recalculate_at=()):
    """kpis.spc.xmr of a series of figures (the rules read the figures' periods from the figures, not
    the chart's labels). Remembered by its content in each process: the same figures always make the
    same chart, and a council's approved history seldom changes, so a dashboard over a large council
    does not redraw every KPI's chart each time it is opened."""
    return spc.xmr([("", value) for value in values], direction=direction, target=target, n=n, recalculate_at=recalculate_at)


def changes_of_process(kpi_ids):
    """{KPI id: [the places in time (ReportingPeriod.order_key) of its changes of process, oldest
    first]}, for `gather`: the limits are recalculated from them as on the KPI page. One query."""
    from kpis.models import ChangeOfProcess

    found = {}
    for change in ChangeOfProcess.objects.filter(kpi_id__in=list(kpi_ids)).select_related("period"):
        found.setdefault(change.kpi_id, []).append(change.period.order_key)
    return {kpi_id: sorted(keys) for kpi_id, keys in found.items()}


def gather(kpis, figures, *, on, targets=None, outlooks=None, changes=None):
    """[Facts] of each KPI (in `kpis`' order) from `figures` (the figures of every KPI, each with its
    period attached, oldest first within each KPI: `read_figures`), judged on the day `on`, each chart's
    limits recalculated from the changes of process recorded (`changes`, `changes_of_process`). No
    query but the targets' (one, when not given)."""
    by_kpi = {kpi.id: [] for kpi in kpis}
    for m in figures:  # oldest first within each KPI
        series = by_kpi.get(m.kpi_id)
        if series is not None:
            series.append(m)
    numeric_of = {k: [m for m in series if m.value is not None] for k, series in by_kpi.items()}
    if targets is None:  # an approved figure keeps its own target: only drafts are judged against the targets now
        last = [ms[-1] for ms in numeric_of.values() if ms and not ms[-1].is_frozen]
        targets = primary_targets({m.kpi_id for m in last}, [target_year(m) for m in last]) if last else {}
    found, n = [], spc.run_length()
    for kpi in kpis:
        series = by_kpi[kpi.id]
        for m in series:
            m.kpi = kpi
        numeric = numeric_of[kpi.id] if not kpi.is_milestone else []
        target, chart = None, None
        if numeric:
            target, _kind = judged_target(kpi, numeric[-1], targets=targets)
        if len(numeric) >= spc.MINIMUM_POINTS:  # fewer: a run chart, which gives no verdict and marks no special cause
            at = spc.recalculation_points([m.period_key for m in numeric], (changes or {}).get(kpi.id, []))
            chart = chart_of(tuple(m.value for m in numeric), direction=kpi.direction, target=target, n=n,
                             recalculate_at=tuple(sorted(at)))
        found.append(Facts(kpi=kpi, series=series, chart=chart, numeric=numeric, target=target,
                           freshness=freshness(kpi, series[-1] if series else None, on=on),
                           outlook=(outlooks or {}).get(kpi.id) if isinstance(outlooks, Mapping) else None))
    return found


@dataclass
class Attention:
    lines: list  # ranked
    stale: list  # Facts of the KPIs whose latest figure is stale, in the strategy's order
    on: object  # the day the figures were judged on
    facts: dict = field(default_factory=dict)  # {KPI id: Facts} of every KPI read (its chart: the icons' verdicts)

    @property
    def shown(self):
        return self.lines[:SHOWN]

    @property
    def more(self):
        return self.lines[SHOWN:]


def attention(*, kpis, figures, period, today, outlooks=None, risks=()):
    """What needs attention among `kpis` (a KPI queryset, in the strategy's order), from `figures`
    (a Measurement queryset: what the person may see), as at `period`; and among `risks` ([RiskFacts],
    read by the caller). Five queries: the KPIs, their figures up to the period (and the rest of the
    latest), those figures' periods, the targets."""
    kpis = list(kpis)
    risk_lines = [line for f in risks if (line := lines_of(f)) is not None]
    if period is None or not kpis:
        return Attention(lines=ranked(risk_lines, {}), stale=[], on=today)
    on = as_at_date(period, today)
    series = read_figures(figures.filter(HAS_FIGURE, kpi_id__in=[k.id for k in kpis], period_key__lte=period.order_key))
    if outlooks is None:
        outlooks = forecast_outlooks(kpis, series, year=period.financial_year)
    facts = gather(kpis, series, on=on, outlooks=outlooks, changes=changes_of_process(k.id for k in kpis))
    position = {kpi.id: i for i, kpi in enumerate(kpis)}
    lines = [line for f in facts if (line := lines_of(f)) is not None] + risk_lines
    return Attention(lines=ranked(lines, position), stale=[f for f in facts if f.freshness.is_stale], on=on,
                     facts={f.kpi.id: f for f in facts})


def forecast_outlooks(kpis, series, *, year):
    """{KPI id: YearEndOutlook} for the KPIs with a year-end forecast for `year` (the officer's, or the
    computed projection), asked of kpis.outlook from the figures the rules have already read
    (`series`: read_figures' rows); one query, for the year's primary targets."""
    from kpis.models import Target
    from kpis.outlook import has_trajectory, outlook_of
    from objectives.models import financial_year_label

    kpis = [kpi for kpi in kpis if has_trajectory(kpi)]
    targets = {t.kpi_id: t for t in Target.objects.filter(kpi_id__in=[k.id for k in kpis], financial_year=year,
                                                           is_primary=True, value__isnull=False)} if kpis else {}
    by_kpi = {}
    for figure in series:
        by_kpi.setdefault(figure.kpi_id, []).append(figure)
    found = {}
    for kpi in kpis:
        if kpi.id not in targets:
            continue
        o = outlook_of(kpi, year, target=targets[kpi.id], figures=by_kpi.get(kpi.id, []))
        if o is not None and o.forecast is not None:
            found[kpi.id] = YearEndOutlook(
                year_label=financial_year_label(o.year), forecast_text=format_kpi_value(o.forecast, kpi.unit),
                target_text=format_kpi_value(o.target, kpi.unit), misses_target=o.misses_year_end, basis=o.forecast_source)
    return found


def as_text(lines, *, shown=None):
    """The lines as the briefing's typed text: one numbered line each ("1. HOU-02 …"), which the
    Economy Cell may edit; with `shown`, the first so many and a line saying how many more there are."""
    text = "\n".join(f"{n}. {line.sentence}{' (synthetic)' if line.is_synthetic else ''}"
                     for n, line in enumerate(lines[:shown], start=1))
    more = len(lines) - shown if shown is not None else 0
    if more > 0:
        text += f"\n{more} more KPI{'s' if more > 1 else ''} meet{'' if more > 1 else 's'} a rule: the dashboard lists them all."
    return text
