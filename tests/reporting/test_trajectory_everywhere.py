"""One typed figure, one status, wherever it is rated or shown: a Q2 figure of a KPI whose target is
profiled (linear from 0 to 640: 320 by Q2) is Amber at 310 against Q2's point (it would be Red
against the year's 640) on the return page, the live status, the dashboard and the API alike; and
the KPI page says it now and at the year's end."""
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import KPI, Measurement, Target
from reporting.returns import services
from tests.reporting.api.conftest import api_for, token_for  # noqa: F401
from tests.reporting._returns_support import (  # noqa: F401
    HOUSING_COMPLETE, fast_password_hashing, form_fields, return_url,
)

TYPED = "310"


@pytest.fixture
def linear_target(sefton):
    target = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    target.profile, target.baseline = "linear", Decimal("0")
    target.save()
    return target


def typed_form(client):
    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    data = form_fields(client.get(return_url()).content)
    data.update({"overall_rag": "amber", "commentary": HOUSING_COMPLETE, f"kpi-{hou01.id}-not_available": "on",
                 f"kpi-{hou02.id}-value": TYPED, "intent": "save"})
    return data, hou02


def test_one_figure_has_one_status_on_the_return_page_the_live_status_the_dashboard_and_the_api(
        linear_target, client_for, demo_users, api_for):  # noqa: F811
    officer = client_for("officer")
    data, hou02 = typed_form(officer)

    live = officer.post(reverse("return-rating", args=["2023-24-q2", "housing"]), data).json()["kpis"][str(hou02.id)]
    assert officer.post(return_url(), data).status_code == 302
    page = html.unescape(officer.get(return_url()).content.decode())
    on_page = re.search(rf'data-live-rag="{hou02.id}"[^>]*>(.*?)</dd>', page, re.S).group(1)

    ret = services.submit_return(quarterly_return=services.start_return(
        sub_strand=hou02.sub_strand, period=Measurement.objects.get(kpi=hou02, period__slug="2023-24-q2").period,
        by=demo_users["officer"]), by=demo_users["officer"])
    services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    dashboard = client_for("cabinet").get(reverse("dashboard"), {"period": "2023-24-q2"}).context["data"]
    on_dashboard = next(m.rag for m in dashboard.kpi_figures if m.kpi_id == hou02.id)
    figures = api_for("cabinet").get("/api/v1/figures/?kpi=HOU-02").json()["results"]
    in_api = next(f["rag"] for f in figures if f["reported_in"] == "2023-24-q2")

    assert live["rag"] == "amber" and live["basis"] == "Against the trajectory's 2023/24 Q2 point (320 of the year's 640)"
    assert "Amber" in on_page and "Against the trajectory's 2023/24 Q2 point" in on_page
    assert on_dashboard == in_api == "amber"


def test_the_kpi_page_says_amber_now_and_the_year_end_forecast_with_its_trajectory(linear_target, client_for, demo_users):
    officer = client_for("officer")
    data, hou02 = typed_form(officer)
    data.update({f"kpi-{hou02.id}-forecast": "on", f"kpi-{hou02.id}-forecast_value": "660",
                 f"kpi-{hou02.id}-forecast_reason": "Two schemes complete in March."})
    assert officer.post(return_url(), data).status_code == 302
    response = officer.get(reverse("kpi", args=["HOU-02"]))
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))
    assert "2023/24: now and at the year's end Amber now, forecast Green at year end (the officer's forecast)" in text
    assert "310 in 2023/24 Q2, against 320 on the trajectory" in text
    assert "Why: Two schemes complete in March." in text
    assert "Computed projection" in text
    assert "2023/24 Q1 2023/24 Q2 2023/24 Q3 2023/24 Q4 160 320 480 640" in text


def test_the_kpi_page_reads_its_outlook_without_a_query_more(linear_target, client_for):
    cabinet = client_for("cabinet")
    cabinet.get(reverse("kpi", args=["HOU-02"]))
    with CaptureQueriesContext(connection) as with_target:
        cabinet.get(reverse("kpi", args=["HOU-02"]))
    Target.objects.filter(kpi__code="HOU-02").delete()
    cabinet.get(reverse("kpi", args=["HOU-02"]))  # what requests share, read again since the data changed
    with CaptureQueriesContext(connection) as without:
        cabinet.get(reverse("kpi", args=["HOU-02"]))
    assert len(with_target) == len(without)
