"""The benchmark tests' shared fixture: both test KPIs benchmarked through the import's own pages."""
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.models import KPI
from objectives.models import ReportingPeriod
from tests.factories import MeasurementFactory, approved_figures
from tests.reporting.benchmarks.support import lg_inform_csv, north_west_metropolitan_districts, the_council

# HW-04 Educational development (higher is better), HW-01 Youth poverty (lower is better): the first
# council's figure, the step to the next, and the council's own (2022/23; each a point lower in 2021/22)
KPIS = {"HW-04": (Decimal("50.0"), Decimal("1.3"), Decimal("61.2")), "HW-01": (Decimal("20.0"), Decimal("0.7"), Decimal("27.3"))}


def upload(client, code, content, licence="ogl-3"):
    return client.post(reverse("import-benchmark"), {
        "kpi": code, "file": SimpleUploadedFile("lginform.csv", content, content_type="text/csv"),
        "source": "LG Inform", "licence": licence, "published_on-day": "2", "published_on-month": "12",
        "published_on-year": "2024"})


def confirm(client, page):
    plan = page.split('name="plan" value="')[1].split('"')[0]
    return client.post(reverse("import-benchmark-confirm"), {"plan": unescape(plan)})


@pytest.fixture
def benchmarked(sefton, demo_users, client_for):
    """Both KPIs' benchmarks imported by the coordinator for 2021/22 and 2022/23, and a figure of each
    approved, so that the dashboard's KPI table lists them. Returns {code: {authority: value}} for 2022/23."""
    group = north_west_metropolitan_districts()
    council = the_council()
    client = client_for("coordinator")
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    found = {}
    for code, (start, step, own) in KPIS.items():
        values = {la: start + step * i for i, la in enumerate(group.members.order_by("code"))}
        values[council] = own
        rows = [[la.gss_code, la.short_name, "2022/23", str(v)] for la, v in values.items()]
        rows += [[la.gss_code, la.short_name, "2021/22", str(v - 1)] for la, v in values.items()]
        page = upload(client, code, lg_inform_csv(rows)).content.decode()
        assert confirm(client, page).status_code == 302, page[:2000]
        found[code] = values
        approved_figures(MeasurementFactory(kpi=KPI.objects.get(code=code), period=period, value=own))
    return found


