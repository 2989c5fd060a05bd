"""Writes for a new financial year: a strategy's reporting periods, set up from the calendar with
the year before's deadlines and governance events to adjust, and the KPIs' targets carried forward and set. KPIs themselves
carry forward as they are: a return asks for every active KPI of its sub-strand, whatever the year.

    set_up_year(*, financial_year, strategy, by, dates) -> list of the periods created
    set_targets(*, financial_year, by, changes)  -> how many targets changed (all or none), with their trajectories
    choose_primary_target(*, target_id, financial_year, by, opened) -> the target a KPI's RAG is now measured against
"""
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from kpis.models import KPI, Target
from kpis import services as kpi_services
from kpis.services import TargetError, carry_targets_forward, set_primary_target
from objectives.models import GovernanceEvent, ReportingPeriod, financial_year_label
from reporting.returns.services import recorded_as
from reporting.steps import CHOOSE_PRIMARY_TARGET, SET_TARGET, SET_UP_YEAR, WHO, StepRefused
from reporting.years.selectors import TargetSlot, proposed_year


class YearError(StepRefused):
    """The year cannot be set up as asked; the message says why."""


class StaleTargets(YearError):
    """Targets changed by someone else since the page was opened, each of which the person changed
    too: `stale` ({kpi id: why, who and when}). Nothing was saved."""

    def __init__(self, stale):
        self.stale = stale
        if len(stale) == 1:
            message = next(iter(stale.values()))
        else:
            message = (f"{len(stale)} of the targets you changed have been changed by someone else since you opened "
                       "this page, so your changes have not been saved. What you typed is still on this page, and "
                       "each of those targets says who changed it and when: check their changes, then save again "
                       "to replace them with yours.")
        super().__init__(message)


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


def set_targets(*, financial_year, by, changes):
    """Set the primary target for the year of each KPI the person changed on the page, from
    `changes` ({kpi id: (value or None, kind, the version the page was opened at[, its trajectory:
    (profile, baseline, points)])}); the targets they
    did not change are not touched. All or nothing: raises StaleTargets when one of them has been
    changed by someone else since the page was opened (reporting.steps.SET_TARGET), YearError (with
    the KPI's code) when one cannot be set."""
    with transaction.atomic(), recorded_as(by):
        kpis = KPI.objects.in_bulk(list(changes))
        now = {t.kpi_id: t for t in Target.objects.select_for_update().filter(
            kpi_id__in=list(kpis), financial_year=financial_year, is_primary=True)}
        stale = {}
        for kpi_id, (_value, _kind, opened, *_trajectory) in changes.items():
            if kpi_id not in kpis:
                continue
            refused = SET_TARGET.refusal(by, TargetSlot(kpis[kpi_id], financial_year, now.get(kpi_id), opened),
                                         version=opened)
            if refused is not None and refused.check == WHO:
                raise PermissionDenied(refused.reason)
            if refused is not None:
                stale[kpi_id] = refused.reason
        if stale:
            raise StaleTargets(stale)
        changed = 0
        for kpi_id, (value, kind, _opened, *trajectory) in changes.items():
            if kpi_id not in kpis:
                continue
            try:
                changed += set_primary_target(kpi=kpis[kpi_id], financial_year=financial_year, value=value, kind=kind,
                                              trajectory=trajectory[0] if trajectory else None)
            except TargetError as exc:
                raise YearError(str(exc)) from exc
            except IntegrityError as exc:  # a first target for the year, set by someone else at the same moment
                raise YearError(f"Someone else set the {kpis[kpi_id].code} target at the same moment, so nothing "
                                "has been saved. Open the page again to see it, then make your changes.") from exc
        return changed


def choose_primary_target(*, target_id, financial_year, by, opened):
    """Make the KPI's target `target_id` for `financial_year` the one its RAG is measured against (the
    one that was stays, as another target), as reporting.steps.CHOOSE_PRIMARY_TARGET allows: `opened`,
    the version of the KPI's target the page showed (refused, saying who changed it and when, if it has
    changed since). Returns the target chosen; raises YearError when it is not the KPI's target for that
    year or the step is refused, PermissionDenied for someone who may never choose."""
    with transaction.atomic(), recorded_as(by):
        target = (Target.objects.select_for_update().select_related("kpi")
                  .filter(pk=target_id, financial_year=financial_year).first())
        if target is None:
            raise YearError(f"That target is not one of a KPI's targets for {financial_year_label(financial_year)} (it "
                            "may have been removed): look at the targets again.")
        now = Target.objects.select_for_update().filter(kpi_id=target.kpi_id, financial_year=financial_year,
                                                        is_primary=True).first()
        refused = CHOOSE_PRIMARY_TARGET.refusal(by, TargetSlot(target.kpi, financial_year, now, opened or ""),
                                                version=opened or "")
        if refused is not None and refused.check == WHO:
            raise PermissionDenied(refused.reason)
        if refused is not None:
            raise YearError(refused.reason)
        kpi_services.choose_primary_target(target=target)
        return target
