"""Writes to briefings: the coordinator edits the briefing's own text; the approver issues it,
which publishes the period.

Each write is one guarded step (reporting.steps.SAVE_BRIEFING, ISSUE_BRIEFING): who, the briefing's
state, its text saved first, the version, and what the period's returns must be
(reporting.briefings.readiness), asked on the locked rows.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.models import ReportingPeriod
from reporting import notifications
from reporting.briefings import papers, revisions
from reporting.briefings.selectors import suggested_attention
from reporting.risks.briefing import suggested_risks
from reporting.models import ActionUpdate, Briefing, QuarterlyReturn, WorkflowState
from reporting.risks.services import publish_reviews
from reporting.steps import ISSUE_BRIEFING, SAVE_BRIEFING, VERSION, StepRefused
from reporting.workflow import BRIEFING, PERIOD, PLAN_UPDATE, RETURN

TEXT_FIELDS = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction", "attention_text",
               "risks_text"]
CHOICE_FIELDS = ["include_what_changed", "include_kpi_appendix", "include_attention", "include_risks"]  # the optional parts the coordinator includes


class BriefingError(StepRefused):
    """A briefing step refused (reporting.steps says which check, and why, for the page)."""


class StaleBriefing(BriefingError):
    """Someone else saved the briefing since this form was opened."""


BRIEFING_ERRORS = {None: BriefingError, VERSION: StaleBriefing}


def update_briefing(*, briefing, by, data, expected_version):
    """Save the briefing's own text (the fields in TEXT_FIELDS found in `data`) and which optional
    parts it includes (CHOICE_FIELDS).

    `briefing` may be unsaved (a new one, carried forward by `briefing_for`); its expected version
    is then 0. Raises StaleBriefing when the briefing was saved by someone else since
    `expected_version`, BriefingError when it has been issued. Returns the saved briefing."""
    try:
        with transaction.atomic():
            current = Briefing.objects.select_for_update().filter(period_id=briefing.period_id).first()
            if current is None:
                current = Briefing(period_id=briefing.period_id, version=0)
            version = -1 if expected_version is None else expected_version  # a form always says its version
            SAVE_BRIEFING.guard(by, current, version=version, errors=BRIEFING_ERRORS)
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
    with transaction.atomic():
        current = Briefing.objects.select_for_update().filter(pk=briefing.pk).first() if briefing.pk else briefing
        period = ReportingPeriod.objects.select_for_update().get(pk=briefing.period_id)
        returns = list(QuarterlyReturn.objects.select_for_update().filter(period=period).order_by("id"))
        ISSUE_BRIEFING.guard(by, current, version=expected_version, errors=BRIEFING_ERRORS)
        approved = [r for r in returns if r.state == WorkflowState.APPROVED]
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
        publish_reviews(period)  # the period's approved risk reviews are published with it
        PERIOD.move("publish", period, subject=period.label, error=BriefingError)
        period.version += 1
        period.save()
        BRIEFING.move("issue", current)
        if current.include_attention and not current.attention_text.strip():
            # "What needs attention" kept as issued: the rules' lines as the approved figures stand now
            current.attention_text = suggested_attention(period, briefing=current)
        if current.include_risks and not current.risks_text.strip():
            # the risk section kept as issued: its lines as the approved reviews stand now
            current.risks_text = suggested_risks(period)
        current.issued_at = now
        current.issued_by = by
        current.version += 1
        current.save()
        # Late returns (reporting.briefings.revisions): this issue is kept as revision 1, and the
        # readers are told once it has committed.
        revisions.keep(current, by=by)
        notifications.briefing_issued(current, by=by)
        papers.keep_when_issued(current)  # its Word document kept, its PDF made by the worker
        return current


def reissue_briefing(*, briefing, by, expected_version=None):
    """Re-issue an issued briefing (reporting.briefings.revisions.reissue_briefing: the next revision,
    the readers told) and keep the new revision's paper. Raises revisions.ReissueError."""
    with transaction.atomic():
        done = revisions.reissue_briefing(briefing=briefing, by=by, expected_version=expected_version)
        papers.keep_when_issued(done)  # its Word document kept, its PDF made by the worker
        return done
