"""The officer's year-end forecast on the return: saved through the return form and through the
spreadsheet route with the same checks, shown beside the projection the product computes (said as
computed), and a bad forecast refused beside its field with nothing saved."""
import html
import re
from decimal import Decimal

import pytest

from kpis.models import KPI, Measurement, Target
from reporting.returns.forms import as_post_data, initial_form_data
from tests.reporting._returns_support import (  # noqa: F401
    database_state, fast_password_hashing, housing_return, return_url,
)
from tests.reporting.workbooks.test_import_roundtrip import (
    IMPORT_URL, PERIOD, as_upload, cell_of, confirm_token, download, page_text, upload,
)


def field(code, part):
    return f"kpi-{KPI.objects.get(code=code).id}-{part}"


@pytest.fixture
def draft(demo_users):
    return housing_return(demo_users, "draft")


def post(client, ret, changes, intent="save"):
    data = as_post_data(initial_form_data(ret))
    data.update(changes)
    data["intent"] = intent
    return client.post(return_url(), data)


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_return_form_saves_the_officers_forecast_and_its_reason(draft, client_for):
    response = post(client_for("officer"), draft, {
        field("HOU-02", "forecast"): "on", field("HOU-02", "forecast_value"): "700",
        field("HOU-02", "forecast_reason"): "Two large schemes complete in March.",
    })
    assert response.status_code == 302, text_of(response)[:3000]
    m = Measurement.objects.get(kpi__code="HOU-02", period__slug="2023-24-q2")
    assert m.forecast_value == Decimal("700")
    assert m.forecast_reason == "Two large schemes complete in March."


def test_the_return_page_shows_the_officers_forecast_beside_the_computed_projection(draft, client_for):
    KPI.objects.filter(code="HOU-02").update(accumulation="cumulative")  # the year to date: 330 by Q2
    officer = client_for("officer")
    post(officer, draft, {field("HOU-02", "value"): "330", field("HOU-02", "forecast"): "on",
                          field("HOU-02", "forecast_value"): "700", field("HOU-02", "forecast_reason"): "Schemes in March."})
    response = officer.get(return_url())
    text = page_text(response)
    assert ("Now and at the year's end Red now, forecast Green at year end (the officer's forecast, against the "
            "target of 640 for 2023/24) 330 in 2023/24 Q2") in text
    assert ("Computed projection 660 at the year's end (computed) Computed at the run rate so far: 330 in 2 of 4 "
            "quarters, × 4 ÷ 2") in text
    # the form keeps the forecast, revealed under its box
    assert 'name="' + field("HOU-02", "forecast_value") + '" value="700"' in text_of(response)


@pytest.mark.parametrize("changes, part, message", [
    ({"forecast": "on", "forecast_value": "700", "forecast_reason": ""}, "forecast_reason",
     "HOU-02: say why you expect this figure at the end of the year"),
    ({"forecast": "on", "forecast_value": "lots", "forecast_reason": "Because."}, "forecast_value",
     "HOU-02: enter the forecast as a number, like 640 or 12.5"),
    ({"forecast": "on", "forecast_value": "", "forecast_reason": "Because."}, "forecast_value",
     "HOU-02: enter the figure you expect at the end of the year"),
    ({"forecast_value": "700", "forecast_reason": "Because."}, "forecast_value",
     "HOU-02: tick “Give a year-end forecast” to give a forecast, or remove the figure"),
])
def test_a_bad_forecast_is_refused_beside_its_field_and_nothing_is_saved(draft, client_for, changes, part, message):
    before = database_state()
    response = post(client_for("officer"), draft, {field("HOU-02", k): v for k, v in changes.items()})
    assert response.status_code == 200
    text = text_of(response)
    summary = text.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert message in summary
    beside = text.split(f'id="id_{field("HOU-02", part)}-error"')[1].split("</p>")[0]
    assert message in beside
    assert database_state() == before


def test_an_untouched_forecast_box_leaves_no_forecast(draft, client_for):
    assert post(client_for("officer"), draft, {}).status_code == 302
    assert Measurement.objects.get(kpi__code="HOU-02", period__slug="2023-24-q2").forecast_value is None


# -- the spreadsheet route ----------------------------------------------------------------------------


def test_the_return_template_saves_the_forecast_and_its_reason(draft, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell_of(wb, "HOU-02", "Year-end forecast").value = 700
    cell_of(wb, "HOU-02", "Why you expect it").value = "Two large schemes complete in March."
    response = upload(coordinator, as_upload(wb))
    assert "Check the changes before saving" in page_text(response), page_text(response)[:3000]
    assert coordinator.post(f"{IMPORT_URL}confirm/", {"plan": confirm_token(response)}).status_code == 302
    m = Measurement.objects.get(kpi__code="HOU-02", period__slug=PERIOD)
    assert (m.forecast_value, m.forecast_reason) == (Decimal("700"), "Two large schemes complete in March.")
    # and the template made now carries it, to change or to keep
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    assert cell_of(wb, "HOU-02", "Year-end forecast").value == 700
    assert "The workbook changes nothing" in page_text(upload(coordinator, as_upload(wb)))


def test_the_return_template_refuses_a_forecast_without_its_reason_and_saves_nothing(draft, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell = cell_of(wb, "HOU-02", "Year-end forecast")
    cell.value = 700
    before = database_state()
    text = page_text(upload(coordinator, as_upload(wb)))
    reason = cell_of(wb, "HOU-02", "Why you expect it")
    assert "say why you expect this figure at the end of the year" in text
    assert f"cell {reason.coordinate} (HOU-02)" in text
    cell.value = "seven hundred"
    reason.value = "Because."
    text = page_text(upload(coordinator, as_upload(wb)))
    assert f"cell {cell.coordinate} (HOU-02): enter the forecast as a number" in text
    assert database_state() == before


# -- now against the trajectory, on the return page --------------------------------------------------


def test_the_return_page_judges_q2_against_the_q2_point(draft, client_for):
    target = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    target.profile, target.baseline = "linear", Decimal("0")
    target.save()
    officer = client_for("officer")
    response = post(officer, draft, {field("HOU-02", "value"): "330"})
    assert response.status_code == 302
    m = Measurement.objects.get(kpi__code="HOU-02", period__slug="2023-24-q2")
    assert m.rag_calculated == "green"  # 330 against Q2's 320, not the year's 640
    text = text_of(officer.get(return_url()))
    assert "Target 640 (Local Plan requirement) for 2023/24; 320 by 2023/24 Q2 on its trajectory" in text


# -- no query per KPI ----------------------------------------------------------------------------------


def grow_targeted(n):
    """n more Housing KPIs, each with a linear target for 2023/24, a Q1 figure and a Q2 figure with a forecast."""
    from objectives.models import ReportingPeriod, SubStrand
    from tests.factories import KPIFactory, TargetFactory

    sub = SubStrand.objects.get(slug="housing")
    q1, q2 = ReportingPeriod.objects.get(slug="2023-24-q1"), ReportingPeriod.objects.get(slug="2023-24-q2")
    for i in range(n):
        kpi = KPIFactory(sub_strand=sub, order=50 + KPI.objects.filter(sub_strand=sub).count(), accumulation="cumulative")
        TargetFactory(kpi=kpi, financial_year=2023, value=400, profile="linear", baseline=0)
        Measurement.objects.create(kpi=kpi, period=q1, value=90 + i, rag_calculated="amber")
        Measurement.objects.create(kpi=kpi, period=q2, value=190 + i, forecast_value=420, forecast_reason="On track.")


def test_the_return_page_reads_every_kpis_year_end_in_the_same_queries_at_two_sizes(draft, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = client_for("officer")
    grow_targeted(1)
    officer.get(return_url())
    with CaptureQueriesContext(connection) as small:
        officer.get(return_url())
    grow_targeted(10)
    officer.get(return_url())  # as before the first count: what requests share read again since the data changed
    with CaptureQueriesContext(connection) as large:
        text = page_text(officer.get(return_url()))
    assert len(small) == len(large)
    assert text.count("(the officer's forecast, against the target of 400 for 2023/24)") == 11
