"""An officer's override of a KPI's RAG is said wherever the RAG is shown or exported (issue 22,
point 10): HOU-01 reported with no target and no year before, set Green by the officer with a
reason, reads as set by the officer, with the reason and what the rules say, on every page (signed
in and public), in the Word briefing, the workbook, the read API and the open data. One reading of
"is this RAG an override" (kpis Measurement.override), asked by each."""
import csv
import io
import json

import docx
import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import KPI, Measurement
from kpis.services import freeze_measurement, rate_measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import Briefing, QuarterlyReturn
from tests.reporting.workbooks.test_workbook_export import kpi_rows, open_xlsx

# Typed by an officer: shown with the figure, escaped.
REASON = "40 homes handed over in June <b>ahead</b> of plan; no target is set for 2023/24"
SAID = "Set by the officer: " + REASON
ESCAPED = "Set by the officer: 40 homes handed over in June &lt;b&gt;ahead&lt;/b&gt; of plan"
RULES = "The rules give no status (no target and no previous year to compare with)."


def overridden_hou01(period_slug="2023-24-q1", *, rag="green", frozen=True):
    """HOU-01's figure for the period: 40, no target and no year before (so the rules give no
    status), set `rag` by the officer with REASON; approved with its return when `frozen`."""
    m = Measurement(kpi=KPI.objects.get(code="HOU-01"), period=ReportingPeriod.objects.get(slug=period_slug), value=40,
                    data_for="2022/23", rag_override=rag, override_reason=REASON)
    rate_measurement(m)
    if frozen:
        freeze_measurement(m)
    m.save()
    assert m.rag_calculated == "" and m.rag == rag  # what the issue saw: a RAG the rules never gave
    return m


def assert_said_in_html(html, where):
    assert ESCAPED in html, where
    assert RULES in html, where
    assert "<b>ahead</b>" not in html, where  # the officer's words are text, never markup


# -- the rule, once -------------------------------------------------------------------------------


def test_an_override_is_one_only_when_it_is_the_rag_shown():
    from kpis.rag import Override, override_of

    assert override_of(shown="green", override=None, reason="") is None
    assert override_of(shown="amber", override="green", reason="r") is None  # frozen before the override was set
    said = override_of(shown="green", override="green", reason="Handed over early.\nAll 40.", rules_rag="amber",
                       rules_basis="Against target")
    assert said.note == "Set by the officer: Handed over early. All 40. The rules say Amber."
    assert said.words == "Green (set by the officer: Handed over early. All 40; the rules say Amber)"
    none = Override(rag="green", reason="r", rules_rag=None, rules_basis="No target and no previous year to compare with")
    assert none.note == "Set by the officer: r. " + RULES
    unknown = Override(rag="green", reason="r", rules_rag=None, rules_basis=None)  # a snapshot kept before the rules' RAG was
    assert unknown.note == "Set by the officer: r."


def test_a_measurement_says_its_override_live_and_frozen(sefton):
    draft = overridden_hou01(frozen=False)
    assert draft.is_overridden and draft.override.reason == REASON
    draft.delete()
    frozen = overridden_hou01()
    assert frozen.is_overridden and frozen.override.note == f"{SAID}. {RULES}"
    ruled = Measurement.objects.get(kpi__code="HOU-02", period__slug="2023-24-q1")
    assert not ruled.is_overridden and ruled.override is None


# -- every place a reader or the public sees it --------------------------------------------------


@pytest.fixture
def hou01(sefton, demo_users):
    """HOU-01 overridden in 2023/24 Q1 (published, its briefing issued), the briefing with its KPI annex."""
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_kpi_appendix=True)
    return overridden_hou01()


PAGES = {
    "sub-strand page": "/sub-strands/housing/",
    "KPI page": "/kpis/HOU-01/",
    "briefing page": "/periods/2023-24-q1/briefing/",
}
PUBLIC_PAGES = {
    "public sub-strand page": "/public/sub-strands/housing/",
    "public KPI page": "/public/kpis/HOU-01/",
    "public briefing": "/public/quarters/2023-24-q1/briefing/",
}


def test_a_reader_is_told_of_the_override_on_every_page(hou01, client_for):
    client = client_for("cabinet")
    for where, url in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_said_in_html(response.content.decode(), where)


def test_the_public_is_told_of_the_override_on_every_page(hou01):
    for where, url in PUBLIC_PAGES.items():
        response = Client().get(url)
        assert response.status_code == 200, where
        assert_said_in_html(response.content.decode(), where)


def test_the_word_briefing_says_the_override_beside_the_rag(hou01, client_for):
    response = client_for("cabinet").get(reverse("briefing-docx", args=["2023-24-q1"]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    hou01_row = next(r for r in rows if r[0].startswith("HOU-01"))
    rag_cell = hou01_row[4]
    assert rag_cell.strip().startswith("Green") and SAID in rag_cell and RULES in rag_cell


def test_the_workbook_says_the_override_beside_the_rag(hou01, client_for):
    wb = open_xlsx(client_for("cabinet").get(reverse("briefing-xlsx", args=["2023-24-q1"])))
    row = kpi_rows(wb)["HOU-01"]
    assert row["RAG"] == "Green"
    assert row["RAG basis"] == f"{SAID}. {RULES}"


def test_the_api_says_the_override_and_what_the_rules_say(hou01, client_for):
    answer = client_for("cabinet").get("/api/v1/figures/", {"kpi": "HOU-01"}).json()
    figure = next(f for f in answer["results"] if f["reported_in"] == "2023-24-q1")
    assert figure["rag"] == "green" and figure["rag_overridden"] is True
    assert figure["override_reason"] == REASON
    assert figure["rag_by_rules"] is None and figure["rag_basis"] == "No target and no previous year to compare with"
    assert figure["rag_note"] == f"{SAID}. {RULES}"
    ruled = client_for("cabinet").get("/api/v1/figures/", {"kpi": "HOU-02"}).json()["results"]
    assert ruled and all(f["rag_overridden"] is False and f["override_reason"] is None for f in ruled)
    schema = client_for("cabinet").get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["Figure"]["properties"]
    assert "set the RAG shown by judgement" in fields["rag_overridden"]["description"]
    assert {"override_reason", "rag_by_rules", "rag_note"} <= set(fields)


def test_the_open_data_says_the_override_and_its_reason(hou01):
    text = Client().get("/public/data/figures.csv").content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["kpi_code"] == "HOU-01"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["rag_status"], row["rag_overridden"], row["override_reason"], row["rag_status_by_rules"]) == (
        "Green", "true", REASON, "")
    others = [r for r in csv.DictReader(io.StringIO(text)) if r["kpi_code"] != "HOU-01"]
    assert others and all(r["rag_overridden"] == "false" and r["override_reason"] == "" for r in others)
    as_json = [r for r in json.loads(Client().get("/public/data/figures.json").content) if r["kpi_code"] == "HOU-01"]
    assert as_json[0]["rag_overridden"] is True and as_json[0]["override_reason"] == REASON
    dictionary = Client().get("/public/data/").content.decode()
    assert "rag_overridden" in dictionary and "override_reason" in dictionary and "rag_status_by_rules" in dictionary


# -- the dashboard's KPI table (off target: an Amber override), and the staff's pages --------------


def test_the_dashboards_kpi_table_says_the_override_on_the_page_and_in_its_csv(sefton, demo_users, client_for):
    overridden_hou01(rag="amber")
    html = client_for("cabinet").get(reverse("dashboard"), {"period": "2023-24-q1"}).content.decode()
    assert_said_in_html(html, "dashboard")
    public = Client().get("/public/quarters/2023-24-q1/").content.decode()
    assert_said_in_html(public, "public dashboard")
    download = client_for("cabinet").get(reverse("dashboard"), {"period": "2023-24-q1", "_export": "csv"})
    row = next(r for r in csv.reader(io.StringIO(download.content.decode("utf-8-sig"))) if r[0] == "HOU-01")
    assert (f"Amber (set by the officer: {REASON}; the rules give no status (no target and no previous year to "
            "compare with))") in row


def test_the_review_queue_and_the_return_page_say_the_override(sefton, demo_users, client_for):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period, state="submitted",
                                   overall_rag="green", commentary="Q2")
    overridden_hou01("2023-24-q2", frozen=False)
    client = client_for("approver")
    for where, url in {"review queue": reverse("review-queue"),
                       "return page": reverse("return", args=["2023-24-q2", "housing"])}.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_said_in_html(response.content.decode(), where)


def test_the_briefings_kpis_that_turned_amber_say_the_override(sefton, demo_users, client_for):
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_what_changed=True)
    overridden_hou01(rag="amber")
    said = f"Amber (set by the officer: {REASON}; the rules give no status (no target and no previous year to compare with))"
    client = client_for("cabinet")
    html = client.get(reverse("briefing", args=["2023-24-q1"])).content.decode()
    assert said.replace("<", "&lt;").replace(">", "&gt;") in html and "<b>ahead</b>" not in html
    document = docx.Document(io.BytesIO(client.get(reverse("briefing-docx", args=["2023-24-q1"])).content))
    assert any(said in p.text for p in document.paragraphs)


def test_an_earlier_revision_of_a_return_says_its_override(sefton, demo_users, client_for):
    """A correction keeps the approved revision: its figures' overrides are said there too."""
    from reporting.returns.corrections import reopen_return

    overridden_hou01()
    housing = QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q1")
    reopen_return(quarterly_return=housing, by=demo_users["approver"], reason="A figure to correct")
    html = client_for("coordinator").get(reverse("return", args=["2023-24-q1", "housing"])).content.decode()
    revisions = html.split('id="revisions"', 1)[1]
    assert_said_in_html(revisions, "earlier revision")
