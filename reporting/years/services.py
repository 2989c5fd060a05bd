"""Writes for a new financial year: a strategy's reporting periods, set up from the calendar with
the year before's deadlines and governance events to adjust, and the KPIs' targets carried forward and set. KPIs themselves
carry forward as they are: a return asks for every active KPI of its sub-strand, whatever the year.

    set_up_year(*, financial_year, strategy, by, dates) -> list of the periods created
    set_targets(*, financial_year, by, values)  -> how many targets changed (all or none)
"""
from django.db import IntegrityError, transaction

from kpis.models import KPI
from kpis.services import TargetError, carry_targets_forward, set_primary_target
from objectives.models import GovernanceEvent, ReportingPeriod, financial_year_label
from reporting.returns.services import recorded_as
from reporting.steps import SET_UP_YEAR, StepRefused
from reporting.years.selectors import proposed_year


class YearError(StepRefused):
    """The year cannot be set up as asked; the message says why."""


def set_up_year(*, financial_year, strategy, by, dates):
    """Create the strategy's periods of the year that do not exist yet (not open), each with its
    deadline and the same period's governance events and notes a year earlier, dated from `dates`
    ({number: {"deadline": date, event name: date}}); carry the year before's targets forward to
    KPIs that have none for this year. All or nothing."""
    label = financial_year_label(financial_year)
    with transaction.atomic(), recorded_as(by):
        SET_UP_YEAR.guard(by, strategy, errors={None: YearError})
        missing = [p for p in proposed_year(financial_year, strategy) if p.existing is None]
        if not missing:
            raise YearError(f"{label} is already set up: change its dates from the calendar.")
        created = []
        for p in missing:
            given = dates.get(p.number, {})
            period = ReportingPeriod(strategy=strategy, cadence=strategy.cadence, financial_year=financial_year,
                                     number=p.number, start_date=p.start, end_date=p.end,
                                     state=ReportingPeriod.State.NOT_OPEN, governance_notes=p.governance_notes,
                                     dashboard_deadline=given.get("deadline"))
            if period.deadline_refusal(period.dashboard_deadline):
                raise YearError(period.deadline_refusal(period.dashboard_deadline))
            try:
                with transaction.atomic():
                    period.save()
            except IntegrityError as exc:
                raise YearError(f"{p.label} was set up by someone else a moment ago: look at the calendar again.") from exc
            GovernanceEvent.objects.bulk_create([
                GovernanceEvent(period=period, name=e.name, date=None if e.frequency else given.get(e.name),
                                audience=e.audience, frequency=e.frequency, order=e.order) for e in p.events])
            created.append(period)
        carry_targets_forward(from_year=financial_year - 1, to_year=financial_year)
        return created


def set_targets(*, financial_year, by, values):
    """Set each KPI's primary target for the year from `values` ({kpi id: (value or None, kind)}).
    All or nothing: raises YearError (with the KPI's code) when one cannot be set."""
    with transaction.atomic(), recorded_as(by):
        kpis = KPI.objects.in_bulk(list(values))
        changed = 0
        for kpi_id, (value, kind) in values.items():
            try:
                changed += set_primary_target(kpi=kpis[kpi_id], financial_year=financial_year, value=value, kind=kind)
            except TargetError as exc:
                raise YearError(str(exc)) from exc
        return changed
