"""Writes for a new financial year: its four reporting periods, set up from the calendar with the
year before's dates to adjust, and the KPIs' targets carried forward and set. KPIs themselves
carry forward as they are: a return asks for every active KPI of its sub-strand, whatever the year.

    set_up_year(*, financial_year, by, dates)   -> list of the periods created
    set_targets(*, financial_year, by, values)  -> how many targets changed (all or none)
"""
from django.db import IntegrityError, transaction

from kpis.models import KPI
from kpis.services import TargetError, carry_targets_forward, set_primary_target
from objectives.models import ReportingPeriod, financial_year_label, quarter_dates
from reporting.returns.services import recorded_as
from reporting.workflow import WorkflowError
from reporting.years.selectors import DATE_FIELDS, proposed_year


class YearError(WorkflowError):
    """The year cannot be set up as asked; the message says why."""


def set_up_year(*, financial_year, by, dates):
    """Create the year's quarters that do not exist yet (not open), with `dates` ({quarter: {field:
    date}}) and the same quarter's governance notes a year earlier; carry the year before's targets
    forward to KPIs that have none for this year. All or nothing."""
    label = financial_year_label(financial_year)
    with transaction.atomic(), recorded_as(by):
        proposed = proposed_year(financial_year)
        missing = [q for q in proposed if q.existing is None]
        if not missing:
            raise YearError(f"{label} is already set up: change its dates from the calendar.")
        created = []
        for q in missing:
            given = dates.get(q.quarter, {})
            deadline = given.get("dashboard_deadline")
            start, end = quarter_dates(financial_year, q.quarter)
            if deadline is not None and deadline < start:
                raise YearError(f"The {q.label} dashboard update deadline must be on or after the start of the quarter "
                                f"({start.day} {start:%B %Y}).")
            period = ReportingPeriod(financial_year=financial_year, quarter=q.quarter, start_date=start, end_date=end,
                                     state=ReportingPeriod.State.NOT_OPEN, governance_notes=q.governance_notes,
                                     **{name: given.get(name) for name, _ in DATE_FIELDS})
            try:
                with transaction.atomic():
                    period.save()
            except IntegrityError as exc:
                raise YearError(f"{q.label} was set up by someone else a moment ago: look at the calendar again.") from exc
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
