"""The workflow, written once: for each state machine, its steps, the states each may start from
and the state it leads to.

Every service that changes a state calls `<MACHINE>.check(step, obj)` first (it raises
`WorkflowError` with a message a page can show as it is) and `<MACHINE>.move(step, obj)` to set
the new state; pages ask `<MACHINE>.allows(step, obj)` to decide whether to offer a button. Who
may take a step is a separate question, answered by `reporting.access`: a button shows when both
say yes (`reporting.access.may`).

    RETURN       draft ─submit→ submitted ─approve→ approved ─publish→ published
                   ↑   ←send_back─ (returned) ─submit→ ↑        │
                   └──────────────── reopen ───────────────────┘ (from approved or published)
    PLAN_UPDATE  draft ─submit→ submitted ─approve→ approved ─publish→ published;
                 submitted ─send_back→ returned ─submit→ submitted
    RISK_REVIEW  as PLAN_UPDATE (a risk's review in a period)
    BRIEFING     draft ─issue→ issued ─reissue→ issued (the next revision; the earlier one kept)
    PERIOD       not open ─open→ open ─close→ closed ─open→ open; open or closed ─publish→ published

A published period's unfinished returns are late, not stranded: they can still be started, filled
in, submitted and approved, and an approved late return joins the issued briefing ("updated
after issue"), which the approver may then re-issue.
"""
from dataclasses import dataclass

from django.utils import timezone

from objectives.council import terms
from objectives.models import ReportingPeriod
from objectives.roles import person_name
from reporting.models import Briefing, WorkflowState

NOT_STARTED = "not_started"  # a return nobody has started: no row yet


class WorkflowError(Exception):
    """A step that the object's current state does not allow; the message says why, in words."""


@dataclass(frozen=True)
class Step:
    """A step: the states it may start from, the state it leads to (None: the step changes what is
    in the object, not its state), and what to say when it is refused, by the state the object is
    in (key None: any other state). `{subject}` is the object as the caller names it ("This return",
    "2023/24 Q3"), `{state}` its state in words."""

    name: str
    sources: frozenset
    target: str | None
    refusals: dict


class Machine:
    """One state machine: its steps by name, and the words for its states."""

    def __init__(self, noun, labels, steps):
        self.noun = noun
        self.labels = labels
        self.steps = {step.name: step for step in steps}

    def step(self, name):
        try:
            return self.steps[name]
        except KeyError:
            raise KeyError(f"The {self.noun} has no step called {name!r}.") from None

    def allows(self, name, obj):
        """May `obj` take step `name` from the state it is in? (An object with no state is a draft.)"""
        return state_of(obj) in self.step(name).sources

    def refusal(self, name, obj, *, subject=None):
        """Why `obj` may not take step `name` from its current state, in words; None if it may."""
        step = self.step(name)
        state = state_of(obj)
        if state in step.sources:
            return None
        template = step.refusals.get(state) or step.refusals[None]
        subject = subject or f"This {self.noun}"
        return template.format(subject=subject, subject_lower=subject[:1].lower() + subject[1:], state=self.label(state))

    def check(self, name, obj, *, subject=None, error=None):
        """Raise WorkflowError (or `error`, a subclass) unless `obj` may take step `name` from its
        current state."""
        message = self.refusal(name, obj, subject=subject)
        if message is not None:
            raise (error or WorkflowError)(message)

    def move(self, name, obj, *, subject=None, error=None):
        """Check the step, then set the state it leads to (the caller saves the object)."""
        self.check(name, obj, subject=subject, error=error)
        target = self.step(name).target
        if target is not None:
            obj.state = target
        return obj

    def label(self, state):
        return self.labels.get(state, str(state)).lower()

    def table(self):
        """[(step, from states, to state)] in words, for the documentation and the tests."""
        return [(s.name, sorted(self.label(x) for x in s.sources), self.label(s.target) if s.target else "")
                for s in self.steps.values()]


def state_of(obj):
    return getattr(obj, "state", None) or WorkflowState.DRAFT


EDITABLE = frozenset({WorkflowState.DRAFT, WorkflowState.RETURNED})
APPROVED = frozenset({WorkflowState.APPROVED, WorkflowState.PUBLISHED})
SUBMITTED = frozenset({WorkflowState.SUBMITTED})
WORKFLOW_LABELS = dict(WorkflowState.choices)

CHANGED = "{subject} is {state}, so it cannot be changed."
# What the second of two people taking the same step at once is told (a double click, or a race).
ALREADY_SUBMITTED = "{subject} has already been submitted for approval."
ALREADY_APPROVED = {WorkflowState.APPROVED: "{subject} has already been approved.",
                    WorkflowState.PUBLISHED: "{subject} has already been approved and published."}
ALREADY_RETURNED = "{subject} has already been returned for changes."
RETURN = Machine("return", WORKFLOW_LABELS, [
    Step("edit", EDITABLE, None, {None: CHANGED}),
    Step("submit", EDITABLE, WorkflowState.SUBMITTED,
         {WorkflowState.SUBMITTED: ALREADY_SUBMITTED,
          None: "Only a draft or a returned return can be submitted; {subject_lower} is {state}."}),
    Step("approve", SUBMITTED, WorkflowState.APPROVED,
         {**ALREADY_APPROVED, None: "{subject} is {state}: only a submitted return can be approved."}),
    Step("send_back", SUBMITTED, WorkflowState.RETURNED,
         {WorkflowState.RETURNED: ALREADY_RETURNED, None: "{subject} is {state}: only a submitted return can be sent back."}),
    Step("publish", frozenset({WorkflowState.APPROVED}), WorkflowState.PUBLISHED,
         {None: "{subject} is {state}: only an approved return can be published."}),
    Step("reopen", APPROVED, WorkflowState.DRAFT,
         {None: "{subject} is {state}: only an approved return can be reopened for correction."}),
])

PLAN_UPDATE = Machine("update", WORKFLOW_LABELS, [
    Step("edit", EDITABLE, None, {None: CHANGED}),
    Step("submit", EDITABLE, WorkflowState.SUBMITTED,
         {WorkflowState.SUBMITTED: ALREADY_SUBMITTED,
          None: "{subject} is {state}: only a draft or a returned update can be submitted."}),
    Step("approve", SUBMITTED, WorkflowState.APPROVED,
         {**ALREADY_APPROVED, None: "{subject} is {state}: only a submitted update can be approved."}),
    Step("send_back", SUBMITTED, WorkflowState.RETURNED,
         {WorkflowState.RETURNED: ALREADY_RETURNED, None: "{subject} is {state}: only a submitted update can be sent back."}),
    Step("publish", frozenset({WorkflowState.APPROVED}), WorkflowState.PUBLISHED,
         {None: "{subject} is {state}: only an approved update can be published."}),
    # An update inside a quarterly return follows its return when a correction reopens it.
    Step("reopen", APPROVED, WorkflowState.DRAFT,
         {None: "{subject} is {state}: only an approved update can be reopened for correction."}),
])

# A risk's review in a period (reporting.risk_models.RiskReview): the same steps as an update.
RISK_REVIEW = Machine("review", WORKFLOW_LABELS, [
    Step("edit", EDITABLE, None, {None: CHANGED}),
    Step("submit", EDITABLE, WorkflowState.SUBMITTED,
         {WorkflowState.SUBMITTED: ALREADY_SUBMITTED,
          None: "{subject} is {state}: only a draft or a returned review can be submitted."}),
    Step("approve", SUBMITTED, WorkflowState.APPROVED,
         {**ALREADY_APPROVED, None: "{subject} is {state}: only a submitted review can be approved."}),
    Step("send_back", SUBMITTED, WorkflowState.RETURNED,
         {WorkflowState.RETURNED: ALREADY_RETURNED, None: "{subject} is {state}: only a submitted review can be sent back."}),
    Step("publish", frozenset({WorkflowState.APPROVED}), WorkflowState.PUBLISHED,
         {None: "{subject} is {state}: only an approved review can be published."}),
])

BRIEFING = Machine("briefing", dict(Briefing.State.choices), [
    Step("edit", frozenset({Briefing.State.DRAFT}), None,
         {None: "{subject} has been issued, so its text can no longer be changed."}),
    Step("issue", frozenset({Briefing.State.DRAFT}), Briefing.State.ISSUED,
         {None: "{subject} has already been issued."}),
    Step("reissue", frozenset({Briefing.State.ISSUED}), None,
         {None: "{subject} has not been issued yet: issue it first."}),
])

PeriodState = ReportingPeriod.State
PERIOD = Machine("period", dict(PeriodState.choices), [
    Step("open", frozenset({PeriodState.NOT_OPEN, PeriodState.CLOSED}), PeriodState.OPEN, {
        PeriodState.OPEN: "{subject} is already open.",
        None: "{subject} is published: its briefing has been issued, so it cannot reopen.",
    }),
    Step("close", frozenset({PeriodState.OPEN}), PeriodState.CLOSED,
         {PeriodState.CLOSED: "{subject} is already closed.", None: "{subject} is not open, so it cannot be closed."}),
    Step("publish", frozenset({PeriodState.OPEN, PeriodState.CLOSED}), PeriodState.PUBLISHED,
         {None: "{subject} is {state}, so its briefing cannot publish it."}),
])

# New returns may start in a period in one of these states: a published period's are late returns.
PERIOD_TAKES_NEW_RETURNS = frozenset({PeriodState.OPEN, PeriodState.CLOSED, PeriodState.PUBLISHED})
# Outstanding: still to be submitted (not started, a draft, or returned for changes).
OUTSTANDING = frozenset({NOT_STARTED, WorkflowState.DRAFT, WorkflowState.RETURNED})


def is_outstanding(state):
    """Still to be submitted: not started (None), a draft, or returned for changes."""
    return (state or NOT_STARTED) in OUTSTANDING


def is_late(state, period):
    """A late return: its period's briefing has been issued and it is not approved yet (not started,
    a draft, returned for changes, or waiting for approval). It stays open to its editors and the
    approver, and joins the issued briefing once approved."""
    return period.state == PeriodState.PUBLISHED and (state or NOT_STARTED) not in APPROVED


def entry_refusal(ret, *, coordinator):
    """The one rule of whether a return's period takes entry (a save or a submit) now, or why not:
    nobody enters a return before its period opens; while the period is open, its officers and the
    coordinating team do; once it is closed only the coordinating team does (it is putting the
    briefing together), except in a correction reopened after approval; once its briefing has been
    issued, late returns are still finished. `coordinator`: the person is of the coordinating team."""
    period = ret.period
    if period.state == PeriodState.NOT_OPEN:
        return f"{period.label} is not open for returns yet."
    if period.state == PeriodState.CLOSED and not coordinator and (ret.revision or 1) <= 1:
        team = terms().coordinator.one
        return (f"{period.label} is closed: the {team} is putting its briefing together, so only the {team} "
                "can change its returns now.")
    return None


def review_entry_refusal(review, *, coordinator):
    """Whether a risk's review takes entry (a save or a submit) in its period now, or why not: as a
    return (`entry_refusal`), never before its period opens; once the period is closed only the
    coordinating team changes it; once its briefing has been issued a late review is still finished."""
    period = review.period
    if period.state == PeriodState.NOT_OPEN:
        return f"{period.label} is not open yet, so its risk reviews cannot be started."
    if period.state == PeriodState.CLOSED and not coordinator:
        team = terms().coordinator.one
        return (f"{period.label} is closed: the {team} is putting its briefing together, so only the {team} "
                "can change its risk reviews now.")
    return None


def review_chase_refusal(state, period):
    """The one rule of chasing a risk's review (as a return's, `chase_refusal`): outstanding, in an
    open period; or why not."""
    if not is_outstanding(state):
        return f"The risk review is {state_label(state).lower()}: there is nothing to chase."
    if period.state == PeriodState.NOT_OPEN:
        return f"{period.label} is not open yet, so there is nothing to chase."
    if period.state == PeriodState.CLOSED:
        return f"{period.label} is closed: owners cannot change its risk reviews, so there is nothing to chase."
    if period.state == PeriodState.PUBLISHED:
        return (f"The briefing for {period.label} has been issued: the risk review can still be finished late, "
                "but it is no longer chased.")
    return None


def chase_refusal(state, period, *, name=None):
    """The one rule of chasing: a reminder goes about an outstanding return of an open period (the
    only time its officers are asked to act by a deadline), or why not. `is_overdue` asks it too, so
    nothing shows "Overdue" that cannot be chased. `name`: the sub-strand's, for a return's own page;
    without it the reason speaks of the period's returns (a list of them gives it once)."""
    if not is_outstanding(state):
        return f"The {name or 'This'} return is {state_label(state).lower()}: there is nothing to chase."
    if period.state == PeriodState.NOT_OPEN:
        return f"{period.label} is not open for returns yet, so there is nothing to chase."
    if period.state == PeriodState.CLOSED:
        return f"{period.label} is closed: officers cannot change its returns, so there is nothing to chase."
    if period.state == PeriodState.PUBLISHED:
        if name is None:
            return (f"The briefing for {period.label} has been issued: its returns can still be finished late, "
                    "but they are no longer chased.")
        return (f"The briefing for {period.label} has been issued: the {name} return can still be finished late, "
                "but it is no longer chased.")
    return None


def is_overdue(state, period, today):
    """The deadline rule: a return that could be chased (chase_refusal) after its period's dashboard
    update deadline."""
    return chase_refusal(state, period) is None and period.is_overdue(today)


def another_open_period(period, user=None):
    """One period of a strategy is open at a time: why `period` cannot open while another is, or None.
    Asked of the strategy's periods the page read already (`period.strategy_periods`, set by the calendar
    for every period it shows), or else of the database."""
    read = getattr(period, "strategy_periods", None)
    if read is not None:
        other = next((p for p in read if p.state == PeriodState.OPEN and p.pk != period.pk), None)
    else:
        other = (ReportingPeriod.objects.filter(strategy_id=period.strategy_id, state=PeriodState.OPEN)
                 .exclude(pk=period.pk).first())
    if other is None:
        return None
    return f"Close {other.label} before opening {period.label}: one period of a strategy is open at a time."


def never_opened_before(period):
    """The periods of `period`'s strategy before it that were never opened: opening `period` passes
    them by. Opening is still allowed (a council may start mid-way); its page warns and names them
    first (never_opened_words), and asks the person to confirm."""
    return list(ReportingPeriod.objects.filter(strategy_id=period.strategy_id, state=PeriodState.NOT_OPEN,
                                               start_date__lt=period.start_date).order_by("start_date"))


def never_opened_words(periods):
    """The periods passed by, in words: "2023/24 Q3 and Q4 were never opened", "2023/24 Q4 was never
    opened", "2023/24 Q4 and 2024/25 Q1 were never opened" (a year's name once, where its periods follow)."""
    names, year = [], None
    for p in periods:
        head, _, rest = p.label.partition(" ")
        names.append(rest if head == year and rest else p.label)
        year = head
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} {'was' if len(names) == 1 else 'were'} never opened"


def stale_message(obj, by, *, noun):
    """Someone saved `obj` after the page was opened: who and when, and that nothing was lost."""
    who = person_name(obj.updated_by) if getattr(obj, "updated_by_id", None) else "someone else"
    when = ""
    if getattr(obj, "updated_at", None):
        local = timezone.localtime(obj.updated_at)
        when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
    if by is not None and getattr(obj, "updated_by_id", None) == getattr(by, "pk", None):
        # Their own earlier save: a second click on Save, or the page open in another tab.
        return (f"You saved this {noun}{when}, after this page was opened (perhaps by pressing Save twice, or in "
                "another tab or window), so your changes on this page have not been saved. What you typed is still "
                f"on this page: check the {noun} as it is now, then save again to keep what is on this page.")
    return (f"This {noun} has been changed by {who}{when} since you opened it, so your changes have not been saved. "
            "What you typed is still on this page: check their changes, then save again to replace them with yours.")


STATE_LABELS = {
    NOT_STARTED: "Not started",
    **WORKFLOW_LABELS,
    **dict(Briefing.State.choices),
    **dict(PeriodState.choices),
}


def state_label(state):
    """The word for any state of any machine ("Returned for changes", "Not started")."""
    return STATE_LABELS.get(state or NOT_STARTED, str(state))
