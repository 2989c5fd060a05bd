"""Who is told what, by email: the one home of the rules. The services call these functions inside
the transaction of the change; each queues one email per person (reporting.outbox), sent by the
outbox worker once that transaction has committed, each with a link to the page to act on.

    event                          who is told
    a period opens for returns     every sub-strand's lead and editors: one email listing theirs
    a return is submitted          the approvers
    a return is sent back          its sub-strand's lead and editors, with the approver's comment
    a return is approved           its sub-strand's lead and editors (after issue: it is now on
                                   the issued briefing)
    a briefing is issued/re-issued the readers (Cabinet Member, scrutiny members)
    a reminder or a chase          its sub-strand's lead and editors; the Economy Cell gets a copy
                                   of a chase and of an overdue reminder

Plain words, GOV.UK style: what happened, what to do, the link. No names of councils in here:
that is data."""
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from objectives.selectors import sub_strands_reporting_in
from objectives.council import terms
from objectives.roles import Role, editors_of, people_with_role, person_name, reads_strategy
from reporting.documents.text import as_plain_text
from reporting.outbox import Email, queue

SIGN_OFF = "\n\nEconomic Strategy Tracker\nThis email was sent automatically: replies are not read."


def link(path):
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + path


def day(value):
    """'5 September 2023' (a date or a datetime, in local time)."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def day_and_time(value):
    value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"


def return_link(ret):
    return link(reverse("return", args=[ret.period.slug, ret.sub_strand.slug]))


def _name(sub):
    return sub.objective.name if sub.reports_as_objective else sub.name


def _each(people, subject, body):
    return [Email(user, subject, f"Dear {person_name(user)},\n\n{body}{SIGN_OFF}") for user in people]


def _return_key(kind, ret):
    return f"{kind}:{ret.period.slug}:{ret.sub_strand.slug}:{ret.version}"


# -- the workflow's events -------------------------------------------------------------------------


def period_opened(period, *, by):
    """Every lead and editor is told the period is open, with the deadline and a link to each of
    their returns: one email a person, however many sub-strands they fill in."""
    subs = sub_strands_reporting_in(period).select_related("objective", "lead_officer").prefetch_related(
        "editors").order_by("objective__number", "order")
    theirs = {}
    for sub in subs:
        for user in editors_of(sub):
            theirs.setdefault(user.pk, (user, []))[1].append(sub)
    deadline = f"by {day(period.dashboard_deadline)}" if period.dashboard_deadline else "(no deadline has been set yet)"
    emails = []
    for user, their_subs in theirs.values():
        lines = "\n".join(f"- {_name(s)}: {link(reverse('return', args=[period.slug, s.slug]))}" for s in their_subs)
        body = (f"{period.label} ({period.long_label}) is open for returns. Fill in and submit "
                f"{'your return' if len(their_subs) == 1 else 'your returns'} {deadline}:\n\n{lines}\n\n"
                f"You can see them all on My returns: {link(reverse('my-returns'))}")
        emails += _each([user], f"{period.label} returns are open: due {deadline}", body)
    return queue(key=f"opened:{period.slug}:{period.version}", kind="period_opened", emails=emails)


def return_submitted(ret, *, by):
    """The approvers are told a return is waiting for them."""
    name = _name(ret.sub_strand)
    body = (f"{person_name(by)} submitted the {name} return for {ret.period.label} on {day_and_time(ret.submitted_at)}.\n\n"
            f"Approve it, or return it for changes with a comment:\n{return_link(ret)}\n\n"
            f"Every return waiting for approval is in the review queue: {link(reverse('review-queue'))}")
    emails = _each(people_with_role(Role.APPROVER), f"{name} return for {ret.period.label} is waiting for approval", body)
    return queue(key=_return_key("submitted", ret), kind="submitted", emails=emails)


def return_sent_back(ret, *, by):
    """Its lead and editors are told what to change, in the approver's words."""
    name = _name(ret.sub_strand)
    comment = "\n".join(f"  {line}" if line else "" for line in as_plain_text(ret.return_comment).split("\n"))
    body = (f"{person_name(by)} returned the {name} return for {ret.period.label} for changes, with this comment:\n\n"
            f"{comment}\n\nMake the changes and submit it again:\n{return_link(ret)}")
    emails = _each(editors_of(ret.sub_strand), f"{name} return for {ret.period.label} has been returned for changes", body)
    return queue(key=_return_key("sent-back", ret), kind="sent_back", emails=emails)


def return_approved(ret, *, by, late=False):
    """Its lead and editors are told it has been approved (and, when the briefing was already
    issued, that it has been added to it)."""
    name = _name(ret.sub_strand)
    after = ""
    if late:
        after = (f"\n\nThe briefing for {ret.period.label} had already been issued: your return has been added to it, "
                 "marked as updated after issue.")
    body = (f"{person_name(by)} approved the {name} return for {ret.period.label} on {day_and_time(ret.approved_at)}. "
            f"The {terms().reader.one} and {terms().scrutiny.one} members can now see it.{after}\n\nSee it here:\n{return_link(ret)}")
    emails = _each(editors_of(ret.sub_strand), f"{name} return for {ret.period.label} has been approved", body)
    return queue(key=_return_key("approved", ret), kind="approved", emails=emails)


def briefing_issued(briefing, *, by, added=()):
    """The readers are told the briefing is out (or, re-issued, what it now includes)."""
    period = briefing.period
    url = link(reverse("briefing", args=[period.slug]))
    if briefing.revision > 1:
        names = ", ".join(added) or "returns approved after it was first issued"
        subject = f"The briefing note for {period.label} has been updated (revision {briefing.revision})"
        body = (f"{person_name(by)} re-issued the briefing note for {period.label} on {day(briefing.issued_at)}. "
                f"It now includes: {names}.\n\nRead it here:\n{url}")
    else:
        subject = f"The briefing note for {period.label} has been issued"
        body = (f"{person_name(by)} issued the briefing note for {period.label} on {day(briefing.issued_at)}.\n\n"
                f"Read it here:\n{url}")
    readers = [p for p in people_with_role(Role.READER) if reads_strategy(p, period.strategy_id)]
    emails = _each(readers, subject, body)
    return queue(key=f"issued:{period.slug}:{briefing.revision}", kind="briefing_issued", emails=emails)


# -- reminders and chases ----------------------------------------------------------------------------

STATE_WORDS = {None: "not started", "not_started": "not started", "draft": "a draft, not yet submitted",
               "returned": "returned for changes, not yet submitted again"}


def people_to_remind(sub_strand):
    """Who a reminder about a sub-strand's return goes to: its lead and editors. Empty: nobody to
    send to (the calendar flags it)."""
    return editors_of(sub_strand)


def reminder(ret, *, key, kind, today, by=None):
    """A reminder about one outstanding return to its lead and editors; the Economy Cell gets a copy
    of a chase (`by` someone) and of an overdue reminder. `kind` is "before", "overdue" or "chase".
    Returns the rows queued (none when everyone has had this reminder, or there is nobody)."""
    period, name = ret.period, _name(ret.sub_strand)
    people = people_to_remind(ret.sub_strand)
    if not people:
        return []
    deadline = period.dashboard_deadline
    state = STATE_WORDS.get(ret.state if ret.pk else None, ret.get_state_display().lower())
    if kind == "before":
        days_left = (deadline - today).days
        when = {0: "today", 1: "tomorrow"}.get(days_left, f"in {days_left} days")
        subject = f"Reminder: the {name} return for {period.label} is due by {day(deadline)}"
        opening = f"The {ret.sub_strand.full_name} return for {period.label} is due by {day(deadline)} ({when}). It is {state}."
    elif kind == "overdue":
        days_late = (today - deadline).days
        subject = f"Overdue: the {name} return for {period.label} was due on {day(deadline)}"
        opening = (f"The {ret.sub_strand.full_name} return for {period.label} was due on {day(deadline)}, "
                   f"{days_late} day{'s' if days_late != 1 else ''} ago. It is {state}.")
    else:
        due = f" It was due by {day(deadline)}." if deadline and deadline < today else (
            f" It is due by {day(deadline)}." if deadline else "")
        subject = f"Reminder: please complete the {name} return for {period.label}"
        opening = f"{person_name(by)} of the {terms().coordinator.one} asked us to remind you: the {ret.sub_strand.full_name} return for {period.label} is {state}.{due}"
    body = f"{opening}\n\nFill it in and submit it here:\n{return_link(ret)}"
    emails = _each(people, subject, body)
    if kind in ("overdue", "chase"):
        told = ", ".join(person_name(u) for u in people)
        copy = f"This is a copy of a reminder sent to {told}:\n\n{opening}\n\nThe return:\n{return_link(ret)}"
        told_ids = {u.pk for u in people}
        emails += _each([u for u in people_with_role(Role.COORDINATOR) if u.pk not in told_ids], f"Copy: {subject}", copy)
    return queue(key=key, kind=f"reminder_{kind}", emails=emails)


# -- the risk register's reviews (reporting/risks/) ----------------------------------------------------


def risk_review_link(review):
    return link(reverse("risk-review", args=[review.risk.strategy.slug, review.risk.reference, review.period.slug]))


def _review_key(kind, review):
    return f"risk-{kind}:{review.period.slug}:{review.risk.strategy.slug}:{review.risk.reference}:{review.version}"


def risk_review_submitted(review, *, by):
    """The approvers are told a risk's review is waiting for them."""
    risk = review.risk
    body = (f"{person_name(by)} submitted the review of risk {risk.reference} ({risk.title}) for "
            f"{review.period.label} on {day_and_time(review.submitted_at)}.\n\n"
            f"Approve it, or send it back with a reason:\n{risk_review_link(review)}\n\n"
            f"Everything waiting for approval is in the review queue: {link(reverse('review-queue'))}")
    emails = _each(people_with_role(Role.APPROVER),
                   f"Risk {risk.reference} review for {review.period.label} is waiting for approval", body)
    return queue(key=_review_key("submitted", review), kind="risk_submitted", emails=emails)


def risk_review_decided(review, *, by):
    """The risk's owner is told the review was approved, or sent back with the approver's reason."""
    risk = review.risk
    if risk.owner is None or not risk.owner.email:
        return []
    if review.state == "returned":
        reason = "\n".join(f"  {line}" if line else "" for line in as_plain_text(review.returned_reason).split("\n"))
        subject = f"Risk {risk.reference} review for {review.period.label} has been sent back"
        body = (f"{person_name(by)} sent back the review of risk {risk.reference} ({risk.title}) for "
                f"{review.period.label}, with this reason:\n\n{reason}\n\nMake the changes and submit it again:\n"
                f"{risk_review_link(review)}")
        kind = "sent-back"
    else:
        subject = f"Risk {risk.reference} review for {review.period.label} has been approved"
        body = (f"{person_name(by)} approved the review of risk {risk.reference} ({risk.title}) for "
                f"{review.period.label}.\n\nSee it here:\n{risk_review_link(review)}")
        kind = "approved"
    return queue(key=_review_key(kind, review), kind=f"risk_{kind.replace('-', '_')}",
                 emails=_each([risk.owner], subject, body))


def risk_review_reminder(owner, reviews, *, key, today):
    """One email to a risk's owner listing their outstanding reviews of a period past its deadline
    (reporting.risks.reminders); the key means it is never sent twice."""
    period = reviews[0].period
    deadline = period.dashboard_deadline
    lines = "\n".join(f"- {r.risk.reference} {r.risk.title} ({STATE_WORDS.get(r.state if r.pk else None, r.state)}): "
                      f"{risk_review_link(r)}" for r in reviews)
    many = len(reviews) > 1
    subject = (f"Overdue: {'your risk reviews' if many else 'your risk review'} for {period.label} "
               f"{'were' if many else 'was'} due on {day(deadline)}")
    body = (f"{'These risk reviews' if many else 'This risk review'} for {period.label} "
            f"{'were' if many else 'was'} due on {day(deadline)} and {'have' if many else 'has'} not been submitted:"
            f"\n\n{lines}\n\nReview {'them' if many else 'it'} and submit by following the "
            f"link{'s' if many else ''}.")
    return queue(key=key, kind="risk_reminder", emails=_each([owner], subject, body))
