"""The risk register's reading pages: the register (filters, sort, pages, CSV), a risk's page and the
heat map. Each asks reporting.risk_register.pages, which asks the access rules and the scoring rules."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django_tables2 import RequestConfig

from objectives.strategies import chosen_strategy
from reporting import readers_cache
from reporting.access import RISKS, STRATEGIES, require, sees_drafts
from reporting.dashboard.tables import csv_response
from reporting.risk_rows import risk_rows, the_matrix
from reporting.risk_register.pages import heat_map_page, periods_of, risk_page
from reporting.risk_register.tables import RiskFilter, RiskTable
from reporting.risks.selectors import risk_at, visible_risks

PER_PAGE = 25


@login_required
def register(request):
    """The strategy's risks the person may see, filtered, sortable, paged; ?_export=csv: the filtered rows."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = chosen_strategy(request)

    def register_table():
        matrix = the_matrix()
        risks = visible_risks(request.user, strategy)
        filterset = RiskFilter(request.GET, user=request.user, strategy=strategy, matrix=matrix, queryset=risks)
        period = filterset.chosen.get("period")
        rows = [row for row in risk_rows(user=request.user, strategy=strategy, period=period, risks=filterset.qs,
                                         matrix=matrix) if filterset.keep(row)]
        caption = f"{len(rows)} risk{'' if len(rows) == 1 else 's'}{f' as at {period.label}' if period else ''}"
        return RiskTable(rows, matrix=matrix, caption=caption), filterset, matrix, period

    if request.GET.get("_export") == "csv":
        table, _, _, period = register_table()
        RequestConfig(request, paginate=False).configure(table)
        return csv_response(table, f"risk-register-{strategy.slug if strategy else 'none'}"
                                   f"{'-' + period.slug if period else ''}.csv")

    def build():
        table, filterset, matrix, period = register_table()
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        context = {"table": table, "filter": filterset, "form": filterset.form, "matrix": matrix, "period": period,
                   "strategy": strategy, "sees_drafts": sees_drafts(request.user)}
        return {"top": render_to_string("reporting/risks/_register_top.html", context, request=request),
                "rest": render_to_string("reporting/risks/_register_rest.html", context, request=request),
                "period_label": period.label if period else "", "has_errors": bool(filterset.form.errors)}

    kept = readers_cache.kept(request, "risk register", strategy.pk if strategy else None, sorted(request.GET.lists()),
                              build=build)
    return render(request, "reporting/risks/register.html", {
        "top": mark_safe(kept["top"]), "rest": mark_safe(kept["rest"]), "strategy": strategy,
        "period_label": kept["period_label"], "blocks": {"has_errors": kept["has_errors"]},
    })


@login_required
def risk_detail(request, strategy, reference):
    """A risk: its if … then …, owner, scores (inherent, current, target) and their history, controls,
    actions, linked KPIs and the latest review's commentary."""
    require(request.user, "view_dashboard")
    risk = risk_at(str(strategy)[:80], str(reference)[:20])
    if risk is None:
        raise Http404("There is no risk at this address.")
    STRATEGIES.require(request.user, risk.strategy)
    if not RISKS.test(request.user, risk):
        raise PermissionDenied("This risk has no approved review yet, so it is not available to you.")
    page = risk_page(user=request.user, risk=risk)
    return render(request, "reporting/risks/risk.html", {"page": page})


@login_required
def heat_map(request):
    """The matrix with the number of risks in each cell, this period beside the last, and a table of
    the same: built from the data once for everyone who may see the same (reporting.readers_cache),
    for each period asked for."""
    require(request.user, "view_dashboard")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    strategy = chosen_strategy(request)
    asked = str(request.GET.get("period") or "")[:80]

    def build():
        periods = periods_of(request.user, strategy) if strategy else []
        period = next((p for p in periods if p.slug == asked), None)
        error = "Choose a period from the list" if asked and period is None else ""
        page = heat_map_page(user=request.user, strategy=strategy, period=period)
        html = render_to_string("reporting/risks/_heat_map_content.html", {
            "page": page, "error": error, "strategy": strategy, "error_list": [("id_period", error)] if error else []})
        return {"html": html, "period_label": page.period.label if page.period else ""}

    kept = readers_cache.kept(request, "risk heat map", strategy.pk if strategy else None, asked, build=build)
    return render(request, "reporting/risks/heat_map.html", {"content": mark_safe(kept["html"]),
                                                             "period_label": kept["period_label"]})
