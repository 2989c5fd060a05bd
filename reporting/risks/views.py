"""The risk register's pages: a risk's review in a period (the owner's form, the approver's steps).

Each view asks the access rules and the steps (reporting.steps), then calls one selector or one
service; a refused step shows its reason where its button would be (`Operation.offer`)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reporting import steps
from reporting.access import RISK_REVIEWS, STRATEGIES, can
from reporting.models import RiskAction
from reporting.risks import scoring, selectors, services
from reporting.risks.forms import DecisionForm, RiskReviewForm, SendBackForm, action_field

STALE_STATUS = 409  # as a return's page: the review moved on since the page was opened
NOT_READY = "The review cannot be submitted yet: it is not complete. Your changes have been saved."


def _objects(strategy, reference, period):
    found = selectors.review_page_objects(strategy, reference, period)
    if found is None:
        raise Http404("There is no risk, or no such period of its strategy, at this address.")
    return found


def _require_visible(user, risk, review):
    STRATEGIES.require(user, risk.strategy)
    if review.pk is not None and RISK_REVIEWS.test(user, review):
        return
    if steps.SAVE_RISK_REVIEW.refusal(user, review) is None or (
            review.pk is None and can(user, "edit_risk_review", review)):
        return  # its owner or the coordinating team, before anything is saved
    raise PermissionDenied("This review has not been approved yet, so it is not available to you.")


def _page(request, risk, period, review, form=None, *, status=200, send_back_form=None):
    matrix = risk.matrix
    actions = selectors.actions_of(risk)
    statuses = dict(RiskAction.Status.choices)
    for action in actions:  # as this review gives it (kept with the review until it is approved)
        action.status_in_review = review.status_of(action)
        action.status_in_review_display = statuses.get(action.status_in_review, action.get_status_display())
    user = request.user
    edit = steps.SAVE_RISK_REVIEW.offer(user, review)
    if form is None and edit:
        form = RiskReviewForm(matrix=matrix, actions=actions, initial={
            "current_likelihood": review.current_likelihood, "current_impact": review.current_impact,
            "direction": review.direction, "commentary": review.commentary,
            "actions_progress": review.actions_progress, "next_review_date": review.next_review_date_given(),
            "version": review.version, **{action_field(action): action.status_in_review for action in actions}})
    context = {
        "risk": risk, "period": period, "review": review, "matrix": matrix, "actions": actions, "form": form,
        "current": scoring.current_score(review) if review.current_likelihood else None,
        "inherent": scoring.inherent_score(risk), "target": scoring.target_score(risk),
        "appetite": scoring.appetite_of(risk),
        "outside_appetite": scoring.outside_appetite(risk, scoring.score(review.current_likelihood,
                                                                          review.current_impact)),
        "edit": edit,
        "submit": steps.SUBMIT_RISK_REVIEW.offer(user, review),
        "approve": steps.APPROVE_RISK_REVIEW.offer(user, review),
        "send_back": steps.SEND_BACK_RISK_REVIEW.offer(user, review),
        "decision_form": DecisionForm(initial={"version": review.version}),
        "send_back_form": send_back_form or SendBackForm(initial={"version": review.version}),
        "history": selectors.review_history(review) if review.pk else [],
        "scores": selectors.scores_over_time(risk, user),
    }
    return render(request, "reporting/risks/review.html", context, status=status)


@login_required
def risk_review(request, strategy, reference, period):
    """The review page: the owner's form while it may be edited (Save, Submit), else the review as it
    is, with the approver's Approve and Send back."""
    risk, period, review = _objects(strategy, reference, period)
    _require_visible(request.user, risk, review)
    if request.method != "POST":
        return _page(request, risk, period, review)
    submit = request.POST.get("intent") == "submit"
    step = steps.SUBMIT_RISK_REVIEW if submit else steps.SAVE_RISK_REVIEW
    refused = step.refusal(request.user, review, complete=False)
    if refused is not None and refused.check == steps.WHO:
        raise PermissionDenied(refused.reason)
    form = RiskReviewForm(request.POST, matrix=risk.matrix, actions=selectors.actions_of(risk))
    if refused is not None:
        form.is_valid()
        form.add_error(None, f"{refused.reason} Your changes have not been saved.")
        return _page(request, risk, period, review, form, status=STALE_STATUS)
    if not form.is_valid():
        return _page(request, risk, period, review, form, status=400)
    try:
        if review.pk is None:
            review = services.start_review(risk=risk, period=period, by=request.user)
            if form.cleaned_data["version"] != review.version and review.version > 1:
                raise services.StaleReviewError.of(review, request.user)  # started and saved by someone else meanwhile
            data = {**form.review_data(), "version": review.version}
        else:
            data = form.review_data()
        saved = services.save_review(review=review, by=request.user, data=data, submit=submit)
    except services.StaleReviewError as exc:
        current = exc.current
        posted = request.POST.copy()
        posted["version"] = str(current.version)  # saving again now replaces their change, knowingly
        form = RiskReviewForm(posted, matrix=risk.matrix, actions=selectors.actions_of(risk))
        form.is_valid()
        form.add_error(None, str(exc))
        current.risk, current.period = risk, period
        return _page(request, risk, period, current, form, status=STALE_STATUS)
    except services.IncompleteReviewError as exc:
        form.add_error(None, NOT_READY)
        for name, message in exc.problems.items():
            form.add_error(name if name in form.fields else None, message)
        current = selectors.review_page_objects(strategy, reference, period.slug)[2]
        form.data = form.data.copy()
        form.data["version"] = str(current.version)
        return _page(request, risk, period, current, form, status=400)
    except services.RiskReviewError as exc:
        form.add_error(None, str(exc))
        return _page(request, risk, period, review, form, status=STALE_STATUS)
    if submit:
        messages.success(request, f"The review of {risk.reference} for {period.label} has been submitted for approval.")
    else:
        messages.success(request, "Your review has been saved as a draft.")
    return redirect(saved.get_absolute_url())


def _decide(request, strategy, reference, period, *, step, take, done):
    risk, period, review = _objects(strategy, reference, period)
    _require_visible(request.user, risk, review)
    refused = step.refusal(request.user, review)
    if refused is not None and refused.check == steps.WHO:
        raise PermissionDenied(refused.reason)
    if refused is not None:
        messages.error(request, refused.reason)
        return redirect(review.get_absolute_url())
    try:
        result = take(review)
    except services.StaleReviewError:
        messages.error(request, "This review has been changed since you opened it. Check it again before you decide.")
        return redirect(review.get_absolute_url())
    except services.RiskReviewError as exc:
        messages.error(request, str(exc))
        return redirect(review.get_absolute_url())
    if result is not None and not isinstance(result, str):
        return result
    messages.success(request, done.format(reference=risk.reference, period=period.label))
    return redirect("review-queue" if can(request.user, "view_review_queue") else "home")


def _version(request, form_class=DecisionForm):
    form = form_class(request.POST)
    if not form.is_valid():
        raise services.RiskReviewError(" ".join(e for errors in form.errors.values() for e in errors))
    return form.cleaned_data


@login_required
@require_POST
def risk_review_submit(request, strategy, reference, period):
    return _decide(request, strategy, reference, period, step=steps.SUBMIT_RISK_REVIEW,
                   take=lambda review: services.submit_review(review=review, by=request.user,
                                                              version=_version(request)["version"]) and None,
                   done="The review of {reference} for {period} has been submitted for approval.")


@login_required
@require_POST
def risk_review_approve(request, strategy, reference, period):
    return _decide(request, strategy, reference, period, step=steps.APPROVE_RISK_REVIEW,
                   take=lambda review: services.approve_review(review=review, by=request.user,
                                                               version=_version(request)["version"]) and None,
                   done="The review of {reference} for {period} is approved.")


@login_required
@require_POST
def risk_review_send_back(request, strategy, reference, period):
    """Send a submitted review back to its owner, with the reason (on the review page)."""
    def take(review):
        form = SendBackForm(request.POST)
        if not form.is_valid():
            risk, found_period = review.risk, review.period
            return _page(request, risk, found_period, review, send_back_form=form, status=400)
        services.send_back_review(review=review, by=request.user, reason=form.cleaned_data["reason"],
                                  version=form.cleaned_data["version"])
        return None

    return _decide(request, strategy, reference, period, step=steps.SEND_BACK_RISK_REVIEW, take=take,
                   done="The review of {reference} for {period} has been sent back to its owner with your reason.")
