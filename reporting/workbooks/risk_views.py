"""The risk register in Excel: download it, upload it filled in, see what it would add and change,
confirm (reporting/workbooks/risk_register.py). The coordinating team's (the `manage_risks` rule)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from objectives.models import Strategy
from reporting.access import require
from reporting.documents.responses import download
from reporting.workbooks.risk_register import (
    apply_register, preview_register, register_filename, register_workbook_bytes, unsign_register,
)
from reporting.workbooks.cells import XLSX_CONTENT_TYPE
from reporting.workbooks.forms import ConfirmImportForm, RiskRegisterWorkbookForm
from reporting.workbooks.safety import ImportRefused

PAGE, PREVIEW = "reporting/workbooks/risk_import.html", "reporting/workbooks/risk_import_preview.html"


def _strategy(user, slug):
    """The strategy, to the coordinating team only."""
    require(user, "manage_risks")
    strategy = Strategy.objects.filter(slug=slug).first()
    if strategy is None:
        raise Http404("There is no such strategy.")
    return strategy


@login_required
@require_GET
def register_xlsx(request, strategy):
    """The strategy's risk register as it is now, as a workbook to change and import again."""
    strategy = _strategy(request.user, strategy)
    return download(register_workbook_bytes(strategy), XLSX_CONTENT_TYPE, register_filename(strategy))


def _page(request, strategy, form):
    return render(request, PAGE, {"strategy": strategy, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_register(request, strategy):
    """Upload a filled-in risk register; show what it would add and change before anything is saved."""
    strategy = _strategy(request.user, strategy)
    if request.method == "GET":
        return _page(request, strategy, RiskRegisterWorkbookForm())
    form = RiskRegisterWorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, strategy, form)
    try:
        preview = preview_register(strategy=strategy, user=request.user, content=form.content(),
                                   filename=form.cleaned_data["workbook"].name)
    except ImportRefused as exc:
        return _page(request, strategy, RiskRegisterWorkbookForm.with_problems(exc.messages, form))
    return render(request, PREVIEW, {"strategy": strategy, "preview": preview,
                                     "filename": form.cleaned_data["workbook"].name,
                                     "confirm_form": ConfirmImportForm(initial={"plan": preview.token(request.user)})})


@login_required
@require_POST
def import_register_confirm(request, strategy):
    """Save a previewed risk register in one transaction: all of it, or nothing."""
    strategy = _strategy(request.user, strategy)
    form = ConfirmImportForm(request.POST)
    try:
        if not form.is_valid():
            raise ImportRefused([form.errors["plan"][0]])
        result = apply_register(strategy=strategy, user=request.user,
                                plan=unsign_register(form.cleaned_data["plan"], request.user))
    except ImportRefused as exc:
        return _page(request, strategy, RiskRegisterWorkbookForm.with_problems(exc.messages))
    messages.success(request, f"The risk register was saved: {result.added:,} "
                              f"{'risk' if result.added == 1 else 'risks'} added, {result.changed:,} changed.")
    return redirect("risk-register-import", strategy.slug)
