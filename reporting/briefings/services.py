"""Writes to briefings: the coordinator edits the briefing's own text; the approver issues it,
which publishes the period.

Issuing is guarded:
- not twice: an issued briefing is refused (and its text can no longer be edited);
- not while any return of the period is *submitted*: issuing publishes the approved returns, and a
  return waiting for the approver would be left out of a briefing that looks complete. The approver
  approves it or returns it for changes first. Drafts, returned and missing returns do not block
  issue: the briefing lists them under "returns missing", which is what the Cabinet Member should
  be told, and they stay open as late returns, added to the issued briefing once approved
  (reporting.briefings.revisions, where re-issuing is);
- not with nothing approved: a briefing that publishes no return has nothing to report.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.models import ReportingPeriod
from reporting import notifications
from reporting.access import require_may
from reporting.briefings import revisions
from reporting.models import ActionUpdate, Briefing, QuarterlyReturn, WorkflowState
from reporting.workflow import BRIEFING, PERIOD, PLAN_UPDATE, RETURN, WorkflowError

TEXT_FIELDS = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction"]
CHOICE_FIELDS = ["include_what_changed", "include_kpi_appendix"]  # the optional parts the coordinator includes


class BriefingError(WorkflowError):
    """A briefing that cannot be changed as asked; the message says why, for the page."""


class StaleBriefing(BriefingError):
    """Someone else saved the briefing since this form was opened."""


def update_briefing(*, briefing, by, data, expected_version):
    """Save the briefing's own text (the fields in TEXT_FIELDS found in `data`) and which optional
    parts it includes (CHOICE_FIELDS).

    `briefing` may be unsaved (a new one, carried forward by `briefing_for`); its expected version
    is then 0. Raises StaleBriefing when the briefing was saved by someone else since
    `expected_version`, BriefingError when it has been issued. Returns the saved briefing."""
    require_may(by, "edit_briefing", briefing)
    try:
        with transaction.atomic():
            current = Briefing.objects.select_for_update().filter(period_id=briefing.period_id).first()
            current_version = current.version if current else 0
            if expected_version is None or int(expected_version) != current_version:
                raise StaleBriefing(
                    "Someone else saved this briefing after you opened it. Your changes have not been saved: "
                    "they are shown below, beside the form, so that you can copy them into the current version."
                )
            if current is None:
                current = Briefing(period_id=briefing.period_id, version=0)
            else:
                BRIEFING.check("edit", current, error=BriefingError)
            for name in TEXT_FIELDS:
                if name in data:
                    setattr(current, name, (data[name] or "").strip())
            for name in CHOICE_FIELDS:
                if name in data:
                    setattr(current, name, bool(data[name]))
            current.version += 1
            current.save()
            return current
    except IntegrityError as exc:  # two people created the period's first briefing at once
        raise StaleBriefing("Someone else saved this briefing at the same moment. Open it again and re-enter your changes.") from exc


def issue_briefing(*, briefing, by, expected_version=None):
    """Issue the briefing and publish its period: the period becomes published and every approved
    return of the period (and its approved action updates) becomes published, each saved through
    save() for history, all in one transaction. Raises BriefingError when it may not be issued."""
    require_may(by, "issue_briefing", briefing)
    if briefing.pk is None:
        raise BriefingError("Save the briefing's text before issuing it.")
    with transaction.atomic():
        current = Briefing.objects.select_for_update().get(pk=briefing.pk)
        BRIEFING.check("issue", current, error=BriefingError)
        if expected_version is not None and int(expected_version) != current.version:
            raise StaleBriefing("The briefing was changed after you opened this page. Check it again before issuing.")
        period = ReportingPeriod.objects.select_for_update().get(pk=current.period_id)
        returns = list(QuarterlyReturn.objects.select_for_update().filter(period=period).order_by("id"))
        waiting = [r for r in returns if r.state == WorkflowState.SUBMITTED]
        if waiting:
            names = ", ".join(sorted(r.sub_strand.name for r in QuarterlyReturn.objects.filter(id__in=[w.id for w in waiting])
                                     .select_related("sub_strand")))
            raise BriefingError(
                f"{len(waiting)} {'return is' if len(waiting) == 1 else 'returns are'} waiting for approval ({names}). "
                "Approve or return them for changes before issuing the briefing."
            )
        approved = [r for r in returns if r.state == WorkflowState.APPROVED]
        if not approved and not any(r.state == WorkflowState.PUBLISHED for r in returns):
            raise BriefingError(f"No return for {period.label} has been approved yet, so the briefing has nothing to report.")
        now = timezone.now()
        for ret in approved:
            RETURN.move("publish", ret)
            ret.version += 1
            ret.save()
        updates = ActionUpdate.objects.select_for_update().filter(
            quarterly_return__in=[r.id for r in approved], state=WorkflowState.APPROVED
        )
        for update in updates:
            PLAN_UPDATE.move("publish", update)
            update.version += 1
            update.save()
        PERIOD.move("publish", period, subject=period.label, error=BriefingError)
        period.version += 1
        period.save()
        BRIEFING.move("issue", current)
        current.issued_at = now
        current.issued_by = by
        current.version += 1
        current.save()
        # Late returns (reporting.briefings.revisions): this issue is kept as revision 1, and the
        # readers are told once it has committed.
        revisions.keep(current, by=by)
        notifications.briefing_issued(current, by=by)
        return current
