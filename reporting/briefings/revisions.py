"""Late returns and an issued briefing: what was approved after it was issued, the revisions kept
each time it is issued, and re-issuing it.

A return that was not approved when the briefing was issued stays open to its editors and the
approver (reporting.workflow.is_late). Once approved it is published at once and the issued
briefing, which is always built from the approved data, shows it, marked "updated after issue on
…". The approver may then re-issue the briefing: its revision goes up by one and the readers are
told. Each issue is kept as a BriefingRevision (its text and each sub-strand's status and
commentary as the readers saw them), so revision 1 stays readable after revision 2."""
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from objectives.models import StrategicObjective
from reporting import notifications
from reporting.access import SEEN_BY_READERS
from reporting.briefings.contents import paragraphs  # noqa: F401 - for the revision page
from reporting.briefings.readiness import approved_after
from reporting.models import Briefing, BriefingRevision, QuarterlyReturn
from reporting.steps import REISSUE_BRIEFING, StepRefused

TEXT_FIELDS = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction", "attention_text",
               "risks_text"]


def first_issued_at(briefing):
    """When the briefing was first issued (revision 1), or None if it has not been."""
    first = briefing.revisions.filter(number=1).values_list("issued_at", flat=True).first() if briefing.pk else None
    return first or (briefing.issued_at if briefing.state == Briefing.State.ISSUED else None)


@dataclass
class IssueHistory:
    """What the briefing page says about an issued briefing's revisions and late returns."""

    revision: int
    first_issued_at: object
    updated_after_issue: dict  # sub-strand id -> approved_at: approved after the first issue
    since_this_issue: list = field(default_factory=list)  # sub-strand names approved since this revision
    revisions: list = field(default_factory=list)  # BriefingRevision, earlier ones (not the current)

    @property
    def may_be_reissued(self):
        return bool(self.since_this_issue)


def issue_history(briefing):
    """The briefing's revisions and the returns approved after it was issued; None if it has not
    been issued. Three queries."""
    if briefing.pk is None or briefing.state != Briefing.State.ISSUED:
        return None
    first = first_issued_at(briefing)
    after_first = approved_after(briefing, first)
    since = approved_after(briefing, briefing.issued_at)
    names = []
    if since:
        from objectives.models import SubStrand

        names = [s.full_name for s in SubStrand.objects.filter(id__in=since).select_related("objective")
                 .order_by("objective__number", "order")]
    earlier = list(briefing.revisions.filter(number__lt=briefing.revision).select_related("issued_by"))
    return IssueHistory(revision=briefing.revision, first_issued_at=first, updated_after_issue=after_first,
                        since_this_issue=names, revisions=earlier)


def snapshot(briefing):
    """The briefing as readers see it now: its text, and each sub-strand's approved status and
    commentary (or that it has none), by objective. Plain data for BriefingRevision.snapshot."""
    returns = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period_id=briefing.period_id,
                                                                          state__in=SEEN_BY_READERS)}
    objectives = []
    for objective in StrategicObjective.objects.prefetch_related("sub_strands").order_by("strategy__name", "number"):
        subs = []
        for sub in objective.sub_strands.all().order_by("order"):
            ret = returns.get(sub.id)
            subs.append({"name": sub.full_name, "slug": sub.slug, "rag": ret.overall_rag if ret else "",
                         "commentary": ret.commentary if ret else "", "has_return": ret is not None})
        objectives.append({"number": objective.number, "name": objective.name, "sub_strands": subs})
    return {"text": {name: getattr(briefing, name) for name in TEXT_FIELDS}, "objectives": objectives}


def keep(briefing, *, by):
    """Keep the briefing as issued just now, as its current revision (called when it is issued)."""
    BriefingRevision.objects.create(briefing=briefing, number=briefing.revision, issued_at=briefing.issued_at,
                                    issued_by=by, snapshot=snapshot(briefing))


class ReissueError(StepRefused):
    """The briefing cannot be re-issued; the message says why."""


def reissue_briefing(*, briefing, by, expected_version=None):
    """Re-issue an issued briefing once late returns have been approved: the next revision, the
    earlier ones kept, the readers told. Raises ReissueError when nothing has been approved since
    it was last issued."""
    with transaction.atomic():
        current = Briefing.objects.select_for_update().select_related("period").get(pk=briefing.pk)
        REISSUE_BRIEFING.guard(by, current, version=expected_version, errors={None: ReissueError})
        history = issue_history(current)
        if not current.revisions.exists():  # issued before revisions were kept: keep what can be told of it
            BriefingRevision.objects.create(briefing=current, number=current.revision, issued_at=current.issued_at,
                                            issued_by=current.issued_by, snapshot=_as_it_was(current))
        current.revision += 1
        current.issued_at, current.issued_by = timezone.now(), by
        current.version += 1
        current.save()
        keep(current, by=by)
        notifications.briefing_issued(current, by=by, added=history.since_this_issue)
        return current


def _as_it_was(briefing):
    """A briefing issued before revisions were kept: today's snapshot without the returns approved
    after it was issued."""
    kept = snapshot(briefing)
    late = set(QuarterlyReturn.objects.filter(period_id=briefing.period_id, approved_at__gt=briefing.issued_at)
               .values_list("sub_strand__slug", flat=True))
    for objective in kept["objectives"]:
        for sub in objective["sub_strands"]:
            if sub["slug"] in late:
                sub.update(rag="", commentary="", has_return=False)
    return kept
