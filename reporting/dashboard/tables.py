"""django-tables2 tables in GOV.UK markup (templates/reporting/tables/govuk_table.html), and their CSV download."""
import csv

import django_tables2 as tables
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from kpis.figures import data_lag_words, judged_target, primary_targets, target_text, target_year
from kpis.rag import rag_label
from reporting.dashboard.selectors import figure_text, listed_because
from reporting.cell_safety import csv_cell
from reporting.templatetags.mdc import icon_html
from reporting.templatetags.ses import figure_rag, rag_tag
from reporting.variation.verdicts import assurance_verdict, variation_verdict, year_end_words
from objectives.council import word

TEMPLATE = "reporting/tables/govuk_table.html"


class GovukTable(tables.Table):
    caption = ""

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "govuk-table app-table", "thead": {"class": "govuk-table__head"}, "tbody": {"class": "govuk-table__body"}}
        row_attrs = {"class": "govuk-table__row"}

    def __init__(self, *args, caption=None, **kwargs):
        super().__init__(*args, **kwargs)
        if caption is not None:
            self.caption = caption


class RagColumn(tables.Column):
    """A figure's RAG as a word and a colour (the figure_rag template tag); in the CSV, the words. A
    figure not yet approved is labelled so; an officer's override says so, with its reason; a
    contextual KPI's figure says it is not rated."""

    empty_values = ()

    def render(self, value, record):
        return figure_rag(record, record.kpi.no_rating_words, draft=not record.is_frozen)

    def value(self, value, record):
        override = record.override
        label = override.words if override else rag_label(value, kind=record.kpi.kind)
        return label if record.is_frozen else f"{label} (draft, not yet approved)"


class VerdictColumn(tables.Column):
    """A Making Data Count verdict (reporting.variation.verdicts, set on each row by `describe`): its
    icon beside its words on the page (reporting/templatetags/mdc.py); in the CSV, the words."""

    empty_values = ()

    def __init__(self, *args, which, **kwargs):
        super().__init__(*args, **kwargs)
        self.which = which

    def render(self, value, record):
        return icon_html(getattr(record, self.which), short=True)

    def value(self, value, record):
        return getattr(record, self.which).words


class YearEndColumn(tables.Column):
    """The status forecast at the year's end (kpis.outlook, set on each row by `describe`) as a word and
    a colour, and whose forecast it is; in the CSV, in words."""

    empty_values = ()

    def render(self, value, record):
        outlook = record.outlook
        if outlook is None or outlook.forecast is None:
            return format_html('<span class="govuk-body-s">{}</span>', year_end_words(record.kpi, outlook))
        return format_html('{} <span class="govuk-body-s app-year-end-by">({})</span>', rag_tag(outlook.year_end_rag),
                           outlook.forecast_source)

    def value(self, value, record):
        return year_end_words(record.kpi, record.outlook)


class KPIColumn(tables.Column):
    """The row's key: the KPI's code as a link, its title under it, so that the column that stays in
    view while the table scrolls sideways says what each row is; in the CSV, the code alone (the
    title has its own column there). `url` gives the link (the public pages link to their own)."""

    empty_values = ()

    def __init__(self, *args, url, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = url

    def render(self, value, record):
        return format_html('<a class="govuk-link" href="{}">{}</a><span class="app-kpi-title">{}</span>',
                           self.url(record), value, record.kpi.title)

    def value(self, value, record):
        return value
class QuartileColumn(tables.Column):
    """Where the council stands among its comparator group on the KPI's benchmark (kpis.benchmarks, set
    on each row by `describe`): its quartile and rank ("Second (4th of 16)"), or nothing without one."""

    empty_values = ()

    def render(self, value, record):
        c = record.comparison
        if c is None:
            return format_html('<span class="govuk-body-s">{}</span>', "None")
        return format_html('{} <span class="govuk-body-s">({}, {})</span>', c.quartile_short, c.rank_words, c.period)

    def value(self, value, record):
        c = record.comparison
        return "" if c is None else f"{c.quartile_words.capitalize()} ({c.rank_words}, {c.period})"


class KPITable(GovukTable):
    """The dashboard's KPI table: KPIs off target and KPIs whose figure is overdue. Its rows are
    figures (reporting.dashboard.selectors.kpi_table_figures), sorted and paged in the database;
    the words of each cell (kpis.figures) are worked out for the rows shown only, in `describe`."""

    code = KPIColumn("KPI", url=lambda record: record.kpi.get_absolute_url(), order_by=("code",))
    title = tables.Column("KPI", order_by=("title",), visible=False)  # on the page, under its code
    sub_strand = tables.Column(word("sub_strand"), accessor="kpi__sub_strand__full_name",
                               linkify=lambda record: record.kpi.sub_strand.get_absolute_url(),
                               order_by=("kpi__sub_strand__objective__number", "kpi__sub_strand__order", "code"))
    value_text = tables.Column("Latest figure", orderable=False)
    target_text = tables.Column("Target", orderable=False)
    rag = RagColumn("Status now", accessor="shown_rag", order_by=("rag_sort", "code"))
    year_end = YearEndColumn("Forecast at year end", accessor="year_end_sort", order_by=("year_end_sort", "code"))
    variation = VerdictColumn("Variation", which="variation_verdict", accessor="variation_sort",
                              order_by=("variation_sort", "code"))
    assurance = VerdictColumn("Assurance", which="assurance_verdict", accessor="assurance_sort",
                              order_by=("assurance_sort", "code"))
    quartile = QuartileColumn("Compared with similar councils", accessor="quartile_sort",
                              order_by=("quartile_sort", "code"))
    data_for = tables.Column("Period the data is for", accessor="data_lag", orderable=False)
    reason = tables.Column("Why it is listed", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No KPI is off target or overdue."
        order_by = ("rag",)
        # twelve columns: in a smaller type, so that most of it fits a desktop screen (static/css/app.css)
        attrs = {**GovukTable.Meta.attrs, "class": "govuk-table app-table app-table--compact"}

    def __init__(self, *args, today=None, verdicts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.verdicts = verdicts  # reporting.dashboard.selectors.KPIVerdicts

    def paginate(self, *args, **kwargs):
        super().paginate(*args, **kwargs)
        self.describe([row.record for row in self.page.object_list])
        return self

    def as_values(self, *args, **kwargs):
        """The CSV's rows: its first heading is "Code" (the page's "KPI" column shows the code and title)."""
        self.describe(list(self.data))
        rows = super().as_values(*args, **kwargs)
        header = next(rows, None)
        if header is not None:
            yield ["Code", *header[1:]] if header[:1] == ["KPI"] else header
            yield from rows

    def describe(self, records):
        """Each figure's cells in words, with the targets read in one query."""
        targets = primary_targets({m.kpi_id for m in records}, [target_year(m) for m in records])
        if self.verdicts is not None:
            self.verdicts.read_outlooks([m.kpi for m in records])
        for m in records:
            value, kind = judged_target(m.kpi, m, targets=targets)
            m.value_text = figure_text(m) + (" (synthetic)" if m.is_synthetic else "")
            m.target_text = target_text(m.kpi, value, kind)
            m.data_lag = data_lag_words(m)
            m.reason = listed_because(m, self.today)
            found = self.verdicts
            m.variation_verdict = (found.variation.get(m.kpi_id) if found else None) or variation_verdict(None, m.kpi)
            m.assurance_verdict = (found.assurance.get(m.kpi_id) if found else None) or assurance_verdict(None, m.kpi)
            m.outlook = found.outlooks.get(m.kpi_id) if found else None
            m.comparison = found.comparisons.get(m.kpi_id) if found else None


def csv_response(table, filename):
    """The table's rows (all pages) as a CSV download; cells that a spreadsheet would read as a
    formula are prefixed with an apostrophe (reporting.cell_safety)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8 (£, en dashes)
    writer = csv.writer(response)
    for row in table.as_values():
        writer.writerow(csv_cell("" if cell is None else str(cell)) for cell in row)
    return response
