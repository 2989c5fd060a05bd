"""A contextual KPI is never rated and never counts in a RAG total (issue 25, point 1). HOU-02 made
contextual and fed a figure that would be Red against its target (100 against 640): no page, paper,
export, API answer or total anywhere counts it, and each says "Contextual: not rated" where its RAG
would be. Every total counts the RAG a figure shows (Measurement.rag, shown_rag_expression), which the
one rating rule (kpis.rag.rate) leaves empty for a contextual KPI."""
import csv
import io
import json
import re
from decimal import Decimal

import docx
import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import KPI, Measurement
from kpis.rag import rate
from kpis.services import freeze_measurement, rate_measurement, unfreeze_measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import Briefing, QuarterlyReturn
from tests.reporting._returns_support import fast_password_hashing, form_fields, return_url  # noqa: F401
from tests.reporting.workbooks.test_workbook_export import kpi_rows, open_xlsx

NOT_RATED = "Contextual: not rated"


def feed_hou02(kind):
    """HOU-02 of `kind`, its published 2023/24 Q1 figure 100 (the target is 640), rated and approved
    as approving its return does. The figure."""
    hou02 = KPI.objects.get(code="HOU-02")
    hou02.kind = kind
    hou02.save()
    m = Measurement.objects.get(kpi=hou02, period__slug="2023-24-q1")
    unfreeze_measurement(m)
    m.not_available, m.value, m.data_for = False, Decimal("100"), "2022/23"
    rate_measurement(m)
    freeze_measurement(m)
    m.save()
    return m


@pytest.fixture
def contextual(sefton, demo_users):
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_kpi_appendix=True, include_what_changed=True)
    assert rate(direction="higher", value=Decimal("100"), target=Decimal("640")).rag == "red"  # targeted, it would be Red
    m = feed_hou02(KPI.Kind.CONTEXTUAL)
    assert m.rag is None and m.rag_basis == NOT_RATED
    return m


def dashboard_csv_codes(client):
    response = client.get(reverse("dashboard"), {"period": "2023-24-q1", "_export": "csv"})
    return [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]


def test_the_same_figure_targeted_is_counted_off_target(sefton, demo_users, client_for):
    """The control: targeted, the figure is Red and the dashboard's off-target KPIs list it."""
    feed_hou02(KPI.Kind.TARGETED)
    assert "HOU-02" in dashboard_csv_codes(client_for("cabinet"))


def test_the_dashboards_off_target_kpis_never_count_it(contextual, client_for):
    client = client_for("cabinet")
    assert "HOU-02" not in dashboard_csv_codes(client)
    html = client.get(reverse("dashboard"), {"period": "2023-24-q1"}).content.decode()
    assert "HOU-02" not in html
    assert "HOU-02" not in Client().get("/public/quarters/2023-24-q1/").content.decode()


def test_the_briefing_never_counts_it_as_turned_red_and_its_annex_says_not_rated(contextual, client_for):
    client = client_for("cabinet")
    html = client.get(reverse("briefing", args=["2023-24-q1"])).content.decode()
    changed = html[html.index('id="what-changed"'):]
    changed = changed[:changed.index("</section>")] if "</section>" in changed else changed[:4000]
    assert "HOU-02" not in changed and "Net additional dwellings" not in changed
    annex_row = re.search(r"HOU-02.*?</tr>", html, re.S).group(0)
    assert NOT_RATED in annex_row and "Red" not in annex_row
    document = docx.Document(io.BytesIO(client.get(reverse("briefing-docx", args=["2023-24-q1"])).content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert NOT_RATED in next(r for r in rows if r[0].startswith("HOU-02"))[4]
    assert not any("HOU-02" in p.text or "Net additional dwellings" in p.text for p in document.paragraphs
                   if "Red" in p.text or "Amber" in p.text)


def test_the_sub_strand_and_kpi_pages_say_not_rated(contextual, client_for):
    client = client_for("cabinet")
    sub = client.get("/sub-strands/housing/").content.decode()
    row = re.search(r"HOU-02.*?</tr>", sub, re.S).group(0)
    assert NOT_RATED in row and "app-rag--red" not in row
    page = client.get("/kpis/HOU-02/").content.decode()
    assert "Contextual: its trend and variation, never rated" in page and "app-rag--red" not in page


def test_the_workbook_api_and_open_data_give_it_no_rag(contextual, client_for):
    client = client_for("cabinet")
    row = kpi_rows(open_xlsx(client.get(reverse("briefing-xlsx", args=["2023-24-q1"]))))["HOU-02"]
    assert row["RAG"] == NOT_RATED
    figure = next(f for f in client.get("/api/v1/figures/", {"kpi": "HOU-02"}).json()["results"]
                  if f["reported_in"] == "2023-24-q1")
    assert figure["rag"] is None and figure["rag_by_rules"] is None and figure["rag_basis"] == NOT_RATED
    kpi = next(k for k in client.get("/api/v1/kpis/").json()["results"] if k["code"] == "HOU-02")
    assert kpi["kind"] == "contextual"
    published = [r for r in json.loads(Client().get("/public/data/figures.json").content) if r["kpi_code"] == "HOU-02"]
    assert published and all(r["rag_status"] is None for r in published)
    assert published[0]["kind_of_indicator"].startswith("Contextual")


def test_the_return_asks_for_its_figure_shows_no_rag_and_never_counts_it_in_the_suggested_status(contextual, client_for):
    """The officer's Q2 return: HOU-02 has its figure box and no status or override; typed as 100
    (Red, were it targeted) the live status says "Contextual: not rated" and the KPIs suggest
    nothing; saved, it is stored unrated and the return page's suggestion still counts nothing."""
    officer = client_for("officer")
    hou02 = KPI.objects.get(code="HOU-02")
    page = officer.get(return_url())
    fields = form_fields(page.content)
    assert f"kpi-{hou02.id}-value" in fields
    assert f"kpi-{hou02.id}-override" not in fields and f"kpi-{hou02.id}-rag_override" not in fields
    fieldset = re.search(rf'id="kpi-{hou02.id}".*?</fieldset>', page.content.decode(), re.S).group(0)
    assert "Status by the rules" not in fieldset and "Override the status" not in fieldset
    typed = {**fields, f"kpi-{hou02.id}-value": "100", "intent": "save"}
    typed = {k: v for k, v in typed.items() if v is not None}
    live = officer.post(reverse("return-rating", args=["2023-24-q2", "housing"]), typed).json()
    assert live["kpis"][str(hou02.id)] == {"rag": None, "label": NOT_RATED, "basis": NOT_RATED}
    assert live["suggested"]["rag"] is None
    forged = {**typed, f"kpi-{hou02.id}-override": "on", f"kpi-{hou02.id}-rag_override": "green",
              f"kpi-{hou02.id}-override_reason": "looks fine"}
    refused = officer.post(return_url(), forged)
    assert refused.status_code == 200 and "is a contextual KPI: it is not rated" in refused.content.decode()
    assert not Measurement.objects.filter(kpi=hou02, period__slug="2023-24-q2").exists()
    assert officer.post(return_url(), typed).status_code == 302
    saved = Measurement.objects.get(kpi=hou02, period__slug="2023-24-q2")
    assert saved.value == 100 and saved.rag is None
    ret = QuarterlyReturn.objects.get(sub_strand=SubStrand.objects.get(slug="housing"),
                                      period=ReportingPeriod.objects.get(slug="2023-24-q2"))
    html = client_for("coordinator").get(ret.get_absolute_url()).content.decode()
    suggested = re.search(r'id="suggested-overall"[^>]*>(.*?)</dd>', html, re.S)
    assert "No KPI rated yet" in suggested.group(1)  # HOU-01 has no figure: nothing is rated


def test_the_years_targets_page_asks_no_target_of_a_contextual_kpi(contextual, client_for):
    html = client_for("coordinator").get(reverse("year-targets", args=[2023])).content.decode()
    assert 'id="kpi-HOU-01"' in html and 'id="kpi-HOU-02"' not in html


def test_the_review_queue_says_not_rated_and_suggests_from_the_rated_kpis_only(contextual, client_for):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    ret = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period,
                                         state="submitted", overall_rag="green", commentary="Q2")
    m = Measurement(kpi=KPI.objects.get(code="HOU-02"), period=period, value=Decimal("100"), data_for="2023/24")
    rate_measurement(m)
    m.save()
    html = client_for("approver").get(reverse("review-queue")).content.decode()
    row = re.search(r"HOU-02 Net additional dwellings.*?</tr>", html, re.S).group(0)
    assert NOT_RATED in row and "app-rag--red" not in row
    page = client_for("approver").get(ret.get_absolute_url()).content.decode()
    suggested = re.search(r"The KPIs suggest</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    assert "No KPI rated" in suggested  # HOU-01 has no figure; HOU-02 is not counted
