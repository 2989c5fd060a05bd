"""The Cabinet Member's pages: the RAG dashboard, a sub-strand's page and a KPI's page."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_tables2 import RequestConfig

from objectives.council import terms
from objectives.strategies import chosen_strategy
from reporting import readers_cache
from reporting.access import can, require
from reporting.dashboard.charts import benchmark_chart, kpi_chart
from reporting.dashboard.comparison import comparison_section
from reporting.dashboard.pages import kpi_page, page_kpi, page_sub_strand, sub_strand_page
from reporting.steps import RECORD_CHANGE_OF_PROCESS
from reporting.dashboard.selectors import dashboard as dashboard_data
from reporting.dashboard.selectors import stale_figures as stale_figures_data
from reporting.dashboard.tables import KPITable, csv_response

KPI_TABLE_PER_PAGE = 25


@login_required
def dashboard(request):
    """Objectives and sub-strands × the last four quarters, the RAG counts and the KPI table: built
    from the data once for everyone who may see the same (reporting.readers_cache), for each choice
    of filters, sort and page, and each day (a figure becomes overdue)."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = chosen_strategy(request)
    if request.GET.get("_export") == "csv":
        data = dashboard_data(user=request.user, strategy=strategy, params=request.GET)
        table = kpi_table(data)
        RequestConfig(request, paginate=False).configure(table)
        return csv_response(table, f"kpis-off-target-or-overdue-{data.period.slug if data.period else 'none'}.csv")

    def build():
        data = dashboard_data(user=request.user, strategy=strategy, params=request.GET)
        table = kpi_table(data)
        RequestConfig(request, paginate={"per_page": KPI_TABLE_PER_PAGE}).configure(table)
        form = data.filterset.form
        html = render_to_string("reporting/dashboard/_dashboard_content.html", {
            "data": data, "filter": data.filterset, "form": form, "table": table,
            "stale_link": _with_filters(request, reverse("stale-figures")),
        }, request=request)
        return {"html": html, "period_label": data.period.label if data.period else "", "synthetic": data.synthetic,
                "has_errors": bool(form.errors)}

    kept = readers_cache.kept(request, "dashboard", strategy.pk if strategy else None, sorted(request.GET.lists()),
                              timezone.localdate(), build=build)
    return render(request, "reporting/dashboard/dashboard.html", {
        "content": mark_safe(kept["html"]), "period_label": kept["period_label"], "synthetic_banner": kept["synthetic"],
        "blocks": {"has_errors": kept["has_errors"]},
    })


def kpi_table(data):
    which = "Every KPI's latest figure" if data.filterset.table_choices.get("kpis") else "KPIs off target or overdue"
    return KPITable(data.kpi_figures, verdicts=data.verdicts,
                    caption=f"{which}, as at {data.period.label if data.period else 'no period'}")


def _with_filters(request, address):
    """The address with the dashboard's filters (objective, lead service, period, status) carried over."""
    query = request.GET.copy()
    for name in ("_export", "page", "sort"):
        query.pop(name, None)
    return f"{address}?{query.urlencode()}" if query else address


@login_required
def stale_figures(request):
    """The KPIs whose latest figure is older than their cadence and data lag allow, filterable: built
    from the data (every KPI's figures judged, as what needs attention judges them) once for everyone
    who may see the same (reporting.readers_cache), for each choice of filters and each day."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = chosen_strategy(request)

    def build():
        data = stale_figures_data(user=request.user, strategy=strategy, params=request.GET)
        form = data.filterset.form
        html = render_to_string("reporting/dashboard/_stale_content.html", {"data": data, "form": form}, request=request)
        return {"html": html, "period_label": data.period.label if data.period else "", "has_errors": bool(form.errors)}

    kept = readers_cache.kept(request, "stale figures", strategy.pk if strategy else None, sorted(request.GET.lists()),
                              timezone.localdate(), build=build)
    return render(request, "reporting/dashboard/stale.html", {
        "content": mark_safe(kept["html"]), "period_label": kept["period_label"],
        "blocks": {"has_errors": kept["has_errors"]},
    })


@login_required
def sub_strand(request, slug):
    """A sub-strand's latest status and commentary, its status history and its KPIs: built from the
    data once for everyone who may see the same (reporting.readers_cache), each day."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    sub = page_sub_strand(user=request.user, slug=slug)
    if sub is None:
        raise Http404("No such sub-strand")
    kept = sub_strand_content(request, user=request.user, sub=sub)
    return render(request, "reporting/dashboard/sub_strand.html", {
        "sub": sub, "content": mark_safe(kept["html"]), "synthetic_banner": kept["synthetic"],
    })


def sub_strand_content(request, *, user, sub, public=False):
    """A sub-strand page's content (its status, commentary, KPIs and history), rendered for `user`
    (the public, on the public pages) from what they may see, and kept for everyone who may see the
    same (reporting.readers_cache): it depends on nothing of the person but their audience.
    {"html", "synthetic"}. The view reads the data version first."""

    def build():
        page = sub_strand_page(user=user, sub=sub)
        html = render_to_string("reporting/dashboard/_sub_strand_content.html",
                                {"page": page, "public": public, "terms": terms()})
        return {"html": mark_safe(html), "synthetic": page.synthetic}

    return readers_cache.kept(request, "sub-strand", sub.pk, public, timezone.localdate(), user=user, build=build)


@login_required
def kpi(request, code):
    """A KPI's figures against target over time: a chart and the same numbers as a table. Its content
    is built from the data once for everyone who may see the same (reporting.readers_cache), each
    day; the links that depend on the person (recording a change of process, importing benchmarks)
    are drawn for each person outside what is kept."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    found = page_kpi(user=request.user, code=code)
    if found is None:
        raise Http404("No such KPI")
    content = kpi_content(request, user=request.user, kpi=found)
    return render(request, "reporting/dashboard/kpi.html", {
        "content": content, "title": content["title"], "kpi_code": found.code, "synthetic_banner": content["synthetic"],
        "may_import_benchmarks": can(request.user, "import_benchmarks"),
        # recording a change of process: the link, or the reason where it would be (reporting.steps)
        "change_refusal": RECORD_CHANGE_OF_PROCESS.refusal(request.user, found) if content["has_variation"] else None,
    })


KPI_PARTS = ("crumbs", "top", "middle", "targets")


def kpi_content(request, *, user, kpi, public=False):
    """A KPI page's content (its figures, variation, comparison with similar councils and targets),
    rendered for `user` (the public, on the public pages) from what they may see, in the parts
    between which the page draws what depends on the person, and kept for everyone who may see the
    same (reporting.readers_cache). {"crumbs", "top", "middle", "targets" (HTML), "title",
    "has_variation", "has_chart", "synthetic"}. The view reads the data version first."""

    def build():
        page = kpi_page(user=user, kpi=kpi)
        context = {"page": page, "public": public, "chart_figure": kpi_chart(page)}
        if not public:
            context["comparison"] = comparison_section(page.kpi)  # compared with similar councils (kpis.benchmarks)
            context["benchmark_figure"] = benchmark_chart(context["comparison"])
        built = {part: mark_safe(render_to_string(f"reporting/dashboard/_kpi_{part}.html", context)) for part in KPI_PARTS}
        return {**built, "title": f"{page.kpi.code} {page.kpi.title}", "has_variation": page.variation is not None,
                "has_chart": bool(context["chart_figure"] or context.get("benchmark_figure")), "synthetic": page.synthetic}

    return readers_cache.kept(request, "KPI", kpi.pk, public, timezone.localdate(), user=user, build=build)
