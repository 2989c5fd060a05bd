"""The coordinating team's pages for the register itself: raise a risk, change its entry, and add,
change or remove its actions. Each asks the MANAGE_RISK step (reporting.steps: the `manage_risks`
rule) and calls one service of reporting.risks.services; bad input is answered beside its field with
nothing written; a stale edit keeps what the person typed and says who changed the risk meanwhile."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from objectives.council import council
from objectives.models import Strategy
from reporting import steps
from reporting.access import STRATEGIES
from reporting.models import RiskAction, RiskMatrix
from reporting.risks import selectors, services
from reporting.risks.entry_forms import RiskActionForm, RiskEntryForm

STALE_STATUS = 409
INITIAL_FIELDS = ("title", "cause", "effect", "owner", "owner_title", "category", "objective", "sub_strand",
                  "inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact", "controls",
                  "next_review_date", "exempt", "version")


def _may_manage(user, risk=None):
    """PermissionDenied (saying why) unless the person may raise or change a risk (the step's rule)."""
    refused = steps.MANAGE_RISK.refusal(user, risk)
    if refused is not None:
        raise PermissionDenied(refused.reason)


def _strategy(slug, user):
    strategy = Strategy.objects.filter(slug=slug).first()
    if strategy is None:
        raise Http404("There is no strategy at this address.")
    STRATEGIES.require(user, strategy)
    return strategy


def _risk(strategy_slug, reference, user):
    risk = selectors.risk_at(strategy_slug, reference)
    if risk is None:
        raise Http404("There is no risk at this address.")
    STRATEGIES.require(user, risk.strategy)
    _may_manage(user, risk)
    return risk


def _matrix():
    return RiskMatrix.for_council(council())


def _refused(form, error):
    """A ValidationError from a service put beside its field (else in the summary), as the form's."""
    for name, problems in getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _entry_page(request, *, strategy, form, risk=None, status=200):
    context = {"strategy": strategy, "form": form, "risk": risk, "matrix": _matrix(),
               "actions": selectors.actions_of(risk) if risk is not None else []}
    return render(request, "reporting/risks/entry.html", context, status=status)


@login_required
def risk_raise(request, strategy):
    """Raise a risk in the strategy's register."""
    strategy = _strategy(strategy, request.user)
    _may_manage(request.user)
    matrix = _matrix()
    if request.method != "POST":
        return _entry_page(request, strategy=strategy,
                           form=RiskEntryForm(strategy=strategy, matrix=matrix, raising=True))
    form = RiskEntryForm(request.POST, strategy=strategy, matrix=matrix, raising=True)
    if not form.is_valid():
        return _entry_page(request, strategy=strategy, form=form, status=400)
    try:
        risk = services.raise_risk(strategy=strategy, by=request.user, **form.risk_data())
    except ValidationError as error:
        _refused(form, error)
        return _entry_page(request, strategy=strategy, form=form, status=400)
    messages.success(request, f"{risk.reference} has been raised. Add its actions below.")
    return redirect("risk-edit", strategy.slug, risk.reference)


@login_required
def risk_edit(request, strategy, reference):
    """Change a risk's register entry; its actions listed below, each to change or remove."""
    risk = _risk(strategy, reference, request.user)
    matrix = risk.matrix
    if request.method != "POST":
        initial = {name: getattr(risk, name) for name in INITIAL_FIELDS}
        initial["kpis"] = list(risk.kpis.values_list("pk", flat=True))
        return _entry_page(request, strategy=risk.strategy, risk=risk,
                           form=RiskEntryForm(strategy=risk.strategy, matrix=matrix, initial=initial))
    form = RiskEntryForm(request.POST, strategy=risk.strategy, matrix=matrix)
    if not form.is_valid():
        return _entry_page(request, strategy=risk.strategy, risk=risk, form=form, status=400)
    try:
        saved = services.update_risk(risk=risk, by=request.user, version=form.cleaned_data["version"],
                                     **form.risk_data())
    except services.StaleRiskError as exc:
        posted = request.POST.copy()
        posted["version"] = str(exc.current.version)  # saving again now replaces their change, knowingly
        form = RiskEntryForm(posted, strategy=risk.strategy, matrix=matrix)
        form.is_valid()
        form.add_error(None, str(exc))
        return _entry_page(request, strategy=risk.strategy, risk=exc.current, form=form, status=STALE_STATUS)
    except ValidationError as error:
        _refused(form, error)
        return _entry_page(request, strategy=risk.strategy, risk=risk, form=form, status=400)
    messages.success(request, f"Your changes to {saved.reference} have been saved.")
    return redirect("risk-edit", risk.strategy.slug, saved.reference)


def _action_page(request, *, risk, form, action=None, status=200):
    return render(request, "reporting/risks/action.html", {"risk": risk, "form": form, "action": action},
                  status=status)


def _action_of(risk, pk):
    action = RiskAction.objects.filter(risk=risk, pk=pk).first()
    if action is None:
        raise Http404("This action is not one of the risk's: it may have been removed.")
    return action


def _save_action(request, risk, action=None):
    form = RiskActionForm(request.POST)
    if not form.is_valid():
        return _action_page(request, risk=risk, form=form, action=action, status=400)
    try:
        if action is None:
            services.add_action(risk=risk, by=request.user, **form.cleaned_data)
            done = "The action has been added."
        else:
            services.update_action(action=action, by=request.user, **form.cleaned_data)
            done = "The action has been changed."
    except RiskAction.DoesNotExist:
        form.add_error(None, "This action has been removed since you opened the page, so it has not been changed.")
        return _action_page(request, risk=risk, form=form, action=action, status=STALE_STATUS)
    except ValidationError as error:
        _refused(form, error)
        return _action_page(request, risk=risk, form=form, action=action, status=400)
    messages.success(request, done)
    return redirect("risk-edit", risk.strategy.slug, risk.reference)


@login_required
def risk_action_add(request, strategy, reference):
    risk = _risk(strategy, reference, request.user)
    if request.method != "POST":
        return _action_page(request, risk=risk, form=RiskActionForm())
    return _save_action(request, risk)


@login_required
def risk_action_edit(request, strategy, reference, action):
    risk = _risk(strategy, reference, request.user)
    action = _action_of(risk, action)
    if request.method != "POST":
        return _action_page(request, risk=risk, action=action, form=RiskActionForm(initial={
            "description": action.description, "owner": action.owner, "due_date": action.due_date,
            "status": action.status}))
    return _save_action(request, risk, action)


@login_required
def risk_action_remove(request, strategy, reference, action):
    """Ask first (GET), then remove (POST)."""
    risk = _risk(strategy, reference, request.user)
    action = _action_of(risk, action)
    if request.method != "POST":
        return render(request, "reporting/risks/action_remove.html", {"risk": risk, "action": action})
    services.remove_action(action=action, by=request.user)
    messages.success(request, "The action has been removed.")
    return redirect("risk-edit", risk.strategy.slug, risk.reference)
