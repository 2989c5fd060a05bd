"""Reads for a sub-strand's page and a KPI's page, each filtered by what the user may see
(reporting.access), with movement against one baseline (`reporting.statuses`) and figures by `kpis.figures`.

A fixed number of queries whatever the size (the tests pin the counts).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from kpis import spc
from kpis.outlook import outlook_of, outlook_texts
from kpis.freshness import Freshness, freshness
from kpis.figures import HAS_FIGURE, data_lag_words, judged_target, primary_targets, target_text, target_year, with_periods
from kpis.formatting import format_kpi_value, plain_number
from kpis.models import KPI, ChangeOfProcess, Measurement, Target
from kpis.rag import movements, rag_label
from objectives import cadence as cadences
from objectives.models import SubStrand, financial_year_label
from reporting.access import (
    BRIEFINGS, KPIS, SEEN_BY_READERS, SUB_STRANDS, latest_visible_measurements, sees_all_drafts, visible_measurements, visible_returns,
)
from reporting.dashboard.choices import default_period
from reporting.dashboard.selectors import figure_text
from reporting.models import QuarterlyReturn
from reporting.statuses import status
from reporting.variation.verdicts import assurance_verdict, variation_verdict, verdicts_for, verdicts_or_none


@dataclass
class KPILine:
    kpi: KPI
    measurement: Measurement | None
    value_text: str
    target_text: str
    rag: str | None
    data_for: str
    is_draft: bool
    is_synthetic: bool
    variation: object = None  # reporting.variation.verdicts.Verdict: the icon and its words
    assurance: object = None


def kpi_lines(*, user, kpis, period):
    """Each KPI with its latest figure (as at `period`) against its target, and its variation and
    assurance. Seven queries."""
    kpis = list(kpis)
    verdicts = verdicts_for(kpis=kpis, figures=visible_measurements(user), period=period)
    latest = {}
    if period is not None and kpis:
        found = latest_visible_measurements(user, period).filter(kpi__in=[k.id for k in kpis]).order_by()
        latest = {m.kpi_id: m for m in with_periods(found)}
    this_year = period.financial_year if period else None
    targets = primary_targets([k.id for k in kpis], [this_year, *(target_year(m) for m in latest.values())])
    lines = []
    for kpi in kpis:
        m = latest.get(kpi.id)
        if m is not None:
            m.kpi = kpi
        value, kind = judged_target(kpi, m, financial_year=this_year, targets=targets)
        lines.append(KPILine(
            kpi=kpi, measurement=m, value_text=figure_text(m), target_text=target_text(kpi, value, kind),
            rag=m.rag if m else None, data_for=data_lag_words(m), is_draft=bool(m) and not m.is_frozen,
            is_synthetic=bool(m) and m.is_synthetic,
            variation=verdicts_or_none(verdicts, kpi)[0], assurance=verdicts_or_none(verdicts, kpi)[1],
        ))
    return lines


def history_line(user, ret, move):
    """One quarter of a sub-strand's status history, as the page shows it."""
    rag = ret.overall_rag or None
    return {
        "period": ret.period, "ret": ret, "rag": rag, "rag_label": rag_label(rag), "state_label": ret.get_state_display(),
        "is_draft": ret.state not in SEEN_BY_READERS, "movement": move, "movement_words": move.words if rag else "",
        "is_synthetic": ret.is_synthetic, "briefing_link": _briefing_readable(user, getattr(ret.period, "briefing", None)),
    }


@dataclass
class SubStrandPage:
    sub_strand: SubStrand
    latest: QuarterlyReturn | None
    history: list
    kpis: list
    synthetic: bool

    @property
    def latest_is_draft(self):
        return self.latest is not None and self.latest.state not in SEEN_BY_READERS


def page_sub_strand(*, user, slug):
    """The sub-strand a page is about, or None if there is no such sub-strand; PermissionDenied,
    saying why, for a reader who does not read its strategy (access.SUB_STRANDS). One query."""
    sub = SubStrand.objects.select_related("objective__strategy", "lead_officer").filter(slug=slug).first()
    if sub is not None:
        SUB_STRANDS.require(user, sub)
    return sub


def sub_strand_page(*, user, slug=None, sub=None):
    """A sub-strand's latest overall status and commentary, its status history (with movement),
    and its KPIs with their latest figure against target. None if there is no such sub-strand;
    PermissionDenied, saying why, for a reader who does not read its strategy (access.SUB_STRANDS).
    `sub`: the sub-strand, already found by `page_sub_strand` for this user (else found by `slug`)."""
    if sub is None:
        sub = page_sub_strand(user=user, slug=slug)
    if sub is None:
        return None
    returns = list(
        visible_returns(user).filter(sub_strand=sub).select_related("period__briefing")
        .order_by("period__end_date")
    )
    moves = movements([status(ret) for ret in returns])
    history = [history_line(user, ret, move) for ret, move in zip(returns, moves)]
    history.reverse()  # newest first
    latest = returns[-1] if returns else None
    period = latest.period if latest else default_period()
    lines = kpi_lines(user=user, kpis=KPI.objects.filter(sub_strand=sub, is_active=True).order_by("order", "code"), period=period)
    synthetic = any(r.is_synthetic for r in returns) or any(line.is_synthetic for line in lines)
    return SubStrandPage(sub_strand=sub, latest=latest, history=history, kpis=lines, synthetic=synthetic)


def _briefing_readable(user, briefing):
    if briefing is None:
        return sees_all_drafts(user)
    return BRIEFINGS.test(user, briefing)


# -- the KPI page ----------------------------------------------------------------------------


@dataclass
class KPIPoint:
    measurement: Measurement
    period_label: str
    value: Decimal | None
    value_text: str
    target: Decimal | None
    target_text: str
    rag: str | None
    rag_label: str
    data_for: str
    commentary: str
    is_draft: bool
    is_synthetic: bool


@dataclass
class VariationRow:
    period_label: str
    value_text: str
    target_text: str
    is_draft: bool
    mean_text: str
    lower_text: str
    upper_text: str
    cause_text: str
    rules: list
    starts_segment: bool
    change_reason: str = ""


@dataclass
class ChangeLine:
    """A recorded change of process, as the KPI page says it: from which figure the limits were
    recalculated (`applied_from`, blank when no figure the person sees comes after it) and why."""
    change: ChangeOfProcess
    period_label: str
    applied_from: str
    reason: str


@dataclass
class VariationSection:
    """The KPI's figures on an XmR chart (kpis.spc), written for the page: the verdicts in words,
    a row per figure, and the changes of process recorded (the chart's ChangePoints say where).
    ``figures`` are the page's points the chart is of, in the chart's order (the chart on the page
    is drawn from these and ``chart``: reporting/dashboard/charts.py)."""
    chart: spc.Chart
    rows: list
    figures: list
    changes: list = field(default_factory=list)
    variation_verdict: object = None  # reporting.variation.verdicts.Verdict: the icon and its words
    assurance_verdict: object = None


@dataclass
class KPIPage:
    kpi: KPI
    points: list
    targets: list
    latest: KPIPoint | None
    synthetic: bool
    variation: VariationSection | None = None
    outlook: dict | None = None  # outlook_section: now and at the year's end, and the trajectory
    freshness: Freshness | None = None  # when the next figure is due, or that the latest is stale (kpis.freshness)


def change_points(numeric, changes):
    """{index in `numeric`: the change of process} for each recorded change (kpis.spc.recalculation_points:
    from the first figure the person sees reported in its period or after it)."""
    ordered = sorted(changes, key=lambda c: c.period.order_key)
    at = spc.recalculation_points([p.measurement.period.order_key for p in numeric], [c.period.order_key for c in ordered])
    return {index: ordered[position] for index, position in at.items()}


def variation_section(kpi, points, changes=()):
    """The variation of the figures on the page (those the person may see; figures not yet
    available left out), judged by kpis.spc, its limits recalculated from each change of process
    recorded (`changes`, kpis.models.ChangeOfProcess with their periods); None for a milestone KPI
    or no figure. No query."""
    numeric = [p for p in points if p.value is not None]
    if kpi.is_milestone or not numeric:
        return None
    at = change_points(numeric, changes)
    chart = spc.xmr([(p.period_label, p.value) for p in numeric], direction=kpi.direction, target=numeric[-1].target,
                    recalculate_at=sorted(at), reasons={i: c.reason for i, c in at.items()})
    applied = {c.pk: numeric[i].period_label for i, c in at.items()}
    lines = [ChangeLine(change=c, period_label=c.period.label, applied_from=applied.get(c.pk, ""), reason=c.reason)
             for c in sorted(changes, key=lambda c: c.period.order_key)]

    def written(value):
        return format_kpi_value(spc.rounded(value), kpi.unit) if value is not None else ""

    rows = [
        VariationRow(
            period_label=p.period_label, value_text=p.value_text, target_text=p.target_text, is_draft=p.is_draft,
            mean_text=written(point.mean), lower_text=written(point.lower_limit), upper_text=written(point.upper_limit),
            cause_text=chart.cause_words(point), rules=chart.rule_words(point), starts_segment=point.starts_segment,
            change_reason=at[i].reason if i in at else "",
        )
        for i, (p, point) in enumerate(zip(numeric, chart.points))
    ]
    return VariationSection(chart=chart, rows=rows, figures=numeric, changes=lines,
                            variation_verdict=variation_verdict(chart, kpi), assurance_verdict=assurance_verdict(chart, kpi))


def page_kpi(*, user, code):
    """The KPI a page is about, or None if there is no such KPI; PermissionDenied, saying why, for a
    reader who does not read its strategy (access.KPIS). One query."""
    kpi = KPI.objects.select_related("sub_strand__objective__strategy").filter(code=code).first()
    if kpi is not None:
        KPIS.require(user, kpi)
    return kpi


def kpi_page(*, user, code=None, kpi=None, today=None):
    """A KPI's figures over time against its target, oldest first, with the data lag spelled
    out. None if there is no such KPI; PermissionDenied, saying why, for a reader who does not read its
    strategy (access.KPIS). `kpi`: the KPI, already found by `page_kpi` for this user (else found by
    `code`). Four queries (the KPI, its targets, its changes of process, its figures)."""
    if kpi is None:
        kpi = page_kpi(user=user, code=code)
    if kpi is None:
        return None
    prefetch_related_objects(
        [kpi], Prefetch("targets", queryset=Target.objects.order_by("financial_year", "-is_primary", "kind")),
        Prefetch("changes_of_process", queryset=ChangeOfProcess.objects.select_related("period", "recorded_by")))
    measurements = (
        visible_measurements(user).filter(HAS_FIGURE, kpi=kpi).select_related("period")
        .order_by("period__end_date")
    )
    points = []
    for m in measurements:
        m.kpi = kpi
        value, kind = judged_target(kpi, m)
        points.append(KPIPoint(
            measurement=m, period_label=m.period.label, value=m.value, value_text=figure_text(m), target=value,
            target_text=target_text(kpi, value, kind) if value is not None else "No target",
            rag=m.rag, rag_label=rag_label(m.rag), data_for=data_lag_words(m), commentary=m.commentary,
            is_draft=not m.is_frozen, is_synthetic=m.is_synthetic,
        ))
    targets = [
        {
            "year": financial_year_label(t.financial_year), "value_text": format_kpi_value(t.value, kpi.unit) or "None set",
            "kind": t.get_kind_display(), "description": t.description, "is_primary": t.is_primary,
            "tolerance": plain_number(t.amber_tolerance),
            "trajectory": (f"Linear from {format_kpi_value(t.baseline, kpi.unit)}" if t.profile == "linear"
                           else t.get_profile_display().partition(":")[0]),
        }
        for t in kpi.targets.all()
    ]
    from django.utils import timezone

    latest = points[-1] if points else None
    return KPIPage(kpi=kpi, points=points, targets=targets, latest=latest,
                   synthetic=any(p.is_synthetic for p in points),
                   variation=variation_section(kpi, points, list(kpi.changes_of_process.all())),
                   outlook=outlook_section(kpi, points),
                   freshness=freshness(kpi, latest.measurement if latest else None, on=today or timezone.localdate()))


def outlook_section(kpi, points):
    """The KPI's two statuses for the year of its latest figure, now (against its trajectory) and at the
    year's end (kpis.outlook), with its trajectory period by period: from the figures on the page
    (those the person may see) and its prefetched targets. None without a target for that year. No query."""
    if not points:
        return None
    year = target_year(points[-1].measurement)
    target = next((t for t in kpi.targets.all() if t.financial_year == year and t.is_primary), None)
    result = outlook_of(kpi, year, target=target, figures=[p.measurement for p in points],
                        cadence=kpi.sub_strand.objective.strategy.cadence)
    if result is None:
        return None
    text = outlook_texts(kpi, result)
    cadence = next((p.measurement.period.cadence for p in reversed(points)), kpi.sub_strand.objective.strategy.cadence)
    text["trajectory"] = [(cadences.label(year, n, cadence), point) for n, point in enumerate(text["points"], start=1)]
    text["profile"] = target.get_profile_display()
    return {"outlook": result, "text": text}
