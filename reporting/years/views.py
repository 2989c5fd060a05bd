"""Setting up a financial year from the calendar: its quarters (dates copied from the year before,
to adjust) and the KPIs' targets. The Economy Cell's pages."""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from kpis.formatting import format_kpi_value
from objectives import cadence as cadences
from objectives import governance
from objectives.models import financial_year_label
from objectives.strategies import chosen_strategy
from reporting import readers_cache
from reporting.access import can, require
from reporting.steps import CHOOSE_PRIMARY_TARGET
from reporting.years import selectors, services
from reporting.years.forms import SetUpYearForm, TargetsForm
from reporting.years.markup import target_fieldsets


SHOWN_ROW = re.compile(r"^target-(\d{1,18})-version$")


def _year_or_404(year):
    if not 2000 <= year <= 2100:
        raise Http404("There is no such financial year.")
    return year


def _calendar(year):
    return f"{reverse('period-calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def set_up_year(request, year):
    """Set up a strategy's periods of a year that do not exist yet, with the year before's dates a year on."""
    require(request.user, "set_up_year")
    year, label = _year_or_404(year), financial_year_label(year)
    strategy = chosen_strategy(request)
    if strategy is None:  # nothing to set up a year of: the strategy comes first
        messages.info(request, "There is no strategy yet: an administrator loads it first, from a strategy file "
                               "or the onboarding workbook. Then its years can be set up here.")
        return redirect(_calendar(year))
    periods = selectors.proposed_year(year, strategy)
    form = SetUpYearForm(request.POST if request.method == "POST" else None, periods=periods,
                         deadline_label=governance.deadline_heading(strategy))
    errors_extra = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.set_up_year(financial_year=year, strategy=strategy, by=request.user, dates=form.dates())
        except services.YearError as exc:
            errors_extra = [("main-content", str(exc))]
        else:
            one, many = cadences.WORDS[strategy.cadence]
            messages.success(request, f"{label} is set up: {len(created)} {one if len(created) == 1 else many}, with the "
                                      f"KPIs' targets carried forward. Check the targets, then open {created[0].label} when it starts.")
            return redirect("year-targets", year=year)
    return render(request, "reporting/years/set_up.html", {
        "year": year, "year_label": label, "previous_label": financial_year_label(year - 1), "form": form,
        "periods": form.bound_periods(), "existing": [p for p in periods if p.existing], "errors_extra": errors_extra,
        "strategy": strategy, "period_words": cadences.WORDS[strategy.cadence],
    })


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, year):
    """Each KPI's target for the year, beside last year's: those changed saved at once, or none. The
    page is of the strategy it was opened for (its form says which), whatever is chosen since.

    For a GET, the page's fields drawn from the targets (50 KPIs a page) are built once for everyone of
    the same audience (reporting.readers_cache), for each year, strategy, page and day; the form's tag
    and CSRF token are drawn for each request. A form posted back (with its errors, or refused) is
    built for that request alone."""
    require(request.user, "set_targets")
    year, label = _year_or_404(year), financial_year_label(year)
    if request.method != "POST":
        readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
        strategy = chosen_strategy(request)

        def build():
            page = selectors.target_page(year, strategy, request.GET.get("page"))
            form = TargetsForm(None, rows=page.object_list, strategy=strategy, year=year)
            return _targets_content(request.user, form, page, year)

        content = readers_cache.kept(request, "targets", year, strategy.pk if strategy else None,
                                     sorted(request.GET.lists()), can(request.user, CHOOSE_PRIMARY_TARGET.rule),
                                     timezone.localdate(), build=build)
        return _targets_page(request, year, strategy, content)
    errors_extra, status = [], 200
    strategy = selectors.strategy_of_form(request.POST.get("strategy"))
    if strategy is None:
        strategy, status = chosen_strategy(request), 400
        errors_extra = [("main-content", "This page did not say which strategy's targets it was opened for, or "
                         "named one that does not exist, so nothing has been saved. The targets below are as "
                         "they are now: make your changes again.")]
    # A page of the KPIs at a time (selectors.TARGETS_PER_PAGE); a save reads the rows the page showed
    # (each carries its version), wherever they are in the list now.
    page = selectors.target_page(year, strategy, request.GET.get("page"))
    rows = page.object_list
    if status == 200:
        rows = selectors.target_rows(year, strategy, kpi_ids=_shown_kpi_ids(request.POST))
    form = TargetsForm(request.POST if status == 200 else None, rows=rows, strategy=strategy, year=year)
    if status == 200 and form.is_valid():
        try:
            changed = services.set_targets(financial_year=year, by=request.user, changes=form.changes())
        except services.StaleTargets as exc:
            form = form.refused_as_stale(exc.stale, selectors.target_rows(year, strategy, kpi_ids=[r.kpi.id for r in rows]))
            errors_extra = [("main-content", str(exc))] if len(exc.stale) > 1 else []
            status = 409
        except services.YearError as exc:
            errors_extra = [("main-content", str(exc))]
        else:
            if changed:
                messages.success(request, f"The targets for {label} have been saved ({changed} changed).")
            else:
                messages.info(request, f"No target for {label} was changed on the page, so there was nothing to save.")
            if page.paginator.num_pages > 1:  # back to the page, to go on to the next
                return redirect(f"{reverse('year-targets', args=[year])}?page={page.number}")
            return redirect(_calendar(year))
    content = _targets_content(request.user, form, page, year)
    return _targets_page(request, year, strategy, content, form=form, errors_extra=errors_extra, status=status)


TARGETS_PARTS = ("shown", "fields", "pages")


def _targets_content(user, form, page, year):
    """The targets page's parts drawn from the data (the paragraph saying which KPIs are shown, the
    form's fields, the pages' links), between which the page draws the form's tag and CSRF token.
    Each row's "Measure the RAG against this target" is the step's offer (reporting.steps), which
    depends on the person only through their roles (in the audience) and the data."""
    for row in form.rows:  # choosing another of a KPI's targets for the RAG, as the step allows it
        if row.others:
            row.choose = CHOOSE_PRIMARY_TARGET.offer(user, selectors.TargetSlot(row.kpi, year, row.this_year))
    label, previous_label = financial_year_label(year), financial_year_label(year - 1)
    data = {"form": form, "page": page if page.paginator.num_pages > 1 else None,
            "rows": target_fieldsets(form.bound_rows(), year=year, year_label=label, previous_label=previous_label)}
    drawn = {part: mark_safe(render_to_string(f"reporting/years/_targets_{part}.html", data)) for part in TARGETS_PARTS}
    return {**drawn, "has_rows": bool(data["rows"])}


def _targets_page(request, year, strategy, content, *, form=None, errors_extra=(), status=200):
    label = financial_year_label(year)
    return render(request, "reporting/years/targets.html", {
        "year": year, "year_label": label, "previous_label": financial_year_label(year - 1), "form": form,
        "content": content, "errors_extra": errors_extra, "calendar_url": _calendar(year), "strategy": strategy,
    }, status=status)


def _shown_kpi_ids(posted):
    """The KPIs whose targets a posted targets page showed: each row carries its version."""
    return [int(match.group(1)) for match in map(SHOWN_ROW.match, posted) if match]


@login_required
@require_http_methods(["POST"])
def choose_primary_target(request, year, pk):
    """"Measure the RAG against this target": one of a KPI's other targets for the year becomes the
    one its RAG uses (the targets page's button, posting the version of the KPI's target it showed)."""
    year, label = _year_or_404(year), financial_year_label(year)
    page = request.POST.get("page", "")
    back = reverse("year-targets", args=[year]) + (f"?page={page}" if page.isdigit() else "")
    kpi_id = request.POST.get("kpi", "")
    opened = request.POST.get(f"target-{kpi_id}-version", "") if kpi_id.isdigit() else ""
    try:
        target = services.choose_primary_target(target_id=pk, financial_year=year, by=request.user, opened=opened)
    except services.YearError as exc:
        messages.warning(request, f"Nothing was changed. {exc}")
        return redirect(back)
    messages.success(request, f"{target.kpi.code}'s RAG for {label} is now measured against its "
                              f"{target.get_kind_display()} target ({format_kpi_value(target.value, target.kpi.unit)}).")
    return redirect(f"{back}#kpi-{target.kpi.code}")
