"""Each targeted KPI's outlook for a year, read in bulk: now (its latest figure against its
trajectory point) and at the year's end (the officer's forecast, else the computed projection,
against the year's target). The rules are kpis.trajectory's; this module only reads.

    year_end_outlooks(kpis, year, *, measurements=None) -> {kpi id: Outlook}   two queries, however many KPIs
    year_end_outlook(kpi, year, *, measurements=None)   -> Outlook or None
    outlook_of(kpi, year, *, target, figures)          -> Outlook or None       no query (figures already read)

`measurements` is the queryset of figures the person may see (reporting.access.visible_measurements):
a reader's outlook is drawn from approved figures only. The dashboard, the briefing, the API and the
attention list ask here; a KPI with no target for the year, a milestone and a contextual KPI have none.
"""
from kpis.figures import target_year
from kpis.formatting import format_kpi_value
from kpis.models import Measurement, Target
from kpis.trajectory import OFFICER, outlook, place_in_year, trajectory_point
from objectives import cadence as cadences
from objectives.models import ReportingPeriod, financial_year_label

TARGETED = "targeted"


class _Figure:
    """A figure as outlook_of reads it, from plain values: a Measurement's fields that it asks for,
    its period (one ReportingPeriod for all its figures), and the RAG it shows by Measurement's own
    rule. Three years of figures of every KPI are many, and a model instance each (two, with the
    period) cost more than the outlooks drawn from them."""

    COLUMNS = ("kpi_id", "value", "data_for_end", "forecast_value", "forecast_reason", "frozen_at", "frozen_rag",
               "rag_override", "rag_calculated", "period_id", "period__financial_year", "period__number",
               "period__cadence")
    __slots__ = ("kpi_id", "value", "data_for_end", "forecast_value", "forecast_reason", "frozen_at", "frozen_rag",
                 "rag_override", "rag_calculated", "period")
    is_frozen = Measurement.is_frozen  # Measurement's rules, asked, not written again
    rag = Measurement.rag

    def __init__(self, row, periods):
        (self.kpi_id, self.value, self.data_for_end, self.forecast_value, self.forecast_reason, self.frozen_at,
         self.frozen_rag, self.rag_override, self.rag_calculated, period_id, year, number, cadence) = row
        self.period = periods.get(period_id)
        if self.period is None:
            self.period = periods[period_id] = ReportingPeriod(id=period_id, financial_year=year, number=number,
                                                               cadence=cadence)

def has_trajectory(kpi):
    """A KPI rated against a target has a trajectory; a milestone, and a contextual KPI, have none."""
    return not kpi.is_milestone and getattr(kpi, "kind", TARGETED) == TARGETED


def outlook_of(kpi, year, *, target, figures, cadence=None):
    """The Outlook of one KPI for `year` from its figures already read (Measurements with their
    periods, in any order), or None when it has no trajectory or no target with a value. No query."""
    if not has_trajectory(kpi) or target is None or target.value is None:
        return None
    rows = sorted(figures, key=lambda m: m.period.order_key)
    cadence = rows[-1].period.cadence if rows else (cadence or cadences.QUARTERLY)
    per_year = cadences.per_year(cadence)
    series, latest, forecast, reason = [], None, None, ""
    for m in rows:
        if m.kpi_id != kpi.id:
            continue
        m_year = target_year(m)
        if m_year > year:
            continue
        number = place_in_year(period=m.period, data_for_end=m.data_for_end)
        if m.value is not None and m.period.cadence == cadence:
            series.append((m_year, number, m.value))
        if m_year != year:
            continue
        if m.value is not None:
            latest = m
        if m.value is not None or m.forecast_value is not None:  # the latest word of the year on its end
            forecast, reason = m.forecast_value, m.forecast_reason
    now_point, now_label = None, ""
    if latest is not None:
        number = place_in_year(period=latest.period, data_for_end=latest.data_for_end)
        now_point = trajectory_point(target=target, number=number, per_year=per_year)
        now_label = cadences.label(year, number, cadence)
    return outlook(kpi=kpi, year=year, target=target, figures=series, forecast=forecast, reason=reason,
                   per_year=per_year, cadence=cadence, latest=latest, now_point=now_point, now_label=now_label)


def year_end_outlooks(kpis, year, *, measurements=None, targets=None):
    """{kpi id: Outlook} for the KPIs with a trajectory and a primary target with a value for `year`.
    Two queries, however many KPIs: their targets (none when the caller has read them: `targets`,
    {kpi id: Target of `year`}), and their figures of the year and the year before (a snapshot's
    straight line may reach back into it) from `measurements` (default: all figures)."""
    kpis = [k for k in kpis if has_trajectory(k)]
    if not kpis:
        return {}
    if targets is None:
        targets = Target.objects.filter(kpi__in=[k.id for k in kpis], financial_year=year, is_primary=True,
                                        value__isnull=False)
    else:
        targets = [t for t in targets.values() if t is not None]
    targets = {t.kpi_id: t for t in targets if t.financial_year == year and t.is_primary and t.value is not None}
    kpis = [k for k in kpis if k.id in targets]
    if not kpis:
        return {}
    qs = measurements if measurements is not None else Measurement.objects.all()
    rows, periods = {}, {}
    for row in (qs.filter(kpi_id__in=[k.id for k in kpis], period__financial_year__gte=year - 1,
                          period__financial_year__lte=year + 1)
                .order_by("kpi_id", "period_key").values_list(*_Figure.COLUMNS)):
        m = _Figure(row, periods)
        rows.setdefault(m.kpi_id, []).append(m)
    found = {}
    for kpi in kpis:
        result = outlook_of(kpi, year, target=targets[kpi.id], figures=rows.get(kpi.id, []))
        if result is not None:
            found[kpi.id] = result
    return found


def year_end_outlook(kpi, year, *, measurements=None):
    """One KPI's Outlook for `year`, or None (year_end_outlooks for one)."""
    return year_end_outlooks([kpi], year, measurements=measurements).get(kpi.id)


def outlook_texts(kpi, result):
    """An Outlook's figures in words, in the KPI's unit, for a page (the KPI page, the return page):
    {"words", "now", "target", "projection", "projection_method", "forecast", "reason", "forecast_by"}."""
    if result is None:
        return None

    def written(value):
        return format_kpi_value(value, kpi.unit) if value is not None else ""

    now = ""
    if result.now_figure is not None:
        now = f"{written(result.now_figure)} in {result.now_label}"
        if result.now_point is not None and result.now_point != result.target:
            now += f", against {written(result.now_point)} on the trajectory"
    return {
        "words": result.words, "now": now, "target": written(result.target),
        "year": financial_year_label(result.year),
        "projection": written(result.projection.value), "projection_method": result.projection.method,
        "forecast": written(result.forecast) if result.forecast_by == OFFICER else "", "reason": result.reason,
        "forecast_by": result.forecast_source,
        "points": [written(p) for p in result.points],
    }
