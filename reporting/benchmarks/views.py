"""The benchmark import's pages: the KPIs' benchmarks, the upload, its preview and the confirmation
(reporting/benchmarks/services.py). The coordinating team's (reporting.access: import_benchmarks)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kpis.models import KPI
from reporting.access import KPIS, require
from reporting.benchmarks.forms import BenchmarkImportForm, ConfirmBenchmarkForm
from reporting.benchmarks.selectors import benchmark_page
from reporting.benchmarks.services import apply_benchmark, preview_benchmark, unsign_benchmark
from reporting.workbooks.safety import ImportRefused

PAGE, PREVIEW = "reporting/benchmarks/import.html", "reporting/benchmarks/preview.html"


def _kpis(user):
    return KPIS.filter(user, KPI.objects.filter(is_active=True).exclude(kind=KPI.Kind.MILESTONE))


@login_required
@require_GET
def benchmarks(request):
    """Each KPI's benchmark: where it is from, its licence, date and latest comparison, a page of KPIs
    at a time (reporting.benchmarks.selectors.BENCHMARKS_PER_PAGE)."""
    require(request.user, "import_benchmarks")
    page = benchmark_page(kpis=_kpis(request.user), number=request.GET.get("page"))
    return render(request, "reporting/benchmarks/index.html", {"page": page, "rows": page.object_list})


@login_required
@require_http_methods(["GET", "POST"])
def import_benchmark(request):
    """Upload a benchmark CSV for a KPI; see what it holds before anything is saved."""
    require(request.user, "import_benchmarks")
    kpis = _kpis(request.user)
    if request.method == "GET":
        return render(request, PAGE, {"form": BenchmarkImportForm(kpis=kpis, initial={"kpi": request.GET.get("kpi")})})
    form = BenchmarkImportForm(request.POST, request.FILES, kpis=kpis)
    if not form.is_valid():
        return render(request, PAGE, {"form": form})
    try:
        preview = preview_benchmark(
            kpi=form.cleaned_data["kpi"], content=form.content(), source=form.cleaned_data["source"],
            licence=form.cleaned_data["licence"], published_on=form.cleaned_data["published_on"],
            group=form.cleaned_data["group"], columns=form.columns())
    except ImportRefused as exc:
        return render(request, PAGE, {"form": form.with_problems(exc.messages)})
    return render(request, PREVIEW, {"preview": preview, "filename": form.cleaned_data["file"].name,
                                     "confirm_form": ConfirmBenchmarkForm(initial={"plan": preview.token(request.user)})})


@login_required
@require_POST
def import_benchmark_confirm(request):
    """Save a previewed benchmark in one transaction: all of it, or nothing."""
    require(request.user, "import_benchmarks")
    form = ConfirmBenchmarkForm(request.POST)
    try:
        if not form.is_valid():
            raise ImportRefused([form.errors["plan"][0]])
        benchmark = apply_benchmark(plan=unsign_benchmark(form.cleaned_data["plan"], request.user), user=request.user)
    except ImportRefused as exc:
        blank = BenchmarkImportForm(data={}, files={}, kpis=_kpis(request.user))
        blank.full_clean()
        blank.errors.clear()  # the empty form's own "required" messages: only the refusal is said
        return render(request, PAGE, {"form": blank.with_problems(exc.messages)})
    count = benchmark.figures.count()
    messages.success(request, f"The benchmark for {benchmark.kpi.code} was saved: {count:,} figures from "
                              f"{benchmark.source}.")
    return redirect("kpi", benchmark.kpi.code)
