"""Recording a KPI's change of process: the coordinating team's page, reached from the KPI page."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kpis.models import KPI
from reporting.access import KPIS
from reporting.steps import RECORD_CHANGE_OF_PROCESS
from reporting.variation import selectors, services
from reporting.variation.forms import ChangeOfProcessForm


def _kpi_or_404(user, code):
    kpi = KPI.objects.select_related("sub_strand__objective__strategy").filter(code=code).first()
    if kpi is None:
        raise Http404("No such KPI")
    KPIS.require(user, kpi)
    return kpi


@login_required
@require_http_methods(["GET", "POST"])
def change_of_process(request, code):
    """Record a change of process from a period of the KPI's figures, with its reason."""
    kpi = _kpi_or_404(request.user, code)
    RECORD_CHANGE_OF_PROCESS.guard(request.user, kpi)  # who: a 403 saying why
    changes = selectors.changes_of(kpi)
    form = ChangeOfProcessForm(request.POST if request.method == "POST" else None, kpi=kpi,
                               periods=selectors.series_periods(kpi), recorded=[c.period for c in changes])
    errors_extra = []
    if request.method == "POST" and form.is_valid():
        try:
            change = services.record_change_of_process(kpi=kpi, period=form.chosen_period,
                                                       reason=form.cleaned_data["reason"], by=request.user)
        except services.ChangeError as exc:
            errors_extra = [("main-content", str(exc))]
        else:
            messages.success(request, f"Change of process recorded: {kpi.code}'s limits are recalculated from "
                                      f"{change.period.label}.")
            return redirect(f"{kpi.get_absolute_url()}#variation")
    return render(request, "reporting/variation/change_of_process.html", {
        "kpi": kpi, "form": form, "changes": changes, "errors_extra": errors_extra,
    })


@login_required
@require_POST
def remove_change_of_process(request, code, pk):
    kpi = _kpi_or_404(request.user, code)
    try:
        change = services.remove_change_of_process(kpi=kpi, change_id=pk, by=request.user)
    except services.ChangeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The change of process from {change.period.label} is removed: {kpi.code}'s "
                                  "limits are worked out without it.")
    return redirect("kpi-change-of-process", code=kpi.code)
