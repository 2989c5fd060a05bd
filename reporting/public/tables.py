"""The dashboard's KPI table on the public pages: the same table, its links to the public pages."""
import django_tables2 as tables

from reporting.dashboard.tables import KPIColumn, KPITable
from reporting.templatetags.ses import page_url
from objectives.council import word


class PublicKPITable(KPITable):
    code = KPIColumn("KPI", url=lambda record: page_url(record.kpi, True), order_by=("code",))
    sub_strand = tables.Column(word("sub_strand"), accessor="kpi__sub_strand__full_name",
                               linkify=lambda record: page_url(record.kpi.sub_strand, True),
                               order_by=("kpi__sub_strand__objective__number", "kpi__sub_strand__order", "code"))

    class Meta(KPITable.Meta):
        pass
