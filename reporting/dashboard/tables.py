"""django-tables2 tables in GOV.UK markup (templates/reporting/tables/govuk_table.html), and their CSV download."""
import csv

import django_tables2 as tables
from django.http import HttpResponse
from django.utils.html import format_html

from django.utils import timezone

from kpis.figures import data_lag_words, judged_target, primary_targets, target_text, target_year
from kpis.rag import rag_label
from reporting.dashboard.selectors import figure_text, listed_because
from reporting.templatetags.ses import draft_label, rag_tag

TEMPLATE = "reporting/tables/govuk_table.html"
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    """RAG as a word and a colour (the rag_tag template tag); in the CSV, the word. A figure not yet
    approved is labelled so."""

    def render(self, value, record):
        if not record.is_frozen:
            return format_html("{} {}", rag_tag(value), draft_label())
        return rag_tag(value)

    def value(self, value, record):
        label = rag_label(value)
        return label if record.is_frozen else f"{label} (draft, not yet approved)"


class KPITable(GovukTable):
    """The dashboard's KPI table: KPIs off target and KPIs whose figure is overdue. Its rows are
    figures (reporting.dashboard.selectors.kpi_table_figures), sorted and paged in the database;
    the words of each cell come from kpis.figures, for the rows shown only."""

    code = tables.Column("Code", linkify=lambda record: record.kpi.get_absolute_url(), order_by=("code",))
    title = tables.Column("KPI", order_by=("title",))
    sub_strand = tables.Column("Sub-strand", accessor="kpi__sub_strand__full_name",
                               linkify=lambda record: record.kpi.sub_strand.get_absolute_url(),
                               order_by=("kpi__sub_strand__objective__number", "kpi__sub_strand__order", "code"))
    value_text = tables.Column("Latest figure", accessor="pk", orderable=False)
    target_text = tables.Column("Target", accessor="pk", orderable=False)
    rag = RagColumn("RAG status", accessor="shown_rag", order_by=("rag_sort", "code"))
    data_for = tables.Column("Period the data is for", accessor="pk", orderable=False)
    reason = tables.Column("Why it is listed", accessor="pk", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No KPI is off target or overdue."
        order_by = ("rag",)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self._targets = None

    def paginate(self, *args, **kwargs):
        super().paginate(*args, **kwargs)
        self._load_targets([row.record for row in self.page.object_list])
        return self

    def as_values(self, *args, **kwargs):
        self._load_targets(list(self.data))
        return super().as_values(*args, **kwargs)

    def _load_targets(self, records):
        """The targets of the figures shown, in one query (kpis.figures.judged_target reads them)."""
        years = [target_year(m) for m in records]
        self._targets = primary_targets({m.kpi_id for m in records}, years)

    def render_value_text(self, record):
        text = figure_text(record)
        return f"{text} (synthetic)" if record.is_synthetic else text

    def render_target_text(self, record):
        value, kind = judged_target(record.kpi, record, targets=self._targets)
        return target_text(record.kpi, value, kind)

    def render_data_for(self, record):
        return data_lag_words(record)

    def render_reason(self, record):
        return listed_because(record, self.today)

    value_value_text = render_value_text
    value_target_text = render_target_text
    value_data_for = render_data_for
    value_reason = render_reason


def csv_response(table, filename):
    """The table's rows (all pages) as a CSV download; cells that a spreadsheet would read as a
    formula are prefixed with an apostrophe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8 (£, en dashes)
    writer = csv.writer(response)
    for row in table.as_values():
        writer.writerow(_safe(cell) for cell in row)
    return response


def _safe(cell):
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text
