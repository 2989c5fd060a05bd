"""The risk register's whole cycle in one test (issue 26, "Done when"): a risk raised and linked to a
KPI, reviewed and scored up, sent back, approved; shown in the heat map, the briefing and the
committee's risk register report (page, Word, and its PDF made by the real LibreOffice, once, by the
worker); and an exempt risk, approved and published beside it, nowhere public: the public pages, the
open data, the API for a reader's token, the public papers.

Through the services and the test client, as the people do it. The heat map is read through
reporting.risks.selectors.heat_map (r1-core's, which the heat map page draws)."""
import csv
import io
import subprocess
import tempfile

import docx
import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import KPI
from objectives.models import ReportingPeriod
from reporting.api.tokens import issue_token
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import issue_briefing
from reporting.documents.models import Paper
from reporting.documents.worker import claim, convert
from reporting.models import Briefing, RiskReview
from reporting.risks import services
from reporting.risks.selectors import heat_map, visible_risks
from tests.reporting.document_text import docx_blocks
from tests.reporting.public.helpers import approve_q2
from tests.reporting.risks.paper_helpers import STRATEGY, reviewed

pytestmark = pytest.mark.django_db

SCORED_UP = "Likely (4) x Major (4) = 16, High"
SECRET = "Confidential land deal collapses"


def text_of(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return " ".join(subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True,
                                       check=True).stdout.split())


def reviewed_by_services(risk, period, by, *, likelihood, impact, commentary, submit=True):
    review = services.start_review(risk=risk, period=period, by=by)
    return services.save_review(review=review, by=by, submit=submit, data={
        "current_likelihood": likelihood, "current_impact": impact, "direction": "increasing",
        "commentary": commentary, "actions_progress": "Meetings held.", "version": review.version})


def test_a_risk_from_raised_to_the_committee_and_an_exempt_risk_nowhere_public(demo_users, client_for):
    coordinator, officer, approver = demo_users["coordinator"], demo_users["officer"], demo_users["approver"]
    q1 = ReportingPeriod.objects.get(strategy__slug=STRATEGY, slug="2023-24-q1")
    q2 = ReportingPeriod.objects.get(strategy__slug=STRATEGY, slug="2023-24-q2")
    strategy = q2.strategy
    kpi = KPI.objects.get(code="HOU-01")

    # Raised by the Economy Cell, linked to the KPI that warns of it, owned by the officer.
    risk = services.raise_risk(strategy=strategy, by=coordinator, reference="SR1", title="Housing delivery stalls",
                               inherent_likelihood=4, inherent_impact=5, target_likelihood=2, target_impact=3,
                               cause="Developers pause sites", effect="Completions fall short of the plan",
                               owner=officer, owner_title="Head of Housing", kpis=[kpi])
    assert list(kpi.risks.all()) == [risk]
    secret = services.raise_risk(strategy=strategy, by=coordinator, reference="SR9", title=SECRET,
                                 inherent_likelihood=5, inherent_impact=5, target_likelihood=3, target_impact=3,
                                 owner=officer, exempt=True)
    reviewed(risk, q1.slug, 3, 3)  # last quarter's approved score: 9, within appetite

    # Reviewed by its owner and scored up, sent back, changed, approved.
    review = reviewed_by_services(risk, q2, officer, likelihood=4, impact=4, commentary="Two sites paused.")
    assert review.state == "submitted"
    review = services.send_back_review(review=review, by=approver, reason="Say which sites.", version=review.version)
    assert review.state == "returned"
    review = services.save_review(review=review, by=officer, submit=True, data={
        "current_likelihood": 4, "current_impact": 4, "direction": "increasing",
        "commentary": "Sites A and B paused in August.", "actions_progress": "Meetings held.",
        "version": review.version})
    review = services.approve_review(review=review, by=approver, version=review.version)
    assert review.state == "approved"
    hidden = reviewed_by_services(secret, q2, officer, likelihood=5, impact=5, commentary="Confidential.")
    services.approve_review(review=hidden, by=approver, version=hidden.version)

    # The heat map: the risk in its cell, scored up (the selector, and the page a reader opens).
    reader = demo_users["cabinet"]
    cells = {(c.likelihood, c.impact): c for row in heat_map(list(visible_risks(reader, strategy)), q2, reader)
             for c in row}
    assert "SR1" in cells[(4, 4)].references and "SR1" not in cells[(3, 3)].references
    page = client_for("cabinet").get(reverse("risk-heat-map") + f"?period={q2.slug}").content.decode()
    assert f"period={q2.slug}&amp;likelihood=4&amp;impact=4" in page and "SR1 Housing delivery stalls" in page

    # The briefing: its risk section, issued (which publishes the approved reviews).
    approve_q2(demo_users)
    edit = client_for("coordinator").post(reverse("briefing-edit", args=[q2.slug]), {
        "title": "Quarter 2 progress", "purpose": "Purpose.", "recommendations": "Note it.", "background": "B.",
        "governance": "G.", "progress_introduction": "P.", "include_risks": "on", "version": "0"})
    assert edit.status_code == 302
    issue_briefing(briefing=briefing_for(q2), by=approver)
    assert Briefing.objects.get(period=q2).risks_text.startswith(
        f"1. SR1 Housing delivery stalls: {SCORED_UP}; outside appetite (above 9); up from 9 in 2023/24 Q1")
    assert RiskReview.objects.get(pk=review.pk).state == "published"
    cabinet = client_for("cabinet")
    page = cabinet.get(reverse("briefing", args=[q2.slug])).content.decode()
    assert "7. Risks that need attention" in page and SCORED_UP in page

    # The committee report: page, Word and the PDF the worker makes (LibreOffice, once).
    report_url = reverse("risk-report", args=[STRATEGY, q2.slug])
    page = cabinet.get(report_url).content.decode()
    assert "SR1" in page and SCORED_UP in page and "Sites A and B paused in August." in page
    assert "HOU-01" in page  # the KPI that warns of it
    word = cabinet.get(reverse("risk-report-docx", args=[STRATEGY, q2.slug]))
    words = " ".join(docx_blocks(docx.Document(io.BytesIO(word.content))))
    assert SCORED_UP in words and "If developers pause sites, then completions fall short of the plan" in words
    pdf_url = reverse("risk-report-pdf", args=[STRATEGY, q2.slug])
    assert cabinet.get(pdf_url).status_code == 202  # being prepared: never made in the request
    paper = Paper.objects.get(kind=Paper.Kind.REPORT, pdf="", title__startswith="Risk register report")
    assert claim(paper.pk, "test-worker")
    convert(Paper.objects.get(pk=paper.pk), "test-worker")
    served = cabinet.get(pdf_url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    pdf = text_of(served.content)
    assert "SR1" in pdf and SCORED_UP in pdf and "2. The heat map" in pdf

    # The exempt risk: nowhere public.
    public = Client()
    for url in (reverse("public-briefing", args=[q2.slug]), reverse("public-quarter", args=[q2.slug]),
                "/public/data/risks.csv", "/public/data/risks.json"):
        response = public.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode() and "SR9" not in response.content.decode(), url
    rows = list(csv.DictReader(io.StringIO(public.get("/public/data/risks.csv").content.decode("utf-8-sig"))))
    assert {r["risk_reference"] for r in rows} == {"SR1"}  # published, and not exempt
    token = Client(headers={"Authorization": f"Bearer {issue_token(user=reader, name='Power BI').secret}"})
    for url in ("/api/v1/risks/", "/api/v1/risk-reviews/", f"/api/v1/risk-reviews/?period={q2.slug}"):
        body = token.get(url).content.decode()
        assert "SR1" in body and SECRET not in body and "SR9" not in body, url
    assert SECRET not in words and SECRET not in pdf and SECRET not in page  # the committee report as published
