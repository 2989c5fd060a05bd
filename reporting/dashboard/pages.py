"""Reads for a sub-strand's page and a KPI's page, each filtered by what the user may see
(reporting.access), with movement against one baseline (`reporting.statuses`) and figures by `kpis.figures`.

A fixed number of queries whatever the size (the tests pin the counts).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from kpis import spc
from kpis.figures import HAS_FIGURE, data_lag_words, judged_target, primary_targets, target_text, target_year, with_periods
from kpis.formatting import format_kpi_value, plain_number
from kpis.models import KPI, Measurement, Target
from kpis.rag import movements, rag_label
from objectives.models import SubStrand, financial_year_label
from reporting.access import (
    BRIEFINGS, KPIS, SEEN_BY_READERS, SUB_STRANDS, latest_visible_measurements, sees_all_drafts, visible_measurements, visible_returns,
)
from reporting.dashboard.choices import default_period
from reporting.dashboard.selectors import figure_text
from reporting.models import QuarterlyReturn
from reporting.statuses import status


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


def kpi_lines(*, user, kpis, period):
    """Each KPI with its latest figure (as at `period`) against its target. Four queries."""
    kpis = list(kpis)
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


def sub_strand_page(*, user, slug):
    """A sub-strand's latest overall status and commentary, its status history (with movement),
    and its KPIs with their latest figure against target. None if there is no such sub-strand;
    PermissionDenied, saying why, for a reader who does not read its strategy (access.SUB_STRANDS)."""
    sub = SubStrand.objects.select_related("objective__strategy", "lead_officer").filter(slug=slug).first()
    if sub is None:
        return None
    SUB_STRANDS.require(user, sub)
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


@dataclass
class VariationSection:
    """The KPI's figures on an XmR chart (kpis.spc), written for the page: the verdicts in words
    and a row per figure. ``figures`` are the page's points the chart is of, in the chart's order
    (the chart on the page is drawn from these and ``chart``: reporting/dashboard/charts.py)."""
    chart: spc.Chart
    rows: list
    figures: list


@dataclass
class KPIPage:
    kpi: KPI
    points: list
    targets: list
    latest: KPIPoint | None
    synthetic: bool
    variation: VariationSection | None = None


def variation_section(kpi, points):
    """The variation of the figures on the page (those the person may see; figures not yet
    available left out), judged by kpis.spc; None for a milestone KPI or no figure. No query."""
    numeric = [p for p in points if p.value is not None]
    if kpi.is_milestone or not numeric:
        return None
    chart = spc.xmr([(p.period_label, p.value) for p in numeric], direction=kpi.direction, target=numeric[-1].target)

    def written(value):
        return format_kpi_value(spc.rounded(value), kpi.unit) if value is not None else ""

    rows = [
        VariationRow(
            period_label=p.period_label, value_text=p.value_text, target_text=p.target_text, is_draft=p.is_draft,
            mean_text=written(point.mean), lower_text=written(point.lower_limit), upper_text=written(point.upper_limit),
            cause_text=chart.cause_words(point), rules=chart.rule_words(point), starts_segment=point.starts_segment,
        )
        for p, point in zip(numeric, chart.points)
    ]
    return VariationSection(chart=chart, rows=rows, figures=numeric)


def kpi_page(*, user, code):
    """A KPI's figures over time against its target, oldest first, with the data lag spelled
    out. None if there is no such KPI; PermissionDenied, saying why, for a reader who does not read its
    strategy (access.KPIS). Three queries."""
    kpi = (
        KPI.objects.select_related("sub_strand__objective__strategy")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("financial_year", "-is_primary", "kind")))
        .filter(code=code)
        .first()
    )
    if kpi is None:
        return None
    KPIS.require(user, kpi)
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
        }
        for t in kpi.targets.all()
    ]
    return KPIPage(kpi=kpi, points=points, targets=targets, latest=points[-1] if points else None,
                   synthetic=any(p.is_synthetic for p in points), variation=variation_section(kpi, points))
