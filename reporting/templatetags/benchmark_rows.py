"""The benchmarks list's rows drawn in Python (issue 24): fifty KPIs a page of five cells each, with
two links a row, which template nodes (and a URL reversed for each link) drew in about half of the
page's time. The same markup as the template loop it replaces, every value escaped as ``{{ }}``
escapes it, numbers and dates localised as the template localised them, the result marked safe once."""
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


def _e(value):
    """Escaped as conditional_escape escapes (text already marked safe left as it is)."""
    return str(value) if isinstance(value, SafeData) else escape(str(value), quote=True)


ROW = ('\n    <tr class="govuk-table__row">'
       '\n      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{kpi_url}">{code}</a> {title}</th>'
       '\n      <td class="govuk-table__cell">{source}</td>'
       '\n      <td class="govuk-table__cell">{figures}</td>'
       '\n      <td class="govuk-table__cell">{comparison}</td>'
       '\n      <td class="govuk-table__cell"><a class="govuk-link" href="{import_url}?kpi={quoted}">Import'
       '<span class="govuk-visually-hidden"> benchmark data for {code}</span></a></td>'
       '\n    </tr>\n  ')
CODE = "kpi-code"  # a slug, as every KPI code is (the KPI page's address takes a slug): reversed once a page


def _source(benchmark):
    if not benchmark:
        return "None yet"
    return (f'{_e(benchmark.source)}<br><span class="govuk-body-s">{_e(benchmark.get_licence_display())}, '
            f'{_e(date_format(benchmark.published_on, "j F Y")) if benchmark.published_on else ""}</span>')


def _figures(row):
    if not row.figures:
        return "None"
    span = _e(row.first_period) + (f" to {_e(row.last_period)}" if row.last_period != row.first_period else "")
    return f"{_e(localize(row.figures))} ({span})"


def _comparison(row):
    if row.comparison:
        return f"{_e(row.comparison.period)}: {_e(row.comparison.words)}"
    return "No comparison: see the KPI's page" if row.benchmark else "None"


@register.simple_tag
def benchmark_rows(rows):
    """A table row for each KPI of the benchmarks list (reporting.benchmarks.selectors.BenchmarkRow):
    the KPI (a link to its page), its benchmark's source, licence and date, its figures' count and
    span, where the council stands, and a link to import its benchmark."""
    kpi_url, import_url = reverse("kpi", args=[CODE]), _e(reverse("import-benchmark"))
    return mark_safe("".join(
        ROW.format(kpi_url=_e(kpi_url.replace(CODE, quote(row.kpi.code))), code=_e(row.kpi.code), title=_e(row.kpi.title),
                   source=_source(row.benchmark), figures=_figures(row), comparison=_comparison(row),
                   import_url=import_url, quoted=_e(quote(row.kpi.code, safe="/")))
        for row in rows))
