"""The briefing note as a Word document: the Q1 2023/24 note as the council wrote it, from the database."""
import datetime
import io
import re
from pathlib import Path

import docx
import pytest
from django.conf import settings

from objectives.models import ReportingPeriod
from reporting.models import Briefing
from reporting.briefings.selectors import briefing_context
from reporting.briefings.docx import build_briefing_docx
from tests.reporting.document_text import docx_blocks, html_blocks, paragraph_texts, words

SEED = Path(settings.BASE_DIR) / "fixtures" / "sources" / "ses-q1-2023-24-briefing-note.txt"
# The seed's own headings of section 6, in its order (as the PDF's text gives them).
SEED_HEADINGS = [
    "Business Growth & Investment",
    "Employment and access to work",
    "Regenerated Places- Growth & Strategic Investment Programme",
    "Regenerated Places- Housing",
    "Regenerated Places- Planning",
    "Regenerated Places- Tourism",
    "Social Inclusion- Equality& Diversity",
    "Social Inclusion-Sustainable Travel",
    "Social Inclusion- Net Zero/Low Carbon",
    "Social Inclusion- Health & Wellbeing",
    "Social Inclusion-Digital",
]
STATUS = re.compile(r"Overall\s+status\s+(Green|Amber|Red)", re.IGNORECASE)


def lines(cell):
    """A table cell's lines, without the spaces that pad a shaded RAG word."""
    return [line.strip() for line in cell.replace("\xa0", " ").split("\n")]


def squash(text):
    return re.sub(r"\s+", "", text)


def seed_summary():
    """[(status word, commentary)] for each area of section 6 of the seed, in its order."""
    text = SEED.read_text(encoding="utf-8")
    text = text[text.index("6. Quarter 1 April-June 2023 performance summary"):]
    matches = list(STATUS.finditer(text))
    assert len(matches) == len(SEED_HEADINGS)
    found = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        chunk = squash(text[match.end():end])
        if i + 1 < len(matches):
            heading = squash(SEED_HEADINGS[i + 1])
            assert chunk.endswith(heading), (i, chunk[-80:])
            chunk = chunk[: -len(heading)]
        found.append((match.group(1).capitalize(), chunk))
    return found


def open_docx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response["Content-Disposition"]
    return docx.Document(io.BytesIO(response.content))


def summary_of(document):
    """[(heading, status word, commentary)] from section 6 of the document, in its order (list
    items with the numbers Word draws for them)."""
    paragraphs = document.paragraphs
    texts = paragraph_texts(document, paragraphs)
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text.startswith("6. "))
    found, heading, current = [], None, None
    for p, text in zip(paragraphs[start + 1:], texts[start + 1:]):
        if p.style.name == "Heading 1":
            break
        if p.style.name.startswith("Heading"):
            heading = p.text
            continue
        if p.text.startswith("Overall status:"):
            current = [heading, p.text.split(":", 1)[1].split()[0], ""]
            found.append(current)
        elif current is not None:
            current[2] += text
    return found


@pytest.fixture
def q1_docx(client_for):
    return open_docx(client_for("cabinet").get("/periods/2023-24-q1/briefing.docx"))


def test_every_sub_strands_status_and_commentary_is_the_seeds_in_the_seeds_order(q1_docx):
    seed = seed_summary()
    document = summary_of(q1_docx)
    assert len(document) == len(seed) == 11
    for (heading, word, commentary), (seed_word, seed_commentary) in zip(document, seed):
        assert word == seed_word, heading
        assert squash(commentary) == seed_commentary, heading
    assert [h for h, _, _ in document][2:6] == [
        "Regenerated Places – Growth & Strategic Investment Programme", "Regenerated Places – Housing",
        "Regenerated Places – Planning", "Regenerated Places – Tourism",
    ]
    assert [w for _, w, _ in document].count("Amber") == 1


def test_the_note_has_real_headings_numbered_as_the_seed(q1_docx):
    headings = [(p.style.name, p.text) for p in q1_docx.paragraphs if p.style.name.startswith("Heading")]
    level_one = [text for style, text in headings if style == "Heading 1"]
    assert level_one == [
        "1.0 Purpose of Briefing Note",
        "2.0 Recommendations",
        "3. Background",
        "4 Governance & reporting",
        "5. Progress to date",
        "6. Quarter 1 April–June 2023 performance summary",
    ]
    # Section 6 is area by area, as the seed writes it: no objective headings numbered 1.–4.
    level_two = [text for style, text in headings if style == "Heading 2"]
    assert level_two[:3] == ["Business Growth & Investment", "Employment and access to work",
                             "Regenerated Places – Growth & Strategic Investment Programme"]
    assert len(level_two) == 11 and not any(text[:1].isdigit() for text in level_two)
    texts = [p.text for p in q1_docx.paragraphs]
    background = next(t for t in texts if t.startswith("3.1\t"))
    assert "On 3rd November 2022 Sefton Council Cabinet approved" in background
    assert any(t.startswith("3.2\tCabinet Member (Regeneration & Skills) approved") for t in texts)
    assert any(t.startswith("4.1\tThe Economy Cell meets quarterly") for t in texts)
    assert any(t.startswith("4.2\tCabinet Member will be fully consulted") for t in texts)
    assert "To update Cabinet Member on progress with the Sefton Economic Strategy Action Plan 2023/24" in texts
    assert not any("previous status" in t or t.startswith("Issued") for t in texts)


def test_the_summarys_lists_are_word_lists_numbered_as_written(q1_docx):
    texts = paragraph_texts(q1_docx, q1_docx.paragraphs)
    listed = [(p, t) for p, t in zip(q1_docx.paragraphs, texts) if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert [t for _, t in listed][:5] == [
        "1. Progress of the Youth Board / Shadow Board discussions",
        "2. Engagement with Southport Learning Trust schools, Southport Learning Partnership and Colleges "
        "(Southport College and Hugh Baird)",
        "3. Review of Future Southport pages – Digital engagement",
        "4. Representatives at the inaugural Sefton Huddle",
        "5. Updating website information.",
    ]
    assert [t for _, t in listed][5].startswith("1) Employment related opportunities for key priority groups")
    assert len(listed) == 10
    # The Digital highlights keep their lines, as in the seed.
    digital = next(p for p in q1_docx.paragraphs if p.text.startswith("Sefton's Digital strategy work"))
    assert digital.text.split("\n")[1:3] == [
        "Gov Roam deployed across all Council sites alongside public, guest and corporate wifi to support co-location",
        "Sefton's Data Centre migrated to Azure Cloud",
    ]


def test_the_governance_calendar_is_a_real_table(q1_docx):
    calendar = q1_docx.tables[0]
    headings = [c.text for c in calendar.rows[0].cells]
    assert headings[:2] == ["Economy Cell meeting", "Dashboard update deadline"]
    rows = [[c.text for c in r.cells] for r in calendar.rows[1:]]
    assert rows == [
        ["", "", "Monthly", ""],
        ["9 June 2023", "", "", ""],
        ["7 September 2023", "1 September 2023", "", ""],
        ["30 November 2023", "", "7 November 2023", ""],
        ["18 January 2024", "7 February 2024", "", "5 March 2024"],
    ]
    header = calendar.rows[0]._tr.trPr
    assert header is not None and "tblHeader" in header.xml


def test_the_objectives_table_and_no_kpi_annex_the_seed_does_not_have(q1_docx):
    objectives = q1_docx.tables[1]
    rows = {r.cells[0].text: r.cells[1].text.split("\n") for r in objectives.rows[1:]}
    assert rows["Regenerated Places"] == ["Growth & Strategic Investment Programme", "Housing", "Planning", "Tourism"]
    assert rows["Business Growth & Investment"] == [""]
    assert len(q1_docx.tables) == 2


def test_what_changed_and_the_kpi_appendix_when_the_coordinator_includes_them(demo_users, sefton):
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_what_changed=True, include_kpi_appendix=True)
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    document = build_briefing_docx(briefing_context(period=period, user=demo_users["cabinet"]))
    level_one = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level_one[-3:] == ["6. Quarter 1 April–June 2023 performance summary", "7. What changed this quarter",
                              "Appendix: Key Performance Indicators"]
    annex = document.tables[2]
    rows = {r.cells[0].text.split()[0]: [c.text for c in r.cells] for r in annex.rows[1:]}
    assert sorted(rows) == ["HOU-02", "PLA-01", "PLA-02", "TOU-01", "TOU-02", "TOU-03", "TOU-04"]
    assert "640" in rows["HOU-02"][2]
    assert rows["TOU-01"][3].startswith("Not yet available")
    assert "Calendar year 2022" in rows["TOU-01"][6]
    assert lines(rows["PLA-01"][4])[0] == "Green" and rows["PLA-01"][3] == "Achieved"


def test_the_appendix_says_each_kpis_forecast_variation_and_assurance_in_words(demo_users, sefton):
    """The Word appendix (and so its PDF, made from it) says the forecast at the year's end, the
    variation and the assurance in words; the Sefton demo's first quarter has no figure to chart yet.
    (Planted verdicts: tests/reporting/briefings/test_appendix_verdicts.py.)"""
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_kpi_appendix=True)
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    document = build_briefing_docx(briefing_context(period=period, user=demo_users["cabinet"]))
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells][4:6] == ["RAG now and forecast at year end", "Variation and assurance"]
    rows = {r.cells[0].text.split()[0]: [c.text for c in r.cells] for r in annex.rows[1:]}
    assert lines(rows["HOU-02"][4]) == ["Not rated", "Forecast at year end: No forecast yet"]
    assert lines(rows["HOU-02"][5]) == ["No figures to chart yet", "–"]
    assert lines(rows["PLA-01"][4]) == ["Green", "Forecast at year end: Milestone"]
    assert lines(rows["PLA-01"][5]) == ["Milestone", "–"]


def test_the_page_and_the_document_say_the_same_things_in_the_same_order(client_for, sefton):
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_what_changed=True, include_kpi_appendix=True)
    client = client_for("cabinet")
    page = client.get("/periods/2023-24-q1/briefing/").content.decode()
    document = open_docx(client.get("/periods/2023-24-q1/briefing.docx"))
    on_page, in_document = words(html_blocks(page, "app-briefing")), words(docx_blocks(document))
    assert len(on_page) > 3000
    assert on_page == in_document


def test_the_day_it_was_issued_is_on_the_page_and_in_the_document_alike(client_for, demo_users, sefton):
    briefing = Briefing.objects.get(period__slug="2023-24-q1")
    client = client_for("cabinet")
    document = open_docx(client.get("/periods/2023-24-q1/briefing.docx"))
    assert "dcterms:created" not in document.core_properties._element.xml  # loaded without a date: none at all
    briefing.issued_at = datetime.datetime(2023, 7, 5, 10, 0, tzinfo=datetime.timezone.utc)
    briefing.issued_by = demo_users["approver"]
    briefing.save()
    line = "Issued on 5 July 2023 by " + demo_users["approver"].get_full_name() + "."
    page = client.get("/periods/2023-24-q1/briefing/").content.decode()
    document = open_docx(client.get("/periods/2023-24-q1/briefing.docx"))
    assert line in html_blocks(page, "app-briefing")
    assert line in [p.text for p in document.paragraphs][:3]
    assert document.core_properties.created == briefing.issued_at


def test_the_page_and_the_document_come_from_the_same_context(demo_users, sefton):
    period = ReportingPeriod.objects.get(slug="2023-24-q1")
    context = briefing_context(period=period, user=demo_users["approver"])
    document = build_briefing_docx(context, now=datetime.datetime(2024, 3, 5, 9, 0, tzinfo=datetime.timezone.utc))
    names = [(item.name, item.status_label) for item in context["areas"]]
    assert [(h, w) for h, w, _ in summary_of(document)] == names
    assert document.core_properties.title == context["title"]
    assert "2023/24 Q1" in document.core_properties.subject


def test_a_reader_cannot_download_a_briefing_not_yet_issued(client_for):
    Briefing.objects.create(period=ReportingPeriod.objects.get(slug="2023-24-q2"), title="Draft Q2 briefing")
    assert client_for("cabinet").get("/periods/2023-24-q2/briefing.docx").status_code == 403
    document = open_docx(client_for("coordinator").get("/periods/2023-24-q2/briefing.docx"))
    assert any(p.text.startswith("Draft: this briefing has not been issued yet") for p in document.paragraphs)
    assert document.core_properties.created is not None  # a draft carries the day it was written


def test_unknown_period_is_not_found(client_for):
    assert client_for("cabinet").get("/periods/1999-00-q1/briefing.docx").status_code == 404
