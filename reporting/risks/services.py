"""Writes of the risk register: a risk raised, and each risk's review taken through its steps.

Every function runs in one transaction, locks the row it changes (`select_for_update`), asks its
step's guard (reporting.steps) on the locked row first, records who did it in the history
(django-auditlog, through `save()`), and so raises the data version as every write does
(reporting.readers_cache, by the save's signal).

    raise_risk(*, strategy, by, reference, title, ...)          -> Risk
    update_risk(*, risk, by, version, ...)                     -> Risk (raises StaleRiskError)
    add_action(*, risk, by, ...), update_action(*, action, by, ...), remove_action(*, action, by)
    start_review(*, risk, period, by)                          -> RiskReview (the draft, made if there is none)
    save_review(*, review, by, data, submit=False)             -> RiskReview (raises StaleReviewError)
    submit_review(*, review, by, version=None)                 -> RiskReview (raises IncompleteReviewError)
    approve_review(*, review, by, version=None)                -> RiskReview
    send_back_review(*, review, by, reason, version=None)      -> RiskReview
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.models import ReportingPeriod
from objectives.text import clean_text
from reporting import notifications
from reporting.risks import papers as risk_papers
from reporting.models import Risk, RiskAction, RiskReview, WorkflowState
from reporting.returns.services import recorded_as
from reporting.steps import (
    APPROVE_RISK_REVIEW, COMPLETE, MANAGE_RISK, SAVE_RISK_REVIEW, SEND_BACK_RISK_REVIEW, SUBMIT_RISK_REVIEW, VERSION,
    Refusal, StepRefused, stale_review,
)
from reporting.workflow import RISK_REVIEW

REASON_MAX_LENGTH = 5_000
REVIEW_FIELDS = ("current_likelihood", "current_impact", "direction", "commentary", "actions_progress")


class RiskReviewError(StepRefused):
    """A step on a risk's review that is refused (reporting.steps says which check refused, and why)."""


class StaleReviewError(RiskReviewError):
    """Someone saved the review after the form was opened; `current` is the review as it is now."""

    @classmethod
    def of(cls, current, by):
        return cls(Refusal(VERSION, stale_review(current, by), obj=current))

    @property
    def current(self):
        return self.refusal.obj


class StaleRiskError(StepRefused):
    """Someone changed the risk's register entry after the form was opened; `current` is it as it is now."""

    @property
    def current(self):
        return self.refusal.obj


class IncompleteReviewError(RiskReviewError):
    """Submit refused: `problems` maps a review form field to what is missing."""


REVIEW_ERRORS = {None: RiskReviewError, VERSION: StaleReviewError, COMPLETE: IncompleteReviewError}


def raise_risk(*, strategy, by, reference, title, inherent_likelihood, inherent_impact, target_likelihood,
               target_impact, **fields):
    """A new risk in the strategy's register (the coordinating team). `fields`: any other of Risk's
    fields (cause, effect, owner, owner_title, category, objective, sub_strand, controls,
    next_review_date, exempt, order); `kpis` a list of KPIs. Checked by Risk.clean() first."""
    kpis = fields.pop("kpis", None)
    with transaction.atomic(), recorded_as(by):
        MANAGE_RISK.guard(by, None)
        _check_kpis(strategy, kpis)
        if Risk.objects.filter(strategy=strategy, reference=reference).exists():
            raise ValidationError({"reference": f"{reference} is already the reference of a risk in this strategy: "
                                   "give another."})
        risk = Risk(strategy=strategy, reference=reference, title=title, inherent_likelihood=inherent_likelihood,
                    inherent_impact=inherent_impact, target_likelihood=target_likelihood, target_impact=target_impact,
                    updated_by=by, **fields)
        risk.full_clean()
        risk.save()
        if kpis:
            risk.kpis.set(kpis)
        return risk


# What the coordinating team changes of a risk's register entry (its reference and strategy stay).
RISK_FIELDS = ("title", "cause", "effect", "owner", "owner_title", "category", "objective", "sub_strand",
               "inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact", "controls",
               "next_review_date", "exempt")


def _check_kpis(strategy, kpis):
    """Refuse (ValidationError on `kpis`) a KPI of another strategy."""
    others = [kpi for kpi in kpis or () if kpi.sub_strand.objective.strategy_id != strategy.pk]
    if others:
        raise ValidationError({"kpis": "Choose only KPIs of this strategy: "
                               + ", ".join(kpi.code for kpi in others) + " belong to another."})


def update_risk(*, risk, by, version, **fields):
    """Change a risk's register entry (the coordinating team): any of RISK_FIELDS, and `kpis` (a list
    of KPIs, all of the risk's strategy). `version`: the risk's version the page was read from
    (StaleRiskError, saying who changed it, when it has moved on). Checked by Risk.clean() first
    (ValidationError by field); nothing is written unless all of it is right."""
    unknown = set(fields) - set(RISK_FIELDS) - {"kpis"}
    if unknown:
        raise TypeError(f"update_risk() does not change {', '.join(sorted(unknown))}")
    kpis = fields.pop("kpis", None)
    with transaction.atomic(), recorded_as(by):
        locked = Risk.objects.select_for_update().get(pk=risk.pk)
        MANAGE_RISK.guard(by, locked, version=version, errors={VERSION: StaleRiskError})
        _check_kpis(locked.strategy, kpis)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["strategy", "reference"], validate_unique=False)
        locked.version += 1
        locked.updated_by = by
        locked.save()
        if kpis is not None:
            locked.kpis.set(kpis)
        return locked


ACTION_FIELDS = ("description", "owner", "due_date", "status")


def _save_action(action, by, fields):
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"An action has no {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(action, name, value if name == "due_date" else (value or ""))
    action.full_clean(exclude=["risk"])
    action.save()
    return action


def add_action(*, risk, by, **fields):
    """A new action of the risk (the coordinating team): description, owner, due_date, status."""
    with transaction.atomic(), recorded_as(by):
        locked = Risk.objects.select_for_update().get(pk=risk.pk)
        MANAGE_RISK.guard(by, locked)
        last = RiskAction.objects.filter(risk=locked).order_by("-order").values_list("order", flat=True).first()
        return _save_action(RiskAction(risk=locked, order=(last or 0) + 1), by, fields)


def update_action(*, action, by, **fields):
    """Change one of a risk's actions (the coordinating team). RiskAction.DoesNotExist if it has been removed."""
    with transaction.atomic(), recorded_as(by):
        locked = RiskAction.objects.select_for_update().get(pk=action.pk)
        MANAGE_RISK.guard(by, locked.risk)
        return _save_action(locked, by, fields)


def remove_action(*, action, by):
    """Remove one of a risk's actions (the coordinating team); its removal is kept in the history."""
    with transaction.atomic(), recorded_as(by):
        locked = RiskAction.objects.select_for_update().filter(pk=action.pk).first()
        if locked is None:
            return  # removed already (a second click)
        MANAGE_RISK.guard(by, locked.risk)
        locked.delete()


def _lock(review):
    """The review, locked for this transaction (no joins: see reporting.returns.services.lock_return)."""
    return RiskReview.objects.select_for_update().get(pk=review.pk)


def start_review(*, risk, period, by):
    """The risk's review for the period: the draft, made (its score carried from the last approved
    review, else the risk's inherent score left for the owner to give) if there is none."""
    with transaction.atomic(), recorded_as(by):
        existing = RiskReview.objects.filter(risk=risk, period=period).first()
        if existing is not None:
            return existing
        if period.strategy_id != risk.strategy_id:
            raise RiskReviewError(f"{risk.reference} is a risk of another strategy: {period.label} does not review it.")
        draft = RiskReview(risk=risk, period=period, version=0)
        SAVE_RISK_REVIEW.guard(by, draft, errors=REVIEW_ERRORS)
        last = (RiskReview.objects.filter(risk=risk, state__in=[WorkflowState.APPROVED, WorkflowState.PUBLISHED],
                                          period__in=ReportingPeriod.objects.filter(strategy_id=risk.strategy_id))
                .filter(period__start_date__lt=period.start_date).order_by("-period__start_date").first())
        if last is not None:
            draft.current_likelihood, draft.current_impact = last.current_likelihood, last.current_impact
        draft.version, draft.updated_by = 1, by
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError:  # started by someone else a moment ago
            return RiskReview.objects.get(risk=risk, period=period)
        return draft


def save_review(*, review, by, data, submit=False):
    """Save a review form's cleaned data (the score, direction, commentary, actions' progress, and each
    action's status and the risk's next review date, both kept with the review until it is approved);
    with submit=True, submit it in the same transaction. Raises StaleReviewError when the review's version is no longer data["version"]."""
    step = SUBMIT_RISK_REVIEW if submit else SAVE_RISK_REVIEW
    with transaction.atomic(), recorded_as(by):
        locked = _lock(review)
        step.guard(by, locked, version=data.get("version"), complete=False, errors=REVIEW_ERRORS)
        for name in REVIEW_FIELDS:
            if name in data:
                value = data[name]
                setattr(locked, name, value if name.startswith("current") else (value or ""))
        if "action_statuses" in data:  # kept with the review; the actions change when it is approved
            locked.action_statuses = {str(pk): status for pk, status in (data["action_statuses"] or {}).items()}
        elif locked.action_statuses:  # an action removed since a status was given: its status goes with it
            kept = {str(pk) for pk in RiskAction.objects.filter(risk_id=locked.risk_id).values_list("pk", flat=True)}
            locked.action_statuses = {k: v for k, v in locked.action_statuses.items() if str(k) in kept}
        if "next_review_date" in data:  # kept with the review; the risk's changes when it is approved
            given = data["next_review_date"]
            locked.next_review_date = None if given == locked.risk.next_review_date else given
        try:
            locked.full_clean(exclude=["risk", "period"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise RiskReviewError(" ".join(error.messages)) from error
        locked.version += 1
        locked.updated_by = by
        locked.save()
        if submit:
            _submit(locked, by)
        return locked


def _submit(review, by):
    SUBMIT_RISK_REVIEW.guard(by, review, errors=REVIEW_ERRORS)
    RISK_REVIEW.move("submit", review)
    review.submitted_at, review.submitted_by = timezone.now(), by
    review.version += 1
    review.updated_by = by
    review.save()
    notifications.risk_review_submitted(review, by=by)


def submit_review(*, review, by, version=None):
    """Draft or returned → submitted, if it is complete (else IncompleteReviewError with each problem)."""
    with transaction.atomic(), recorded_as(by):
        locked = _lock(review)
        SUBMIT_RISK_REVIEW.guard(by, locked, version=version, complete=False, errors=REVIEW_ERRORS)
        _submit(locked, by)
        return locked


def approve_review(*, review, by, version=None):
    """Submitted → approved (published at once when its period's briefing has been issued): the
    review becomes a row of the risk's scores over time."""
    with transaction.atomic(), recorded_as(by):
        locked = _lock(review)
        APPROVE_RISK_REVIEW.guard(by, locked, version=version, errors=REVIEW_ERRORS)
        RISK_REVIEW.move("approve", locked)
        if locked.period.state == ReportingPeriod.State.PUBLISHED:  # approved after its briefing was issued
            RISK_REVIEW.move("publish", locked)
        locked.approved_at, locked.approved_by = timezone.now(), by
        locked.returned_reason = ""
        locked.version += 1
        # A decision, not a save of what is in it: "last saved" stays with whoever wrote it.
        locked.save(update_fields=["state", "approved_at", "approved_by", "returned_reason", "version"])
        _write_action_statuses(locked)
        _write_next_review_date(locked, by)
        notifications.risk_review_decided(locked, by=by)
        risk_papers.keep_when_changed(locked.period)  # the committee's risk report kept, its PDF made by the worker
        return locked


def _write_action_statuses(review):
    """The statuses the approved review gives its risk's actions, written to them (locked): from now
    on what readers see. An action removed since the review was written is left out."""
    given = review.action_statuses or {}
    if not given:
        return
    for action in RiskAction.objects.select_for_update().filter(risk_id=review.risk_id,
                                                                pk__in=[int(pk) for pk in given if str(pk).isdigit()]):
        status = given.get(str(action.pk))
        if status in RiskAction.Status.values and status != action.status:
            action.status = status
            action.save()


def _write_next_review_date(review, by):
    """The next review date the approved review gives its risk, written to the risk (locked): from
    now on what readers see. None (not given in the review) leaves the risk's as it is."""
    if review.next_review_date is None:
        return
    risk = Risk.objects.select_for_update().get(pk=review.risk_id)
    if risk.next_review_date != review.next_review_date:
        risk.next_review_date = review.next_review_date
        risk.version += 1
        risk.updated_by = by
        risk.save()


def send_back_review(*, review, by, reason, version=None):
    """Submitted → returned to the owner, with the reason saying what to change."""
    reason = clean_text(reason or "")
    with transaction.atomic(), recorded_as(by):
        locked = _lock(review)
        SEND_BACK_RISK_REVIEW.guard(by, locked, version=version, errors=REVIEW_ERRORS)
        if not reason:
            raise RiskReviewError("Write the reason, saying what needs to change.")
        if len(reason) > REASON_MAX_LENGTH:
            raise RiskReviewError(f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer.")
        RISK_REVIEW.move("send_back", locked)
        locked.returned_reason = reason
        locked.version += 1
        locked.save(update_fields=["state", "returned_reason", "version"])
        notifications.risk_review_decided(locked, by=by)
        return locked


def publish_reviews(period):
    """Every approved review of the period becomes published (the briefing's issue publishes the period)."""
    for review in RiskReview.objects.select_for_update().filter(period=period, state=WorkflowState.APPROVED):
        RISK_REVIEW.move("publish", review)
        review.version += 1
        review.save(update_fields=["state", "version"])
