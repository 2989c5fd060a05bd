"""django-tables2 tables in GOV.UK markup (templates/reporting/tables/govuk_table.html), and their CSV download."""
import csv

import django_tables2 as tables
from django.http import HttpResponse
from django.utils.html import format_html

from kpis.rag import rag_label
from reporting.cell_safety import csv_cell
from reporting.templatetags.ses import draft_label, rag_tag

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
    """RAG as a word and a colour (the rag_tag template tag); in the CSV, the word."""

    def render(self, value, record):
        if getattr(record, "is_draft", False):
            return format_html("{} {}", rag_tag(value), draft_label())
        return rag_tag(value)

    def value(self, value, record):
        label = rag_label(value)
        return f"{label} (draft, not yet approved)" if getattr(record, "is_draft", False) else label


class KPITable(GovukTable):
    """The dashboard's KPI table: KPIs off target and KPIs whose figure is overdue."""

    code = tables.Column("Code", linkify=lambda record: record.kpi.get_absolute_url(), order_by=("code",))
    title = tables.Column("KPI", order_by=("title",))
    sub_strand = tables.Column("Sub-strand", linkify=lambda record: record.kpi.sub_strand.get_absolute_url())
    value_text = tables.Column("Latest figure", orderable=False)
    target_text = tables.Column("Target", orderable=False)
    rag = RagColumn("RAG status", order_by=("rag_sort", "code"))
    data_for = tables.Column("Period the data is for", orderable=False)
    reason = tables.Column("Why it is listed", order_by=("reason", "code"))

    class Meta(GovukTable.Meta):
        empty_text = "No KPI is off target or overdue."
        order_by = ("rag",)

    def render_value_text(self, value, record):
        return f"{value} (synthetic)" if record.is_synthetic else value


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
