"""The public pages: the published dashboard, each issued briefing, sub-strand and KPI pages, and
the open data, for anyone without signing in. They show what reporting.access lets the public see
(`PUBLIC`: published data only), through the same selectors and templates as the signed-in pages.

Each page is built for the public whoever asks, without the signed-in header, messages or sign-out
token, so that one copy serves everyone and shared caches may keep it (reporting/public/caching.py).
"""
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_tables2 import RequestConfig

from objectives.council import council, council_name, main_strategy, terms
from objectives.models import ReportingPeriod
from objectives.strategies import all_strategies, asked_strategy
from reporting import readers_cache
from reporting.access import BRIEFINGS, PUBLIC
from reporting.briefings.contents import briefing_for
from reporting.briefings.selectors import briefing_heading
from reporting.briefings.views import briefing_content
from reporting.dashboard.pages import page_kpi, page_sub_strand
from reporting.dashboard.selectors import dashboard as dashboard_data
from reporting.dashboard.views import KPI_TABLE_PER_PAGE, kpi_content, sub_strand_content
from reporting.public import opendata
from reporting.public.caching import public_resource
from reporting.public.tables import PublicKPITable

BASE = "reporting/public/base.html"


def _page(request, template, context):
    """A public page: the same for everyone who asks, so rendered without the request's user."""
    return HttpResponse(render_to_string(template, {
        "public": True, "base": BASE, "council": council(), "terms": terms(), "request": request, **context,
    }))


def _published_periods(strategy):
    return list(ReportingPeriod.objects.filter(state=ReportingPeriod.State.PUBLISHED, strategy=strategy).order_by("-end_date"))


def _strategy_of(request, period_slug):
    """The strategy a public dashboard is about: its period's, else the one asked for
    (?strategy=…: public pages keep no session), else the first."""
    if period_slug:
        period = ReportingPeriod.objects.filter(slug=period_slug).select_related("strategy").first()
        return period.strategy if period else None
    return asked_strategy(request) or main_strategy()


@public_resource(daily=True)
def dashboard(request, period_slug=None):
    """The published dashboard of a strategy: the four periods to its latest published one (or to
    `period_slug`)."""
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = _strategy_of(request, period_slug)
    periods = _published_periods(strategy) if strategy else []
    period = next((p for p in periods if p.slug == period_slug), None) if period_slug else (periods[0] if periods else None)
    if period_slug and period is None:
        raise Http404("No published period")
    context = {"periods": periods, "period": period, "strategy": strategy}

    def build():
        content = {**context, "strategies": all_strategies()}
        if period is not None:
            data = dashboard_data(user=PUBLIC, strategy=strategy, params={"period": period.slug})
            table = PublicKPITable(data.kpi_figures, verdicts=data.verdicts, caption=f"KPIs off target or overdue, as at {period.label}")
            RequestConfig(request, paginate={"per_page": KPI_TABLE_PER_PAGE}).configure(table)
            content.update(data=data, table=table)
        html = render_to_string("reporting/public/_dashboard_content.html", {
            "public": True, "council": council(), "terms": terms(), "request": request, **content,
        })
        return {"html": mark_safe(html), "synthetic": bool(period is not None and content["data"].synthetic)}

    kept = readers_cache.kept(request, "public dashboard", strategy.pk if strategy else None, period.pk if period else None,
                              sorted(request.GET.lists()), timezone.localdate(), user=PUBLIC, build=build)
    return _page(request, "reporting/public/dashboard.html",
                 {**context, "content": kept["html"], "synthetic_banner": kept["synthetic"]})


@public_resource()
def briefing(request, period_slug):
    """An issued briefing note, as the Cabinet Member reads it, with what the public may see."""
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    period = ReportingPeriod.objects.filter(slug=period_slug).first()
    note = briefing_for(period) if period else None
    if note is None or not BRIEFINGS.test(PUBLIC, note):
        raise Http404("No issued briefing")
    kept = briefing_content(request, period=period, user=PUBLIC, briefing=note, public=True,
                            extra={"council": council(), "terms": terms(), "base": BASE})
    return _page(request, "reporting/briefings/briefing.html", {
        "b": briefing_heading(period=period, user=PUBLIC, briefing=note), "period": period,
        "content": kept["html"], "synthetic_banner": kept["synthetic"],
    })


@public_resource()
def sub_strand(request, slug):
    """A sub-strand's published status, commentary, KPIs and history: its content built once for the
    public (reporting.readers_cache) until something is published or corrected, and each day."""
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    sub = page_sub_strand(user=PUBLIC, slug=slug)
    if sub is None:
        raise Http404("No such sub-strand")
    kept = sub_strand_content(request, user=PUBLIC, sub=sub, public=True)
    return _page(request, "reporting/dashboard/sub_strand.html",
                 {"sub": sub, "content": mark_safe(kept["html"]), "synthetic_banner": kept["synthetic"]})


@public_resource()
def kpi(request, code):
    """A KPI's published figures: its content built once for the public (reporting.readers_cache)
    until something is published or corrected, and each day."""
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    found = page_kpi(user=PUBLIC, code=code)
    if found is None:
        raise Http404("No such KPI")
    content = kpi_content(request, user=PUBLIC, kpi=found, public=True)
    return _page(request, "reporting/dashboard/kpi.html", {
        "content": content, "title": content["title"], "kpi_code": found.code, "synthetic_banner": content["synthetic"],
    })


@public_resource()
def data(request):
    """The open data: what each file holds, field by field (the data dictionary), and the licence."""
    return _page(request, "reporting/public/data.html", {"datasets": opendata.dictionary(), "licence": opendata.LICENCE})


@public_resource()
def data_package(request):
    """The data dictionary, machine-readable (a Frictionless Tabular Data Package)."""
    return _file(opendata.as_json_text(opendata.data_package(council_name())), "json", "datapackage.json")


def data_file(request, dataset, fmt):
    """Every published figure or status, as CSV or JSON; the KPIs file's validators change each day too
    (its freshness does: opendata.DAILY)."""
    return (_daily_data_file if dataset in opendata.DAILY else _data_file_view)(request, dataset, fmt)


def _data_file(request, dataset, fmt):
    if dataset not in opendata.DATASETS or fmt not in opendata.FORMATS:
        raise Http404("No such file")
    rows = opendata.ROWS[dataset]()
    writer = opendata.as_csv if fmt == "csv" else opendata.as_json
    return _file(writer(opendata.DATASETS[dataset], rows), fmt, f"{dataset}.{fmt}")


_data_file_view = public_resource()(_data_file)
_daily_data_file = public_resource(daily=True)(_data_file)


def _file(text, fmt, filename):
    response = HttpResponse(text, content_type=opendata.FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Link"] = f'<{opendata.LICENCE["path"]}>; rel="license"'
    return response
