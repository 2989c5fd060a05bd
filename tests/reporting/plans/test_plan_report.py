"""The committee report of the 2017 Action Plan for Employment, checked against the seed's own text."""
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from objectives.models import Action
from reporting.models import ActionUpdate, PlanUpdate
from tests.reporting.plan_helpers import main_text, make_plan, squash, tables_of

SEED = (Path(settings.BASE_DIR) / "fixtures" / "sources" / "employment-action-plan-update-dec-2017.txt").read_text(
    encoding="utf-8"
)
REPORT_URL = "/action-plans/employment/reports/2017-12/"
REPORTED = [1, 2, 3, 5, 7, 9, 10, 11, 14, 15]
# Where each recommendation's narrative starts in the seed (its wording runs up to here).
NARRATIVE_STARTS = {
    1: "The latest available minutes",
    2: "The Cabinet received a substantial report",
    3: "This objective is being progressed",
    5: "Capacity constraints have resulted",
    7: "An update with a detailed report",
    9: "The Sefton Adult Community Learning Service",
    10: "The Framework for Change includes",
    11: "The Turnaround programme formally reports",
    14: "InvestSefton continues this work",
    15: "The cumulative impact of Welfare Reform",
}
BULLET = "\uf0b7"  # the PDF's bullet glyph, which carries no text


def seed_recommendations():
    """{number: (wording, [narrative paragraphs])} cut from the seed's "Progress Against Recommendations"."""
    progress = SEED[SEED.index("2 Progress Against Recommendations"):]
    starts = [(int(m.group(1)), m.start()) for m in re.finditer(r"^\s*\((\d+)\) ", progress, flags=re.M)]
    found = {}
    for i, (number, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(progress)
        block = progress[start:end]
        cut = block.index(NARRATIVE_STARTS[number])
        wording = re.sub(r"^\s*\(\d+\)\s*", "", block[:cut])
        paragraphs = [p.replace(BULLET, "") for p in re.split(r"\n\s*\n", block[cut:]) if p.strip()]
        found[number] = (wording, paragraphs)
    return found


def test_the_seed_reports_on_exactly_these_recommendations():
    assert sorted(seed_recommendations()) == REPORTED


@pytest.fixture
def report_page(client_for):
    response = client_for("scrutiny").get(REPORT_URL)
    assert response.status_code == 200
    return response


def test_the_report_lives_at_its_address_and_is_the_updates_own(sefton):
    update = PlanUpdate.objects.get(plan__slug="employment", slug="2017-12")
    assert update.get_absolute_url() == REPORT_URL
    assert reverse("plan-report-docx", args=["employment", "2017-12"]) == REPORT_URL + "report.docx"


def test_december_2017_report_shows_every_recommendation_with_its_wording_and_narrative_as_in_the_seed(report_page):
    text = squash(main_text(report_page))
    positions = []
    for number, (wording, paragraphs) in seed_recommendations().items():
        heading = squash(f"({number}) {wording}")
        assert heading in text, number
        positions.append(text.index(heading, text.index(squash("2 Progress Against Recommendations"))))
        assert squash(wording) in text, f"wording of ({number}) differs from the seed"
        for paragraph in paragraphs:
            assert squash(paragraph) in text, f"({number}): not in the report as the seed has it: {paragraph[:80]!r}"
    assert positions == sorted(positions), "recommendations are not in number order"


def test_report_names_the_recommendations_not_reported_on(report_page):
    text = " ".join(main_text(report_page).split())
    assert "Not reported on in this update: (4), (6), (8), (12), (13)." in text


# The paper's headings, in its order (each is in the seed, in this order: checked below).
SEED_HEADINGS = [
    "Summary", "Recommendation(s)", "Reasons for the Recommendation(s)", "Alternative Options Considered and Rejected",
    "What will it cost and how will it be financed?", "(A) Revenue Costs", "(B) Capital Costs",
    "Implications of the Proposals", "Resource Implications (Financial, IT, Staffing and Assets)",
    "Legal Implications", "Equality Implications", "Contribution to the Council’s Core Purpose",
    "Protect the most vulnerable", "Facilitate confident and resilient communities",
    "Commission, broker and provide core services", "Place – leadership and influencer",
    "Drivers of change and reform", "Facilitate sustainable economic prosperity",
    "Greater income for social investment", "Cleaner Greener",
    "What consultations have taken place on the proposals and when?", "(A) Internal Consultations",
    "(B) External Consultations", "Implementation Date for the Decision", "Appendices",
    "Background Papers", "1. Introduction/Background", "Sefton MBC – Action Plan for Employment – update at December 2017",
    "1. Overview of Progress", "The Centrality of Sefton’s Economic Strategy", "2 Progress Against Recommendations",
]


def in_order(text, phrases):
    last = -1
    for phrase in phrases:
        at = text.find(phrase, last + 1)
        assert at > last, f"{phrase!r} missing or out of order"
        last = at


def test_the_papers_headings_are_the_seeds_in_the_seeds_order():
    in_order(squash(SEED), [squash(h) for h in SEED_HEADINGS])


def test_report_cover_follows_the_councils_template_as_the_seed_shows_it(report_page):
    text = " ".join(main_text(report_page).split())
    in_order(text, SEED_HEADINGS)
    for phrase in [
        "Note the progress achieved against the agreed objectives",
        "To comply with a decision of the Cabinet for an Action Plan with regular update reporting",
        "There are no financial implications arising from this report.",
        "The Head of Corporate Resources (FD4997/18) and Head of Regulation and Compliance (LD4282/18)",
        "Contact Officer: Claire Maguire", "Telephone Number: 0151 934 2684", "Email Address: claire.maguire@sefton.gov.uk",
        "There are no appendices to this report", "There are no background papers available for inspection.",
    ]:
        assert phrase in text, phrase


def test_each_recommendation_is_numbered_once_and_headed_by_its_wording(report_page):
    text = " ".join(main_text(report_page).split())
    for number, (wording, _) in seed_recommendations().items():
        start = " ".join(wording.split()[:3])
        assert text.count(f"({number}) {start}") == 1, number
        assert f"({number}) ({number})" not in text
    html = report_page.content.decode()
    assert '<h3 class="govuk-heading-s app-recommendation__wording" id="recommendation-1-title">(1) Actively supports' in html


REFERRAL_ROWS = [["MSIF loan finance", "25"], ["New markets", "41"], ["Premises", "22"], ["Skills for Growth", "7"],
                 ["Start up", "91"], ["Trade/export", "5"], ["International Business Festival 2018", "10"]]


def test_the_referral_breakdown_is_written_once_as_the_table_the_paper_has_and_no_invented_tables(report_page):
    text = main_text(report_page)
    squashed = squash(text)
    assert squashed.count(squash(" ".join(" ".join(row) for row in REFERRAL_ROWS))) == 1
    assert squashed.count("MSIFloanfinance") == 1
    # The paper's one table: the referrals by type, its lines as the narrative writes them (the
    # figure's breakdown says they are one); no tables of output figures of our own.
    assert [t["rows"] for t in tables_of(report_page)] == [[["Type", "Referrals"], *REFERRAL_ROWS]]
    assert "Output figures" not in text and "1 apprentices" not in text and "inferred" not in text


def test_an_attachment_without_a_file_or_address_is_named_by_its_name_alone(report_page):
    text = " ".join(main_text(report_page).split())
    assert "mrg september 17 minutes.docx" in text and "cmr 25.5.17 - social value.docx" in text
    assert "not available" not in text
    assert '<a class="govuk-link" href="http://www.investsefton.com/">http://www.investsefton.com/</a>' in \
        report_page.content.decode()


def _figures(tables, number):
    table = _table(tables, f"Output figures for recommendation ({number})")
    return {row[0]: row[1] for row in table["rows"][1:]}


def _table(tables, caption_start):
    matches = [t for t in tables if t["caption"].startswith(caption_start)]
    assert matches, f"no table captioned {caption_start!r}; captions: {[t['caption'] for t in tables]}"
    return matches[0]


@pytest.fixture
def figures_of(client_for):
    """The output figures' tables on a recommendation's own page (they are data: not in the report)."""
    client = client_for("scrutiny")

    def tables(number):
        response = client.get(f"{REPORT_URL}progress/{number}/")
        assert response.status_code == 200
        return tables_of(response)

    return tables


def test_output_figures_are_tables_in_words_and_uk_money_on_the_updates_page(figures_of):
    eleven = _figures(figures_of(11), 11)
    assert eleven["Claims for Continuous Employment"] == "81 claims"
    assert eleven["Claims for Significant and Sustained Progress featuring Employability issues"] == "65 claims"

    three = _figures(figures_of(3), 3)
    assert three["Spend from the first three contracts let"] == "£860,000 a year"
    assert three["Further spend with a Sefton supplier (projected)"] == "£150,000 a year (projected)"
    assert three["Temporary jobs for The Open Golf Championship 2017 through local recruitment"] == "more than 300 jobs"

    tables = figures_of(14)
    fourteen = _figures(tables, 14)
    assert fourteen["Job opportunities helped to secure, attract or create"] == "over 1,532 jobs"
    assert fourteen["Private sector investment generated"] == "£35m"
    assert fourteen["Kura: jobs"] == "200 jobs rising to 400"
    assert fourteen["Home Office/Immigration Government departments: jobs"] == "500 jobs rising to 1,000"
    assert fourteen["Clients with disabilities and health conditions supported"] == "nearly 500 people"
    assert fourteen["Personalised budget for each young person"] == "up to £500"
    assert fourteen["Additional Intermediate Labour Market Programme places being recruited"] == "30 places (projected)"
    table = _table(tables, "Managed referral of Sefton businesses")
    assert table["rows"][1:3] == [["MSIF loan finance", "25"], ["New markets", "41"]]
    row = next(r for r in _table(tables, "Output figures for recommendation (14)")["rows"]
               if r[0] == "Individuals supported in accessing employment support")
    assert row[2] == "since the beginning of the ESF programme"


def test_report_downloads_as_a_word_document_with_the_papers_headings_and_recommendations(client_for, report_page):
    response = client_for("scrutiny").get(REPORT_URL + "report.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="employment-report-2017-12.docx"' in response["Content-Disposition"]
    doc = Document(BytesIO(response.content))

    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    page = " ".join(main_text(report_page).split())
    for heading in headings:
        assert heading in page, f"docx heading {heading!r} is not on the page"
    in_order("\n".join(headings), SEED_HEADINGS)
    assert {p.style.name for p in doc.paragraphs if p.text == "The Centrality of Sefton’s Economic Strategy"} == {"Heading 3"}
    recommendations = [p for p in doc.paragraphs if p.style.name == "Heading 2" and p.text[:1] == "("
                       and p.text[1:p.text.index(")")].isdigit()]
    assert [int(p.text[1:p.text.index(")")]) for p in recommendations] == REPORTED
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    assert tables == [[["Type", "Referrals"], *REFERRAL_ROWS]]  # the referrals as the paper's table, and no other
    body = squash("\n".join(p.text for p in doc.paragraphs) + "\n".join(" ".join(row) for row in tables[0][1:]))
    for number, (wording, paragraphs) in seed_recommendations().items():
        assert body.count(squash(f"({number}) {wording}")) == 1, f"({number}) not numbered once"
        for paragraph in paragraphs:
            assert squash(paragraph) in body, f"({number}) narrative not in the .docx: {paragraph[:60]!r}"
    assert any(p._p.pPr is not None and p._p.pPr.numPr is not None for p in doc.paragraphs)  # bullets as a Word list
    assert body.count("MSIFloanfinance") == 1
    assert "Progress reported up to" not in body  # the paper gives the month only: no inferred date
    lines = [p.text for p in doc.paragraphs]
    for line in ("Contact Officer: Claire Maguire", "Telephone Number: 0151 934 2684",
                 "Email Address: claire.maguire@sefton.gov.uk"):
        assert line in lines, line


def test_readers_never_see_an_unapproved_update_on_the_page_or_in_the_docx(sefton, client_for):
    update = PlanUpdate.objects.get(plan__slug="employment", slug="2017-12")
    action = Action.objects.get(plan__slug="employment", number=4)
    for state in ["draft", "submitted", "returned"]:
        ActionUpdate.objects.filter(action=action, plan_update=update).delete()
        ActionUpdate.objects.create(action=action, plan_update=update, state=state, narrative=f"UNAPPROVED-{state}")
        for reader in ["cabinet", "scrutiny"]:
            client = client_for(reader)
            page = client.get(REPORT_URL)
            assert f"UNAPPROVED-{state}" not in page.content.decode()
            assert "(4) " not in main_text(page).replace("(4), ", "")
            docx = Document(BytesIO(client.get(REPORT_URL + "report.docx").content))
            assert f"UNAPPROVED-{state}" not in "\n".join(p.text for p in docx.paragraphs)
            assert client.get(REPORT_URL + "progress/4/").status_code == 403
            assert f"UNAPPROVED-{state}" not in client.get(REPORT_URL + "progress/").content.decode()
    # The committee report holds approved updates only, even for the Economy Cell, who are told what is missing.
    page = client_for("coordinator").get(REPORT_URL)
    assert "UNAPPROVED-returned" not in page.content.decode()
    assert "1 update in this round is not yet approved" in " ".join(main_text(page).split())


def test_report_page_query_count_does_not_grow_with_the_plan(db, demo_users, client_for):
    client = client_for("cabinet")
    counts = []
    for size, slug in [(2, "small"), (12, "large")]:
        plan, round_ = make_plan(size, slug=slug)
        url = round_.get_absolute_url()
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="app-recommendation"') == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_docx_query_count_does_not_grow_with_the_plan(db, demo_users, client_for):
    client = client_for("scrutiny")
    counts = []
    for size, slug in [(2, "small"), (12, "large")]:
        plan, round_ = make_plan(size, slug=slug)
        url = reverse("plan-report-docx", args=[plan.slug, round_.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        paragraphs = Document(BytesIO(response.content)).paragraphs
        assert sum(p.style.name == "Heading 2" and p.text[1:2].isdigit() for p in paragraphs) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_an_unknown_round_or_plan_is_a_404_not_an_error(client_for):
    client = client_for("cabinet")
    assert client.get("/action-plans/employment/reports/1999-01/").status_code == 404
    assert client.get("/action-plans/no-such-plan/reports/2017-12/report.docx").status_code == 404
    assert client.get("/action-plans/employment/reports/2017-12/progress/99/").status_code == 404
