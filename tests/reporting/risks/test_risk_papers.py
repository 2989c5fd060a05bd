"""The risk papers: the briefing's optional risk section, the committee's risk register report (page,
Word, PDF kept by the worker), the briefing workbook's risk sheet, the API's risks and the open data's
risks file. Every one from approved reviews only, and an exempt risk never where the public reads."""
import csv
import io
import json

import docx
import pytest
from django.test import Client
from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.briefings.docx import briefing_docx_bytes
from reporting.briefings.selectors import briefing_context
from reporting.briefings.services import issue_briefing
from reporting.documents.models import Paper
from reporting.models import Briefing, RiskReport
from reporting.risks.briefing import suggested_risks
from reporting.risks.docx import build_risk_report_docx
from reporting.risks.report import NOT_FOR_PUBLICATION, risk_report_contents
from reporting.workbooks.export import build_briefing_workbook
from tests.reporting.document_text import docx_blocks
from reporting.api.tokens import issue_token
from tests.reporting.api.conftest import every_page
from tests.reporting.public.helpers import approve_q2
from tests.reporting.risks.paper_helpers import STRATEGY, a_risk, reviewed

EDIT = reverse("briefing-edit", args=["2023-24-q2"])
PAGE = reverse("briefing", args=["2023-24-q2"])
REPORT = reverse("risk-report", args=[STRATEGY, "2023-24-q2"])
SR1 = "SR1 Loss of the main contractor: Likely (4) x Major (4) = 16, High; outside appetite (above 9); up from 9 in 2023/24 Q1"


@pytest.fixture
def risks(sefton):
    """SR1 scored up from 9 to 16 (outside appetite); SR2 low and stable; SR3 up from 2 to 6 (within
    appetite); SR4 exempt and very high; SR5 very high in a draft review only."""
    sr1 = a_risk("SR1")
    reviewed(sr1, "2023-24-q1", 3, 3)
    reviewed(sr1, "2023-24-q2", 4, 4, commentary="The contractor's accounts are late.")
    reviewed(a_risk("SR2", "Skills shortage"), "2023-24-q2", 2, 2, direction="stable")
    sr3 = a_risk("SR3", "Visitor numbers fall")
    reviewed(sr3, "2023-24-q1", 1, 2)
    reviewed(sr3, "2023-24-q2", 2, 3)
    reviewed(a_risk("SR4", "Confidential land deal collapses", exempt=True), "2023-24-q2", 5, 5)
    reviewed(a_risk("SR5", "Draft worry"), "2023-24-q2", 5, 5, state="draft")
    return ReportingPeriod.objects.get(strategy__slug=STRATEGY, slug="2023-24-q2")


def form_data(**overrides):
    data = {"title": "Quarter 2 progress", "purpose": "To update Cabinet Member on Q2.",
            "recommendations": "That Cabinet Member notes progress.", "background": "Background.",
            "governance": "Before.\n\nAfter.", "progress_introduction": "Intro.", "version": "0"}
    data.update(overrides)
    return data


def included(client, **overrides):
    response = client.post(EDIT, form_data(include_risks="on", **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Briefing.objects.get(period__slug="2023-24-q2")


# -- the briefing's section ----------------------------------------------------------------------


def test_the_section_names_the_risks_outside_appetite_and_those_that_rose_and_no_others(risks):
    lines = suggested_risks(risks).split("\n")
    assert lines == [f"1. {SR1}", "2. SR3 Visitor numbers fall: Unlikely (2) x Moderate (3) = 6, Medium; up from 2 in "
                     "2023/24 Q1"]
    text = "\n".join(lines)
    assert "SR2" not in text and "SR4" not in text and "SR5" not in text  # stable and low; exempt; a draft


def test_the_section_is_numbered_with_the_rest_and_links_each_risk(client_for, risks):
    coordinator = client_for("coordinator")
    included(coordinator)
    html = coordinator.get(PAGE).content.decode()
    assert "7. Risks that need attention" in html
    assert reverse("risk-detail", args=[STRATEGY, "SR1"]) in html
    assert "Confidential land deal" not in html and "Draft worry" not in html


def test_with_what_needs_attention_the_risks_are_eight(client_for, risks):
    coordinator = client_for("coordinator")
    included(coordinator, include_attention="on", include_what_changed="on")
    html = coordinator.get(PAGE).content.decode()
    assert "7. What needs attention" in html and "8. Risks that need attention" in html
    assert "9. What changed" in html


def test_the_economy_cells_edit_is_kept_and_issued_as_written(client_for, demo_users, risks):
    approve_q2(demo_users)
    note = included(client_for("coordinator"), risks_text="1. SR1 Loss of the main contractor: watch closely.")
    assert note.risks_text.startswith("1. SR1")
    issue_briefing(briefing=note, by=demo_users["approver"])
    html = client_for("cabinet").get(PAGE).content.decode()
    assert "watch closely." in html


def test_issued_the_section_is_kept_as_issued_in_the_page_and_word(client_for, demo_users, risks):
    approve_q2(demo_users)
    note = included(client_for("coordinator"))
    issue_briefing(briefing=note, by=demo_users["approver"])
    note.refresh_from_db()
    assert note.risks_text.split("\n")[0] == f"1. {SR1}"
    reviewed(note.period.risk_reviews.get(risk__reference="SR1").risk, "2023-24-q2", 1, 1)  # a late change
    html = client_for("cabinet").get(PAGE).content.decode()
    assert "= 16, High" in html
    from reporting.briefings.papers import a_reader
    content = briefing_docx_bytes(briefing_context(period=risks, user=a_reader(), briefing=Briefing.objects.get(pk=note.pk)))
    blocks = [b.replace("\t", " ") for b in docx_blocks(docx.Document(io.BytesIO(content)))]
    at = blocks.index("7. Risks that need attention")
    assert blocks[at + 1] == f"1. {SR1}"


# -- the committee report ------------------------------------------------------------------------


def test_the_report_holds_approved_reviews_and_no_exempt_risk_by_default(risks):
    report = risk_report_contents(risks)
    assert [row.risk.reference for row in report.rows] == ["SR1", "SR2", "SR3"]
    assert report.exempt_left_out == 1 and not report.not_for_publication
    counts = {(c.likelihood, c.impact): c.count for _, cells in report.heat_map.rows for c in cells}
    assert counts[(4, 4)] == 1 and counts[(2, 2)] == 1 and counts[(5, 5)] == 0  # the exempt and the draft left out
    assert report.rows[0].current.words == "Likely (4) x Major (4) = 16, High"
    assert report.outside_count == 1


def test_a_cover_not_written_yet_prints_no_empty_summary_or_recommendations(client_for, risks):
    blocks = docx_blocks(docx.Document(io.BytesIO(build_risk_report_docx(risk_report_contents(risks)))))
    assert "Summary" not in blocks and "Recommendation(s)" not in blocks
    html = client_for("cabinet").get(REPORT).content.decode()
    assert 'id="summary-title"' not in html and 'id="recommendations-title"' not in html


def test_the_report_includes_exempt_risks_only_when_ticked_and_then_says_not_for_publication(client_for, risks):
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("risk-report-cover", args=[STRATEGY, "2023-24-q2"]), {
        "title": "", "committee": "Audit and Governance Committee", "summary": "The register this quarter.",
        "recommendations": "That members note the register.", "contact_officer": "Cara Coordinator",
        "include_exempt": "on", "version": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RiskReport.objects.get(period=risks).include_exempt
    report = risk_report_contents(risks)
    assert "SR4" in [row.risk.reference for row in report.rows]
    blocks = docx_blocks(docx.Document(io.BytesIO(build_risk_report_docx(report))))
    assert blocks[1] == NOT_FOR_PUBLICATION
    assert "Report to: Audit and Governance Committee" in blocks
    assert "Summary" in blocks and "The register this quarter." in blocks and "Recommendation(s)" in blocks
    html = client_for("cabinet").get(REPORT).content.decode()
    assert NOT_FOR_PUBLICATION in html and "Confidential land deal collapses" in html


def test_the_report_page_word_and_pdf_for_a_reader_never_converting_in_the_request(client_for, risks, monkeypatch):
    reader = client_for("cabinet")
    html = reader.get(REPORT).content.decode()
    for words in ("1. The register at a glance", "2. The heat map", "3. The risk register", "4. Each risk in detail",
                  "Likely (4) x Major (4) = 16", "If the main contractor fails, then the programme stops"):
        assert words in html
    assert "Confidential land deal" not in html and "Draft worry" not in html
    word = reader.get(reverse("risk-report-docx", args=[STRATEGY, "2023-24-q2"]))
    assert word.status_code == 200
    blocks = docx_blocks(docx.Document(io.BytesIO(word.content)))
    assert "2. The heat map" in blocks and "Confidential land deal collapses" not in " ".join(blocks)
    import reporting.documents.pdf as pdf

    def never(*args, **kwargs):
        raise AssertionError("LibreOffice ran in a request")

    monkeypatch.setattr(pdf, "convert_to_pdf", never)
    response = reader.get(reverse("risk-report-pdf", args=[STRATEGY, "2023-24-q2"]))
    assert response.status_code in (202, 503)
    assert Paper.objects.filter(kind=Paper.Kind.REPORT, pdf="").exists()  # queued for the worker


def test_only_the_economy_cell_edits_the_cover(client_for, risks):
    url = reverse("risk-report-cover", args=[STRATEGY, "2023-24-q2"])
    assert client_for("cabinet").get(url).status_code == 403
    assert client_for("officer").post(url, {"include_exempt": "on", "version": "0"}).status_code == 403
    assert not RiskReport.objects.exists()
    assert client_for("coordinator").get(url).status_code == 200


def test_a_stale_cover_is_refused_and_nothing_is_saved(client_for, risks):
    url = reverse("risk-report-cover", args=[STRATEGY, "2023-24-q2"])
    coordinator = client_for("coordinator")
    assert coordinator.post(url, {"summary": "First.", "version": "0"}).status_code == 302
    response = coordinator.post(url, {"summary": "Second.", "version": "0"})
    assert response.status_code == 200 and "Someone else saved this cover" in response.content.decode()
    assert RiskReport.objects.get(period=risks).summary == "First."


# -- the briefing workbook -----------------------------------------------------------------------


def test_the_workbook_has_a_risk_register_sheet_of_what_the_person_sees(demo_users, risks):
    wb = build_briefing_workbook(period=risks, user=demo_users["cabinet"])
    assert "Risk register" in wb.sheetnames
    ws = wb["Risk register"]
    rows = [[c for c in row] for row in ws.iter_rows(min_row=4, values_only=True)]
    refs = [r[0] for r in rows if r[0]]
    assert "SR1" in refs and "SR5" not in refs  # a reader never sees a draft review's risk
    sr1 = next(r for r in rows if r[0] == "SR1")
    assert sr1[6] == "Likely (4) x Major (4) = 16, High" and sr1[7] == "High" and sr1[8] == "Outside appetite"
    coordinator = build_briefing_workbook(period=risks, user=demo_users["coordinator"])
    assert "SR5" in [r[0] for r in coordinator["Risk register"].iter_rows(min_row=4, values_only=True)]


# -- the API and the open data -------------------------------------------------------------------


def api_for(user):
    return Client(headers={"Authorization": f"Bearer {issue_token(user=user, name='report').secret}"})


def test_the_api_gives_a_reader_approved_reviews_and_never_a_draft(demo_users, risks):
    reader = api_for(demo_users["cabinet"])
    reviews, _ = every_page(reader, "/api/v1/risk-reviews/")
    assert {r["state"] for r in reviews} <= {"approved", "published"}
    assert "SR5" not in {r["reference"] for r in reviews}
    sr1 = next(r for r in reviews if r["reference"] == "SR1" and r["period"] == "2023-24-q2")
    assert sr1["current"]["words"] == "Likely (4) x Major (4) = 16, High" and sr1["current"]["band"] == "High"
    found, _ = every_page(reader, "/api/v1/risks/")
    assert "SR5" not in {r["reference"] for r in found}
    # an exempt risk never leaves through a reader's token (a feed that may be published); the staff's see it
    assert "SR4" not in {r["reference"] for r in found} | {r["reference"] for r in reviews}
    staff, _ = every_page(api_for(demo_users["coordinator"]), "/api/v1/risks/")
    assert {"SR4", "SR5"} <= {r["reference"] for r in staff}
    schema = json.loads(reader.get("/api/v1/openapi.json").content)
    assert "/api/v1/risks/" in schema["paths"] and "/api/v1/risk-reviews/" in schema["paths"]


def test_the_open_data_has_published_risks_that_are_not_exempt(client, demo_users, risks):
    from reporting.models import RiskReview

    RiskReview.objects.filter(state="approved").update(state="published")
    response = client.get("/public/data/risks.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    refs = {r["risk_reference"] for r in rows}
    assert {"SR1", "SR2", "SR3"} <= refs and "SR4" not in refs and "SR5" not in refs
    sr1 = next(r for r in rows if r["risk_reference"] == "SR1" and r["reported_in"] == "2023/24 Q2")
    assert sr1["score_words"] == "Likely (4) x Major (4) = 16, High" and sr1["outside_appetite"] == "true"


def test_the_risks_file_validates_against_the_data_dictionary(client, demo_users, risks, tmp_path):
    from reporting.models import RiskReview
    from tests.reporting.public.test_open_data import download, validate

    RiskReview.objects.filter(state="approved").update(state="published")
    download(client, tmp_path)
    valid, errors = validate(tmp_path)
    assert valid, errors
    text = (tmp_path / "risks.csv").read_text(encoding="utf-8-sig")
    assert "SR1" in text
    (tmp_path / "risks.csv").write_text(text.replace(",true,", ",maybe,", 1), encoding="utf-8-sig")
    assert not validate(tmp_path)[0]  # the validation is real


# -- a fixed number of queries, whatever the number of risks ---------------------------------------


def queries_for(read):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def test_the_report_the_section_and_the_api_read_a_fixed_number_of_queries(demo_users, risks):
    token = api_for(demo_users["cabinet"])

    def reads():
        return [queries_for(lambda: risk_report_contents(risks)), queries_for(lambda: suggested_risks(risks)),
                queries_for(lambda: token.get("/api/v1/risks/")), queries_for(lambda: token.get("/api/v1/risk-reviews/"))]

    reads()  # the council's matrix made (the first time it is asked for), the token first used
    few = reads()
    for n in range(6, 16):
        risk = a_risk(f"SR{n}", f"Risk {n}")
        reviewed(risk, "2023-24-q1", 2, 2)
        reviewed(risk, "2023-24-q2", 4, 4)
        risk.actions.create(description="An action")
    reads()  # what requests share (reporting.readers_cache), read again since the data changed
    assert reads() == few


def test_approving_a_review_keeps_the_report_for_the_worker(demo_users, risks, django_capture_on_commit_callbacks):
    from reporting.risks.services import approve_review

    review = reviewed(a_risk("SR6", "Late approval"), "2023-24-q2", 3, 4, state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        approve_review(review=review, by=demo_users["approver"], version=review.version)
    kept = Paper.objects.get(kind=Paper.Kind.REPORT, title="Risk register report – 2023/24 Q2")
    assert not kept.pdf  # queued: the worker makes its PDF, never the request
    assert "Late approval" in " ".join(docx_blocks(docx.Document(kept.docx.open("rb"))))
