"""A second council's 4 x 4 matrix with its own words (levels, bands, appetite) works through the same
papers: the committee report's heat map and register (page and Word), the briefing's risk section,
the workbook's risk sheet, the API and the open data all say its words, never the default 5 x 5's."""
import csv
import io

import docx
from django.test import Client
from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.api.tokens import issue_token
from reporting.models import RiskReview
from reporting.risks.briefing import suggested_risks
from reporting.risks.docx import build_risk_report_docx
from reporting.risks.report import risk_report_contents
from reporting.workbooks.export import build_briefing_workbook
from tests.reporting.document_text import docx_blocks
from tests.reporting.risks.helpers import FOUR_BY_FOUR_IMPACT, FOUR_BY_FOUR_LIKELIHOOD, four_by_four
from tests.reporting.risks.paper_helpers import STRATEGY, a_risk, reviewed

WORDS = "Likely (3) x Serious (3) = 9, Act now"
DEFAULT_WORDS = ["Almost certain", "Severe", "Very high", "Insignificant"]


def test_a_four_by_four_matrix_in_its_own_words_through_the_papers(sefton, demo_users, client_for):
    four_by_four()
    q2 = ReportingPeriod.objects.get(strategy__slug=STRATEGY, slug="2023-24-q2")
    risk = a_risk("SR1", "Investment slows", inherent=(4, 4), target=(1, 2))
    reviewed(risk, "2023-24-q1", 2, 2)
    reviewed(risk, "2023-24-q2", 3, 3)
    reviewed(a_risk("SR2", "Footfall falls", inherent=(2, 2), target=(1, 1)), "2023-24-q2", 1, 2, direction="stable")

    report = risk_report_contents(q2)
    assert report.heat_map.headings == ["Impact \\ Likelihood", *[f"{n} ({i})" for i, n in enumerate(FOUR_BY_FOUR_LIKELIHOOD, 1)]]
    assert [impact.name for impact, _ in report.heat_map.rows] == list(reversed(FOUR_BY_FOUR_IMPACT))
    assert [band.name for band, _ in report.by_band] == ["Act now", "Monitor", "Tolerable"]
    cells = {(c.likelihood, c.impact): c for _, row in report.heat_map.rows for c in row}
    assert cells[(3, 3)].count == 1 and cells[(3, 3)].band.name == "Act now" and len(cells) == 16

    reader = client_for("cabinet")
    heat = reader.get(f"{reverse('risk-heat-map')}?period={q2.slug}").content.decode()  # r2-pages' page
    assert "Very likely" in heat and "Critical" in heat and "Act now" in heat
    register = reader.get(f"{reverse('risk-register')}?period={q2.slug}").content.decode()
    assert "Act now" in register and "Tolerable" in register and "Outside appetite (above 6)" in register
    for html in (heat, register):
        assert not any(default in html for default in DEFAULT_WORDS)
    page = reader.get(reverse("risk-report", args=[STRATEGY, q2.slug])).content.decode()
    words = " ".join(docx_blocks(docx.Document(io.BytesIO(build_risk_report_docx(report)))))
    for text in (page, words):
        assert WORDS in text and "Very likely (4)" in text and "Critical (4)" in text
        assert "Outside appetite (above 6)" in text and "Within appetite" in text  # the council's appetite words
        assert not any(default in text for default in DEFAULT_WORDS)

    assert suggested_risks(q2) == f"1. SR1 Investment slows: {WORDS}; outside appetite (above 6); up from 4 in 2023/24 Q1"

    sheet = build_briefing_workbook(period=q2, user=demo_users["cabinet"])["Risk register"]
    sr1 = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "SR1")
    assert sr1[6] == WORDS and sr1[7] == "Act now"

    api = Client(headers={"Authorization": f"Bearer {issue_token(user=demo_users['cabinet'], name='r').secret}"})
    current = next(r["current"] for r in api.get(f"/api/v1/risk-reviews/?period={q2.slug}").json()["results"]
                   if r["reference"] == "SR1")
    assert current["likelihood_name"] == "Likely" and current["impact_name"] == "Serious" and current["band"] == "Act now"

    RiskReview.objects.update(state="published")
    rows = list(csv.DictReader(io.StringIO(Client().get("/public/data/risks.csv").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["risk_reference"] == "SR1" and r["reported_in"] == q2.label)
    assert row["score_words"] == WORDS and row["band"] == "Act now" and row["outside_appetite"] == "true"
