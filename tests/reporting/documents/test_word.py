"""Every Word document on one base: A4, 2.54 cm margins, one font family, en-GB, Word's current
format, the council's name and the paper's title in the header, "Page X of Y" in the footer; and
the council's own template, uploaded in the admin, as the base of every document instead."""
import io
import re

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Cm

from reporting.documents.base import default_template_bytes
from reporting.documents.pdf import convert_to_pdf
from reporting.models import DocumentTemplate

DOCUMENTS = {
    "briefing": "/periods/2023-24-q1/briefing.docx",
    "report": "/action-plans/employment/reports/2017-12/report.docx",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def download(client, name):
    response = client.get(DOCUMENTS[name])
    assert response.status_code == 200, response.status_code
    return docx.Document(io.BytesIO(response.content))


def header_text(document):
    return " ".join(p.text for p in document.sections[-1].header.paragraphs)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_is_a4_arial_en_gb_in_the_current_word_format(client_for, name):
    document = download(client_for("scrutiny"), name)
    section = document.sections[-1]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        assert abs(getattr(section, side) - Cm(2.54)) < Cm(0.01), side
    styles = document.styles.element
    fonts = {value for r_fonts in styles.iter(qn("w:rFonts")) for key, value in r_fonts.attrib.items()
             if not key.endswith("Theme") and not key.endswith("theme")}
    assert fonts == {"Arial"}
    assert not [r for r in styles.iter(qn("w:rFonts")) if any(k.lower().endswith("theme") for k in r.attrib)]
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"
    assert document.core_properties.language == "en-GB"
    modes = [s.get(qn("w:val")) for s in document.settings.element.iter(qn("w:compatSetting"))
             if s.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]
    assert document.core_properties.author == "Sefton Council"
    assert "python-docx" not in document.core_properties._element.xml


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_header_names_the_council_and_the_paper_and_the_footer_counts_pages(client_for, name):
    document = download(client_for("scrutiny"), name)
    title = document.core_properties.title
    assert header_text(document) == f"Sefton Council\t{title}"
    footer = document.sections[-1].footer._element.xml
    assert "Page " in footer and " of " in footer
    assert " PAGE " in footer and " NUMPAGES " in footer


def letterhead_template(text="Metropolitan Borough of Testshire – Civic Centre letterhead"):
    """A council's template made in Word's way: a letterhead in its header, a line in its body, and
    a Heading 1 in its own colour and font."""
    document = docx.Document(io.BytesIO(default_template_bytes()))
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = text
    document.add_paragraph("Testshire Council – Working for a greener borough")
    document.styles["Heading 1"].font.name = "Verdana"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_an_uploaded_council_template_changes_the_letterhead_of_every_document(client_for, media, name):
    client = client_for("scrutiny")
    assert "Testshire" not in header_text(download(client, name))
    template = DocumentTemplate(name="Testshire letterhead")
    template.file.save("testshire.docx", ContentFile(letterhead_template()), save=False)
    template.save()
    document = download(client, name)
    assert header_text(document) == "Metropolitan Borough of Testshire – Civic Centre letterhead"
    assert document.paragraphs[0].text == "Testshire Council – Working for a greener borough"
    assert document.styles["Heading 1"].font.name == "Verdana"
    assert "Page " in document.sections[-1].footer._element.xml  # the template has no footer: the product's
    # Put out of use, the plain default is back.
    template.in_use = False
    template.save()
    assert header_text(download(client, name)).startswith("Sefton Council\t")


def test_the_council_template_reaches_the_pdf_too(client_for, media):
    template = DocumentTemplate(name="Testshire letterhead")
    template.file.save("testshire.docx", ContentFile(letterhead_template()), save=False)
    template.save()
    response = client_for("scrutiny").get(DOCUMENTS["report"])
    pdf = convert_to_pdf(response.content)
    assert b"%PDF" in pdf[:8]
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "Metropolitan Borough of Testshire" in text.split("\f")[1]  # on every page, not only the first


def test_a_damaged_template_in_use_never_stops_the_councils_papers(client_for, media):
    template = DocumentTemplate(name="Broken")
    template.file.save("broken.docx", ContentFile(b"PK\x03\x04 not really a document"), save=False)
    template.save()
    document = download(client_for("scrutiny"), "briefing")
    assert header_text(document).startswith("Sefton Council\t")


def test_the_administrator_uploads_a_template_which_becomes_the_only_one_in_use(client_for, media):
    client = client_for("admin")
    url = reverse("admin:reporting_documenttemplate_add")
    for name in ("First", "Second"):
        upload = ContentFile(letterhead_template(f"{name} letterhead"), name=f"{name.lower()}.docx")
        response = client.post(url, {"name": name, "file": upload, "in_use": "on"})
        assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert list(DocumentTemplate.objects.filter(in_use=True).values_list("name", flat=True)) == ["Second"]
    assert header_text(download(client_for("scrutiny"), "report")) == "Second letterhead"


@pytest.mark.parametrize("content, filename, message", [
    (b"", "empty.docx", "is empty"),
    (b"not a zip", "letter.docx", "damaged or not a Word document"),
    (b"%PDF-1.7", "letter.pdf", "is not a .docx file"),
])
def test_an_upload_that_is_not_a_word_document_is_refused_with_a_clear_message(client_for, media, content, filename,
                                                                               message):
    response = client_for("admin").post(reverse("admin:reporting_documenttemplate_add"),
                                        {"name": "Bad", "file": ContentFile(content, name=filename), "in_use": "on"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_the_plain_default_downloads_from_the_admin_to_start_the_councils_own(client_for):
    client = client_for("admin")
    page = client.get(reverse("admin:reporting_documenttemplate_changelist")).content.decode()
    url = reverse("admin:reporting_documenttemplate_default")
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert abs(document.sections[0].page_width - Cm(21)) < Cm(0.01)
    assert client_for("coordinator").get(url).status_code == 302  # admin only
