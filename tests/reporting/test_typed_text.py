"""Typed text has one reading: it is kept with line feeds whatever the browser posts, compared by one
rule (unchanged, added to, rewritten: objectives.text.change), and drawn by one filter
(`typed_text`, on reporting.documents.text) on every page, as the Word documents and emails read it."""
import io
import re
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from objectives import text
from reporting.models import Notification, QuarterlyReturn
from reporting.returns import services
from reporting.returns.review import review_queue
from reporting.templatetags import ses
from tests.reporting._returns_support import complete_changes, open_and_post
from tests.reporting.document_text import html_blocks, paragraph_texts

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

LAST_QUARTER = ("Completions are on track.\n"
                "Two schemes started on site.\n"
                "\n"
                "- Bootle: 120 homes\n"
                "- Southport: 80 homes")


# -- comparing a commentary with last quarter's ------------------------------------------------------


@pytest.mark.parametrize("before, after, expected", [
    ("A. B.\nC.", "A.  B.\r\nC.\r\n", "unchanged"),
    ("A.\n\nB.", "A.\r\n \r\n\r\nB.", "unchanged"),
    ("A. B.", "A. B. C.", "added_to"),
    ("A. B.", "A. B.\r\n\r\nC.", "added_to"),
    ("A. B.", "Now. A. B.", "added_to"),
    ("A. B.", "A. C.", "rewritten"),
    ("A. B.", "A.", "rewritten"),
    ("Homes are on track", "Homes are on track, with a delay.", "rewritten"),
    ("", "A.", "new"),
    (None, "A.", "new"),
])
def test_one_rule_says_how_a_commentary_changed(before, after, expected):
    assert text.change(before, after) == expected


@pytest.fixture
def housing_last_quarter(sefton):
    """Housing's published 2023/24 Q1 commentary, of two paragraphs and a list."""
    QuarterlyReturn.objects.filter(period__slug="2023-24-q1", sub_strand__slug="housing").update(commentary=LAST_QUARTER)


def submit_through_the_form(client, edit):
    """The officer opens the Q2 return (its commentary starts as last quarter's), edits it, and
    submits it as a browser does: every line ending CR LF."""
    changes = {k: v for k, v in complete_changes().items() if k != "commentary"}
    page = client.get(reverse("return", args=["2023-24-q2", "housing"]))
    assert page.status_code == 200
    response = open_and_post(client, changes, intent="save")
    assert response.status_code == 302, response.status_code
    ret = QuarterlyReturn.objects.get(period__slug="2023-24-q2", sub_strand__slug="housing")
    assert ret.commentary.replace("\r\n", "\n") == LAST_QUARTER  # started as last quarter's
    commentary = edit(ret.commentary).replace("\r\n", "\n").replace("\n", "\r\n")
    response = open_and_post(client, {**changes, "commentary": commentary}, intent="submit")
    assert response.status_code == 302, response.status_code
    return QuarterlyReturn.objects.get(pk=ret.pk)


def test_typed_text_is_kept_with_line_feeds_in_every_app_s_models(sefton):
    from objectives.models import Action
    from reporting.models import Briefing

    action = Action.objects.exclude(wording="").first()
    action.wording = "One.\r\nTwo.\rThree."
    action.save()
    briefing = Briefing.objects.first()
    briefing.purpose = "To note:\r\n- this\r\n- that"
    briefing.save()
    assert Action.objects.get(pk=action.pk).wording == "One.\nTwo.\nThree."
    assert Briefing.objects.get(pk=briefing.pk).purpose == "To note:\n- this\n- that"


@pytest.mark.parametrize("edit, words", [
    (lambda t: t, "Unchanged from last quarter"),
    (lambda t: t + "\n- Formby: 12 homes", "Added to since last quarter"),
    (lambda t: t.replace("Completions are on track.", "Completions have slipped by a quarter."),
     "Rewritten since last quarter"),
])
def test_the_review_queue_reads_a_commentary_posted_with_crlf_as_it_was_written(
        demo_users, client_for, housing_last_quarter, edit, words):
    ret = submit_through_the_form(client_for("officer"), edit)
    page = client_for("approver").get(reverse("review-queue")).content.decode()
    assert words in page
    assert "\r" not in ret.commentary  # kept as it is read back and compared
    others = {"Unchanged from last quarter", "Added to since last quarter", "Rewritten since last quarter"} - {words}
    assert not any(other in page for other in others)
    [row] = review_queue(demo_users["approver"])
    assert row.commentary_change_words == words


def test_the_words_name_the_period_in_the_strategy_s_word():
    assert text.change_words(text.Change.ADDED_TO, "half-year") == "Added to since last half-year"
    assert text.change_words(text.Change.UNCHANGED, "month") == "Unchanged from last month"


HALF_YEARLY = """
strategy: {slug: twice-a-year, name: Town Centres Plan, cadence: half_yearly}
objectives:
  - number: 1
    name: Lively Town Centres
    slug: lively-town-centres
    sub_strands:
      - {slug: town-centres, name: Town Centres, order: 1, reports_as_objective: true}
periods:
  - {financial_year: 2023, number: 1, state: published}
  - {financial_year: 2023, number: 2, state: open, dashboard_deadline: 2023-11-07}
returns:
  - {period: 2023-24-h1, sub_strand: town-centres, state: published, overall_rag: amber,
     commentary: "Footfall rose in Bootle.\\nSouthport held steady."}
"""


def test_a_half_yearly_strategy_s_review_queue_says_half_year_not_quarter(demo_users, client_for, tmp_path):
    from objectives.models import SubStrand
    from reporting.loaders import load_fixture_files
    from tests.test_whole_year import complete_return

    path = tmp_path / "town-centres.yaml"
    path.write_text(HALF_YEARLY, encoding="utf-8")
    load_fixture_files([path])
    SubStrand.objects.get(slug="town-centres").editors.add(demo_users["officer"])
    complete_return(client_for("officer"), "2023-24-h2", "town-centres",
                    commentary="Footfall rose in Bootle.\r\nSouthport held steady. Formby opened a market.")
    page = client_for("approver").get(reverse("review-queue"), {"strategy": "twice-a-year"}).content.decode()
    assert "Added to since last half-year" in page
    assert "since last quarter" not in page and "from last quarter" not in page


# -- one reading of typed text on every page and document -------------------------------------------

BULLETS = '<ul class="govuk-list govuk-list--bullet"><li>Bootle: 120 homes</li><li>Southport: 80 homes</li></ul>'


def test_a_list_typed_in_a_commentary_is_a_list_on_every_page_and_in_the_word_briefing(client_for, housing_last_quarter):
    client = client_for("cabinet")
    pages = {
        "sub-strand page": client.get(reverse("sub-strand", args=["housing"])),
        "overview": client.get(reverse("home")),
        "briefing": client.get("/periods/2023-24-q1/briefing/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert BULLETS in html, name
        assert "- Bootle" not in html, name
    document = docx.Document(io.BytesIO(client.get("/periods/2023-24-q1/briefing.docx").content))
    texts = paragraph_texts(document, document.paragraphs)
    at = texts.index("• Bootle: 120 homes")
    assert texts[at + 1] == "• Southport: 80 homes"
    assert "Completions are on track.\nTwo schemes started on site." in texts
    page_blocks = html_blocks(pages["briefing"].content.decode(), "app-briefing")
    assert page_blocks[page_blocks.index("Bootle: 120 homes") + 1] == "Southport: 80 homes"


def test_no_template_reads_typed_text_its_own_way():
    """Every typed text goes through `typed_text`: no template uses Django's linebreaks any more."""
    found = [f"{path.relative_to(TEMPLATES)}: {line.strip()}"
             for path in TEMPLATES.rglob("*.html") for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r"\|\s*linebreaks", line)]
    assert found == []


def test_the_filter_reads_text_as_the_documents_do():
    typed = "# Progress\r\nDone:\r\n- a\r\n- b\r\n\r\n1. one\r\n2. two\r\n\r\nhttps://example.org/x"
    html = str(ses.typed_text(typed))
    assert html == ('<h3 class="govuk-heading-m">Progress</h3><p class="govuk-body">Done:</p>'
                    '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>'
                    '<ol class="govuk-list app-list--as-written"><li>1. one</li><li>2. two</li></ol>'
                    '<p class="govuk-body"><a class="govuk-link" href="https://example.org/x">https://example.org/x</a></p>')
    assert str(ses.typed_text("one\r\ntwo <b>", "inline")) == "one<br>two &lt;b&gt;"
    assert str(ses.typed_text("")) == ""


def test_an_email_writes_a_typed_list_as_the_pages_read_it(demo_users):
    from reporting.documents import text as text_module

    assert text_module.as_plain_text("Please:\r\n- add the figure\r\n- say why") == "Please:\n\n• add the figure\n• say why"
    from tests.reporting._returns_support import housing_return

    ret = housing_return(demo_users, "submitted")
    services.send_back_return(quarterly_return=ret, by=demo_users["approver"], comment="Please:\r\n- add the figure\r\n- say why")
    body = Notification.objects.filter(kind="sent_back").latest("pk").body
    assert "  Please:\n\n  • add the figure\n  • say why\n" in body


def test_a_list_in_the_briefing_s_own_text_is_a_list_on_the_page_and_in_the_word_briefing(client_for, sefton):
    from reporting.models import Briefing

    briefing = Briefing.objects.get(period__slug="2023-24-q1")
    briefing.background = "The strategy has three themes.\r\n\r\nThis quarter the Economy Cell:\r\n- met twice\r\n- agreed the calendar"
    briefing.save()
    client = client_for("cabinet")
    page = client.get("/periods/2023-24-q1/briefing/").content.decode()
    assert ('<p class="govuk-body"><span class="app-para-number">3.2</span> This quarter the Economy Cell:</p>'
            '<ul class="govuk-list govuk-list--bullet"><li>met twice</li><li>agreed the calendar</li></ul>') in page
    document = docx.Document(io.BytesIO(client.get("/periods/2023-24-q1/briefing.docx").content))
    texts = paragraph_texts(document, document.paragraphs)
    at = texts.index("3.2\tThis quarter the Economy Cell:")
    assert texts[at + 1:at + 3] == ["• met twice", "• agreed the calendar"]
