"""The Cabinet Member's pages: the RAG dashboard, a sub-strand's page and a KPI's page.

Each is served through the page cache (reporting/page_cache.py): built once per audience and
data version, then served from the cache until the data changes."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django_tables2 import RequestConfig

from objectives.permissions import require
from reporting.dashboard.charts import kpi_chart
from reporting.page_cache import render_cached
from reporting.dashboard.selectors import dashboard as dashboard_data
from reporting.dashboard.selectors import kpi_page, sub_strand_page
from reporting.dashboard.tables import KPITable, csv_response

KPI_TABLE_PER_PAGE = 25


@login_required
def dashboard(request):
    """Objectives and sub-strands × the last four quarters, the RAG counts and the KPI table."""
    require(request.user, "view_dashboard")
    if request.GET.get("_export") == "csv":
        data, table = _dashboard_table(request)
        RequestConfig(request, paginate=False).configure(table)
        slug = data.period.slug if data.period else "none"
        return csv_response(table, f"kpis-off-target-or-overdue-{slug}.csv")

    def build():
        data, table = _dashboard_table(request)
        RequestConfig(request, paginate={"per_page": KPI_TABLE_PER_PAGE}).configure(table)
        return {"data": data, "filter": data.filterset, "form": data.filterset.form, "table": table,
                "synthetic_banner": data.synthetic}

    return render_cached(request, "reporting/dashboard/dashboard.html", "dashboard", build)


def _dashboard_table(request):
    data = dashboard_data(user=request.user, params=request.GET)
    period_label = data.period.label if data.period else "no period"
    return data, KPITable(data.kpi_rows, caption=f"KPIs off target or overdue, as at {period_label}")


@login_required
def sub_strand(request, slug):
    """A sub-strand's latest status and commentary, its status history and its KPIs."""
    require(request.user, "view_dashboard")

    def build():
        page = sub_strand_page(user=request.user, slug=slug)
        if page is None:
            raise Http404("No such sub-strand")
        return {"page": page, "synthetic_banner": page.synthetic}

    return render_cached(request, "reporting/dashboard/sub_strand.html", "sub-strand", build, slug)


@login_required
def kpi(request, code):
    """A KPI's figures against target over time: a chart and the same numbers as a table."""
    require(request.user, "view_dashboard")

    def build():
        page = kpi_page(user=request.user, code=code)
        if page is None:
            raise Http404("No such KPI")
        figure = kpi_chart(page)
        return {"page": page, "chart_json": figure.to_json() if figure else None, "synthetic_banner": page.synthetic}

    return render_cached(request, "reporting/dashboard/kpi.html", "kpi", build, code)
