"""The public pages stay cheap: the same number of queries whatever the size of the council
(pinned at two sizes, as tests/reporting/dashboard/test_dashboard_queries.py does for the signed-in
pages), and a conditional request answered 304 costs only the switch and the validators."""
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.models import KPI, Measurement, index_figures
from objectives.models import ReportingPeriod, SubStrand
from tests.reporting.dashboard.test_dashboard_queries import grow

VALIDATOR_QUERIES = 1  # the data version: the switch and the published data's validators (one UNION) are kept under it


def publish_everything():
    """grow() leaves the figures unapproved: approve (freeze) the figures of the published returns."""
    Measurement.objects.filter(kpi__sub_strand__returns__period=F("period"), kpi__sub_strand__returns__state="published").update(
        frozen_at=timezone.now(), frozen_rag=F("rag_calculated"))
    index_figures(KPI.objects.values_list("id", flat=True))


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, len(ctx.captured_queries)


def measure():
    client = Client()
    latest = ReportingPeriod.objects.filter(state="published").order_by("-financial_year", "-number").first()
    urls = {
        "dashboard": "/public/", "dashboard sorted": "/public/?sort=code&page=1",
        "briefing": f"/public/quarters/{latest.slug}/briefing/",
        "sub-strand": f"/public/sub-strands/{SubStrand.objects.order_by('id').first().slug}/",
        "KPI": f"/public/kpis/{KPI.objects.order_by('id').first().code}/",
        "data dictionary": "/public/data/", "figures.csv": "/public/data/figures.csv", "statuses.json": "/public/data/statuses.json",
        "kpis.csv": "/public/data/kpis.csv",
        "datapackage": "/public/data/datapackage.json",
    }
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm up (content types)
        response, counts[name] = queries(client, url)
        assert response.status_code == 200, name
        not_modified, counts[name + " (304)"] = queries(client, url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert not_modified.status_code == 304, name
    return counts


def test_public_query_counts_do_not_grow_with_the_data(db):
    grow(objectives=2, subs_per_objective=2, kpis_per_sub=2, periods=3)
    publish_everything()
    small = measure()
    grow(objectives=3, subs_per_objective=3, kpis_per_sub=4, periods=6)
    publish_everything()
    assert KPI.objects.count() == 2 * 2 * 2 + 3 * 3 * 4
    large = measure()
    assert large == small
    assert max(small.values()) <= 25, small
    assert all(count == VALIDATOR_QUERIES for name, count in small.items() if name.endswith("(304)")), small

