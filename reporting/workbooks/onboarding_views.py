"""The onboarding workbook's pages: download the strategy in Excel, upload it filled in, see what it
would make and change, confirm (reporting/workbooks/onboarding.py). The administrator's."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from objectives.strategies import chosen_strategy
from reporting.access import require
from reporting.documents.responses import download
from reporting.workbooks.cells import XLSX_CONTENT_TYPE
from reporting.workbooks.forms import ConfirmImportForm, OnboardingWorkbookForm

from reporting.workbooks.onboarding import apply_onboarding, onboarding_workbook_bytes, preview_onboarding, unsign_onboarding
from reporting.workbooks.safety import ImportRefused

PAGE, PREVIEW = "reporting/workbooks/onboarding.html", "reporting/workbooks/onboarding_preview.html"


@login_required
@require_GET
def onboarding_xlsx(request):
    """The strategy as it is now, in the onboarding workbook."""
    require(request.user, "onboard_strategy")
    strategy = chosen_strategy(request)
    return download(onboarding_workbook_bytes(strategy), XLSX_CONTENT_TYPE,
                    f"{strategy.slug if strategy else 'strategy'}-onboarding.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    """Upload a filled-in onboarding workbook; show what it would make and change before anything is saved."""
    require(request.user, "onboard_strategy")
    if request.method == "GET":
        return render(request, PAGE, {"form": OnboardingWorkbookForm()})
    form = OnboardingWorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, PAGE, {"form": form})
    try:
        preview = preview_onboarding(content=form.content(), filename=form.cleaned_data["workbook"].name)
    except ImportRefused as exc:
        return render(request, PAGE, {"form": OnboardingWorkbookForm.with_problems(exc.messages, form)})
    return render(request, PREVIEW, {"preview": preview, "filename": form.cleaned_data["workbook"].name,
                                     "confirm_form": ConfirmImportForm(initial={"plan": preview.token(request.user)})})


@login_required
@require_POST
def onboarding_confirm(request):
    """Save a previewed onboarding workbook in one transaction: all of it, or nothing."""
    require(request.user, "onboard_strategy")
    form = ConfirmImportForm(request.POST)
    try:
        if not form.is_valid():
            raise ImportRefused([form.errors["plan"][0]])
        counts = apply_onboarding(unsign_onboarding(form.cleaned_data["plan"], request.user))
    except ImportRefused as exc:
        return render(request, PAGE, {"form": OnboardingWorkbookForm.with_problems(exc.messages)})
    made = sum(n for key, n in counts.items() if key.endswith("created"))
    changed = sum(n for key, n in counts.items() if key.endswith("updated"))
    messages.success(request, f"The onboarding workbook was saved: {made:,} created, {changed:,} checked and updated.")
    return redirect("onboarding")
