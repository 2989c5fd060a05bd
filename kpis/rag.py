"""The RAG rules: plain functions, no database, so that tests and services call them directly.

A KPI's RAG follows from its latest value, its target, its direction and an Amber tolerance:

* higher is better: at or above target is Green; within the tolerance below it Amber; else Red;
* lower is better: at or below target is Green; within the tolerance above it Amber; else Red;
* no target for the year: the previous year's value is the bar ("an increase on previous
  years should be the aim"), with the same tolerance;
* milestone KPIs are rated from their milestone status;
* a contextual KPI (a volume or context measure: kpis.models.KPI.Kind) is never rated, not even by
  an override: "Contextual: not rated". So its figures never count in a RAG total anywhere (every
  total counts the RAG a figure shows, Measurement.rag, which is None for them);
* a figure not yet available is not rated (which is not the same as missing);
* an officer may override any of this, with a reason.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_VALUES = [value for value, _ in RAG.choices]
RAG_ORDER = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2}


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    MILESTONE = "milestone", "Milestone"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk or delayed"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"


MILESTONE_RAG = {
    MilestoneStatus.ACHIEVED: RAG.GREEN,
    MilestoneStatus.ON_TRACK: RAG.GREEN,
    MilestoneStatus.AT_RISK: RAG.AMBER,
    MilestoneStatus.MISSED: RAG.RED,
    MilestoneStatus.NOT_STARTED: None,
}

DEFAULT_AMBER_TOLERANCE = Decimal("5")  # per cent of the bar
CONTEXTUAL = "contextual"  # kpis.models.KPI.Kind.CONTEXTUAL
CONTEXTUAL_BASIS = "Contextual: not rated"


@dataclass(frozen=True)
class Rating:
    """A rating and how it was reached, so a page can say why a KPI is Red."""

    rag: str | None
    basis: str

    @property
    def label(self):
        return RAG(self.rag).label if self.rag else "Not rated"


def rag_label(rag, *, kind=None):
    """'Red', 'Amber', 'Green' or 'Not rated' ('Contextual: not rated' for a contextual KPI's
    figure): RAG is never shown by colour alone."""
    if kind == CONTEXTUAL:
        return CONTEXTUAL_BASIS
    return RAG(rag).label if rag else "Not rated"


@dataclass(frozen=True)
class Override:
    """An officer's override of the rules' RAG, said wherever the RAG is shown or exported: the
    officer's reason and what the rules say (`rules_rag`, or why they give none in `rules_basis`;
    `rules_basis` None when what the rules said was not kept)."""

    rag: str
    reason: str
    rules_rag: str | None
    rules_basis: str | None = ""

    @property
    def reason_text(self):
        """The reason on one line, without a closing full stop (the sentences add their own)."""
        return " ".join((self.reason or "").split()).rstrip(".")

    @property
    def rules_words(self):
        """'the rules say Amber', 'the rules give no status (no target and no previous year to compare with)'."""
        if self.rules_rag:
            return f"the rules say {rag_label(self.rules_rag)}"
        if self.rules_basis is None:
            return ""
        basis = " ".join(self.rules_basis.split()).rstrip(".")
        return f"the rules give no status ({basis[:1].lower()}{basis[1:]})" if basis else "the rules give no status"

    @property
    def note(self):
        """'Set by the officer: <reason>. The rules say Amber.': beside the RAG's tag or in its own column."""
        rules = self.rules_words
        return f"Set by the officer: {self.reason_text}." + (f" {rules[:1].upper()}{rules[1:]}." if rules else "")

    @property
    def words(self):
        """'Green (set by the officer: <reason>; the rules say Amber)': the RAG in one line of text."""
        rules = f"; {self.rules_words}" if self.rules_words else ""
        return f"{rag_label(self.rag)} (set by the officer: {self.reason_text}{rules})"


def override_of(*, shown, override, reason, rules_rag=None, rules_basis=""):
    """The officer's override behind the RAG `shown`, or None when the rules' RAG is shown: the one
    reading of "is this RAG an override". An override counts when one is set and it is the RAG shown
    (a figure frozen at approval shows the RAG chosen then)."""
    if not override or override != shown:
        return None
    return Override(rag=override, reason=reason or "", rules_rag=rules_rag or None, rules_basis=rules_basis)


def compare_to_bar(value, bar, direction, tolerance_percent=DEFAULT_AMBER_TOLERANCE):
    """Rate a number against a bar (a target, or last year's value)."""
    value, bar = Decimal(value), Decimal(bar)
    band = abs(bar) * Decimal(tolerance_percent) / Decimal(100)
    if direction == Direction.HIGHER:
        if value >= bar:
            return RAG.GREEN
        return RAG.AMBER if value >= bar - band else RAG.RED
    if direction == Direction.LOWER:
        if value <= bar:
            return RAG.GREEN
        return RAG.AMBER if value <= bar + band else RAG.RED
    raise ValueError(f"A number cannot be compared with a bar for direction {direction!r}.")


def rate(
    *,
    direction,
    kind=None,
    value=None,
    target=None,
    tolerance_percent=None,
    previous_value=None,
    not_available=False,
    milestone_status=None,
    override=None,
    override_reason="",
    target_basis="Against target",
):
    """The RAG of one measurement and the reason for it. `kind`: the KPI's kind (a contextual KPI
    is never rated); `target_basis`: how the reason names the target, e.g. the trajectory's point
    for the period."""
    if kind == CONTEXTUAL:
        return Rating(None, CONTEXTUAL_BASIS)
    if override:
        if override not in RAG_VALUES:
            raise ValueError(f"{override!r} is not a RAG status.")
        if not (override_reason or "").strip():
            raise ValueError("An override needs a reason.")
        return Rating(override, f"Officer override: {override_reason.strip()}")
    if not_available:
        return Rating(None, "Figure not yet available")
    tolerance = DEFAULT_AMBER_TOLERANCE if tolerance_percent is None else Decimal(tolerance_percent)
    if direction == Direction.MILESTONE:
        if not milestone_status:
            return Rating(None, "No milestone status given")
        rag = MILESTONE_RAG[MilestoneStatus(milestone_status)]
        return Rating(rag, f"Milestone {MilestoneStatus(milestone_status).label.lower()}")
    if value is None:
        return Rating(None, "No figure entered")
    if target is not None:
        return Rating(compare_to_bar(value, target, direction, tolerance), target_basis)
    if previous_value is not None:
        return Rating(compare_to_bar(value, previous_value, direction, tolerance), "Against the previous year (no target)")
    return Rating(None, "No target and no previous year to compare with")


def suggested_overall(rags):
    """The overall RAG that a sub-strand's KPI mix suggests; the officer's judgement may differ.

    Half or more of the rated KPIs Red suggests Red; any Red or Amber suggests Amber; all Green
    suggests Green; nothing rated suggests nothing.
    """
    rated = [r for r in rags if r]
    if not rated:
        return None
    reds = sum(1 for r in rated if r == RAG.RED)
    if reds * 2 >= len(rated):
        return RAG.RED
    if reds or any(r == RAG.AMBER for r in rated):
        return RAG.AMBER
    return RAG.GREEN


def movement(previous, current):
    """'up', 'down', 'same' or None: how a RAG moved from `previous` to `current`."""
    if not previous or not current:
        return None
    diff = RAG_ORDER[RAG(current)] - RAG_ORDER[RAG(previous)]
    return "up" if diff > 0 else "down" if diff < 0 else "same"


MOVEMENT_WORDS = {"up": "Improved", "down": "Worsened", "same": "No change", None: "No previous status"}

# A milestone's own order, worst first: two statuses of the same colour are not the same place
# (Achieved and On track are both Green, but going from Achieved back to On track is a step back).
MILESTONE_ORDER = {
    MilestoneStatus.MISSED: 0,
    MilestoneStatus.AT_RISK: 1,
    MilestoneStatus.NOT_STARTED: 2,
    MilestoneStatus.ON_TRACK: 3,
    MilestoneStatus.ACHIEVED: 4,
}


def figure_movement(previous_rag, current_rag, *, previous_milestone="", current_milestone=""):
    """'up', 'down', 'same' or None: how a KPI's figure moved since the quarter before. A
    milestone KPI with a status both times moves along the milestone's order (MILESTONE_ORDER);
    any other figure by its RAG (`movement`)."""
    if previous_milestone and current_milestone:
        diff = MILESTONE_ORDER[MilestoneStatus(current_milestone)] - MILESTONE_ORDER[MilestoneStatus(previous_milestone)]
        return "up" if diff > 0 else "down" if diff < 0 else "same"
    return movement(previous_rag, current_rag)


@dataclass(frozen=True)
class Movement:
    """How a status moved since its baseline (`movements`): `baseline` is the baseline's period,
    `since` names it when it is not the one just before (a quarter with no status in between is
    skipped, not a reset)."""

    direction: str | None
    previous_rag: str | None = None
    since: str = ""
    baseline: object = None  # the period compared with

    @property
    def words(self):
        word = MOVEMENT_WORDS[self.direction]
        return f"{word} since {self.since}" if self.since and self.direction else word


NO_MOVEMENT = Movement(None)


def movements(statuses, *, before=None):
    """The movement of each status in `statuses`, oldest first, each compared with its baseline:
    the latest earlier status in the list that may be a baseline (skipping those with no rating,
    and those that may not be one), or `before`, the baseline before the list. The one rule for
    the dashboard, the sub-strand page, the review queue, the briefing, the workbook, the open data
    and the API; which statuses may be a baseline is the caller's to say (reporting.statuses: the
    approved ones, never a draft).

    Each status is `(period, rag or None)` or `(period, rag or None, may_be_baseline)`; `before`
    is `(period, rag)` or the same three. A period is anything with `label` and `follows`. A status
    with no rating has no movement (NO_MOVEMENT); one that may not be a baseline (a draft) has its
    movement all the same, but no later status is compared with it."""
    result = []
    last = before if before is not None and before[1] and _may_be_baseline(before) else None
    for item in statuses:
        period, rag = item[0], item[1]
        if not rag:
            result.append(NO_MOVEMENT)
            continue
        if last is None:
            result.append(NO_MOVEMENT)
        else:
            last_period, last_rag = last[0], last[1]
            since = "" if _just_before(last_period, period) else last_period.label
            result.append(Movement(movement(last_rag, rag), last_rag, since, last_period))
        if _may_be_baseline(item):
            last = item
    return result


def _may_be_baseline(status):
    return len(status) < 3 or bool(status[2])


def _just_before(earlier, later):
    return later.follows(earlier)
