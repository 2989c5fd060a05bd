"""Whether a briefing is ready to be issued or re-issued: the completeness checks of the issue
and re-issue steps (reporting.steps.ISSUE_BRIEFING, REISSUE_BRIEFING), asked by the briefing page
to say why there is no button, and by the services before they write.

- Not while any return of the period is *submitted*: issuing publishes the approved returns, and a
  return waiting for the approver would be left out of a briefing that looks complete. Drafts,
  returned and missing returns do not block issue: the briefing lists them under "returns missing",
  and they stay open as late returns.
- Not with nothing approved: a briefing that publishes no return has nothing to report.
- Re-issued only when a return has been approved since it was last issued.
"""
from reporting.access import SEEN_BY_READERS
from reporting.models import QuarterlyReturn, WorkflowState


def approved_after(briefing, since):
    """{sub-strand id: approved_at} of the period's returns approved after `since`. One query."""
    if since is None:
        return {}
    return dict(QuarterlyReturn.objects.filter(period_id=briefing.period_id, state__in=SEEN_BY_READERS,
                                               approved_at__gt=since).values_list("sub_strand_id", "approved_at"))


def issue_problem(briefing):
    """Why the period's returns stop the briefing being issued now, or None. Two queries at most."""
    states = list(QuarterlyReturn.objects.filter(period_id=briefing.period_id).values_list("state", flat=True))
    waiting = states.count(WorkflowState.SUBMITTED)
    if waiting:
        names = ", ".join(sorted(QuarterlyReturn.objects.filter(period_id=briefing.period_id, state=WorkflowState.SUBMITTED)
                                 .values_list("sub_strand__name", flat=True)))
        return (f"{waiting} {'return is' if waiting == 1 else 'returns are'} waiting for approval ({names}). "
                "Approve or return them for changes before issuing the briefing.")
    if not any(state in SEEN_BY_READERS for state in states):
        return f"No return for {briefing.period.label} has been approved yet, so the briefing has nothing to report."
    return None


def reissue_problem(briefing):
    """Why the issued briefing has nothing new to re-issue, or None. One query."""
    if not approved_after(briefing, briefing.issued_at):
        return "No return has been approved since the briefing was last issued, so there is nothing new to issue."
    return None
