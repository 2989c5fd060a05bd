"""“What needs attention” in the briefing: an optional section the Economy Cell includes and may
edit, numbered with the rest, on the page, in the Word document and its PDF, issued with the
briefing and kept as issued; each line links to its KPI, which a reader can open."""
import io
import subprocess
import tempfile
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.docx import briefing_docx_bytes
from reporting.briefings.papers import a_reader
from reporting.briefings.selectors import briefing_context
from reporting.briefings.services import issue_briefing
from reporting.documents.pdf import convert_to_pdf
from reporting.models import Briefing, QuarterlyReturn
from tests.reporting.document_text import docx_blocks

EDIT = reverse("briefing-edit", args=["2023-24-q2"])
PAGE = reverse("briefing", args=["2023-24-q2"])
LINE = ("HOU-01 Social housing completions: Red for 2023/24 Q1 (12) and for 2023/24 Q2 (9): Red two quarters running.")


def form_data(**overrides):
    data = {"title": "Quarter 2 progress", "purpose": "To update Cabinet Member on Q2.",
            "recommendations": "That Cabinet Member notes progress.", "background": "Background.",
            "governance": "Before.\n\nAfter.", "progress_introduction": "Intro.", "version": "0"}
    data.update(overrides)
    return data


def approved(kpi, period, value, rag, commentary="Explained."):
    m, _ = Measurement.objects.update_or_create(kpi=kpi, period=period, defaults=dict(
        value=Decimal(value), not_available=False, rag_calculated=rag, frozen_rag=rag, frozen_at=timezone.now(),
        commentary=commentary, data_for="", data_for_end=None))
    return m


@pytest.fixture
def q2(sefton):
    """Housing approved for 2023/24 Q2; HOU-01 Red for Q1 and Q2 (approved); a draft Red TOU-01 for Q2."""
    q1, q2 = ReportingPeriod.objects.get(slug="2023-24-q1"), ReportingPeriod.objects.get(slug="2023-24-q2")
    housing = SubStrand.objects.get(slug="housing")
    QuarterlyReturn.objects.create(sub_strand=housing, period=q2, state="approved", overall_rag="amber", commentary="Q2.")
    hou01 = KPI.objects.get(code="HOU-01")
    approved(hou01, q1, 12, "red")
    approved(hou01, q2, 9, "red")
    return q2


def included(client, **overrides):
    response = client.post(EDIT, form_data(include_attention="on", **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Briefing.objects.get(period__slug="2023-24-q2")


def test_the_section_is_included_numbered_with_the_rest_and_links_each_line(client_for, q2):
    client = client_for("coordinator")
    note = included(client, include_what_changed="on")
    assert note.include_attention and note.attention_text == ""  # the rules' lines, left as they are: they stay live
    html = client.get(PAGE).content.decode()
    section = html[html.index('id="section-attention"'):html.index('id="what-changed"')]
    assert "7. What needs attention" in section
    assert f'<a class="govuk-link" href="{reverse("kpi", args=["HOU-01"])}">HOU-01 Social housing completions</a>' in section
    assert ": Red for 2023/24 Q1 (12) and for 2023/24 Q2 (9): Red two quarters running." in section
    assert "8. What changed since" in html


def test_without_it_what_changed_stays_section_7(client_for, q2):
    client = client_for("coordinator")
    client.post(EDIT, form_data(include_what_changed="on"))
    html = client.get(PAGE).content.decode()
    assert "What needs attention" not in html and "7. What changed since" in html


def test_the_edit_form_offers_the_rules_lines_and_keeps_the_economy_cells_edit(client_for, q2):
    client = client_for("coordinator")
    form = client.get(EDIT).content.decode()
    assert LINE in form  # the rules' lines, to edit
    edited = f"1. {LINE} The Economy Cell is meeting the provider.\n2. A paragraph of our own."
    note = included(client, attention_text=edited)
    assert note.attention_text == edited
    html = client.get(PAGE).content.decode()
    assert "The Economy Cell is meeting the provider." in html and "A paragraph of our own." in html
    context = briefing_context(period=q2, user=client_for("coordinator").get(PAGE).wsgi_request.user)
    blocks = docx_blocks(docx.Document(io.BytesIO(briefing_docx_bytes(context))))
    assert any("The Economy Cell is meeting the provider." in b for b in blocks)


def test_a_reader_never_finds_a_draft_figure_in_the_section(client_for, q2):
    hou03 = KPI.objects.get(code="TOU-01")
    approved(hou03, ReportingPeriod.objects.get(slug="2023-24-q1"), 5, "red")
    Measurement.objects.update_or_create(kpi=hou03, period=q2, defaults=dict(value=Decimal("424242"), rag_calculated="red",
                                                                           not_available=False, frozen_at=None))
    included(client_for("coordinator"))
    html = client_for("coordinator").get(PAGE).content.decode()  # who may see drafts, reading the draft briefing
    section = html[html.index('id="section-attention"'):]
    section = section[:section.index("</section>")]
    assert "HOU-01 Social housing completions" in section
    assert "424,242" not in section and "TOU-01" not in section  # a briefing reports approved figures, whoever reads it


def text_of_pdf(content):
    pdf = convert_to_pdf(content)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout


def test_issued_with_the_briefing_kept_as_issued_in_the_page_word_and_pdf(client_for, demo_users, q2):
    note = included(client_for("coordinator"))
    issue_briefing(briefing=note, by=demo_users["approver"])
    note.refresh_from_db()
    assert note.attention_text.startswith("1. HOU-01 Social housing completions: Red for 2023/24 Q1 (12)")
    # a late change to the figures does not change the issued section
    approved(KPI.objects.get(code="HOU-01"), q2, 700, "green")
    reader = client_for("cabinet")
    html = reader.get(PAGE).content.decode()
    assert LINE.split(": ", 1)[1] in html
    # the readers' paper, as issuing keeps it (reporting.briefings.papers.keep_issued)
    content = briefing_docx_bytes(briefing_context(period=q2, user=a_reader(), briefing=Briefing.objects.get(pk=note.pk)))
    blocks = docx_blocks(docx.Document(io.BytesIO(content)))
    heading = blocks.index("7. What needs attention")
    assert blocks[heading + 1].replace("\t", " ") == f"1. {LINE}"
    hyperlinks = [r.target_ref for r in docx.Document(io.BytesIO(content)).part.rels.values() if "hyperlink" in r.reltype]
    assert any(ref.endswith(reverse("kpi", args=["HOU-01"])) for ref in hyperlinks)
    pdf = " ".join(text_of_pdf(content).split())
    assert "7. What needs attention" in pdf
    assert "Red for 2023/24 Q1 (12) and for 2023/24 Q2 (9): Red two quarters running." in pdf


def test_a_reader_follows_each_line_of_the_issued_briefing_to_its_kpi(client_for, demo_users, q2):
    issue_briefing(briefing=included(client_for("coordinator")), by=demo_users["approver"])
    reader = client_for("cabinet")
    context = briefing_context(period=q2, user=demo_users["cabinet"])
    linked = [item for item in context["attention_items"] if item.kpi is not None]
    assert linked
    for item in linked:
        page = reader.get(item.kpi.get_absolute_url())
        assert page.status_code == 200 and item.kpi.title in page.content.decode()
