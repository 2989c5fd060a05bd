"""The council's Word template: checking an upload before it is used, and putting one in use.

Every document the product writes is built on the template in use, and every PDF is made from it by
LibreOffice on the server, so a template must carry nothing that reaches outside the file. An
upload is refused, each reason said in words for the administrator, when:

- it is not a readable Word document (.docx), is too large, is encrypted or expands too far;
- any part declares a DTD or an entity, or an encoding Word never uses, in any encoding
  (reporting.xml_safety: the one rule for every uploaded Office file, the workbooks' too);
- it holds macros or embedded program objects (vbaProject.bin or any .bin part, a macro-enabled
  content type);
- a relationship points outside the file (a linked picture, object, frame or font), other than a
  web (http, https) or email (mailto) link, or is an attached template or an embedded chunk of
  another format;
- a link is to anything but a web page or an email address (javascript:, file:, a network share);
- a field fetches or runs something outside the file (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…).

Nothing is stripped: the administrator is told what to remove in Word. The template in use is
checked again each time a document is built on it (reporting.documents.base), so one saved before
these rules is passed over, with a warning in the log, rather than carried into any document.
"""
import io
import re
import zipfile
import zlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from docx import Document
from lxml import etree

from reporting.xml_safety import UnsafePart, safe_parser, screen_part

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_REASONS = 10
HINT = "Save it in Word as “Word Document (.docx)” and upload it again."
MACROS = ("The file holds macros or embedded program objects, which a template may not carry. Save it in Word as "
          "“Word Document (.docx)”, not as a macro-enabled document, and upload it again.")
NOT_OPENED = "it has not been opened."

LINK_SCHEMES = {"http", "https", "mailto"}
MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
# What an outside relationship of each type brings in, in words (the last part of its type).
FETCHED = {
    "image": "a picture", "oleObject": "an embedded object", "package": "an embedded object",
    "frame": "a web frame", "subDocument": "a subdocument", "font": "a font", "video": "a video", "audio": "a sound",
    "mailMergeSource": "mail-merge data", "recipientData": "mail-merge data", "dataSource": "mail-merge data",
}
# Word fields that fetch or run something outside the file, and what each does, in words.
FIELDS = {
    "INCLUDEPICTURE": "fetches a picture", "INCLUDETEXT": "includes text from another file",
    "INCLUDE": "includes text from another file", "LINK": "links to another file", "IMPORT": "fetches a picture",
    "DDE": "asks another program for content", "DDEAUTO": "asks another program for content",
}
FIELD_SWITCH = re.compile(r"\\[lotm]\s+(\"[^\"]*\"|\S+)|\\\S+")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _shown(text, limit=80):
    text = " ".join(str(text).split())
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def _is_web_or_email(target):
    try:
        return urlsplit(target.strip()).scheme.lower() in LINK_SCHEMES
    except ValueError:
        return False


def _relationship_problems(name, root):
    """The reasons a relationships part (*.rels) refuses the template."""
    for rel in root.iter(RELATIONSHIPS):
        kind = (rel.get("Type") or "").rstrip("/").rpartition("/")[2]
        target = rel.get("Target") or ""
        external = (rel.get("TargetMode") or "").lower() == "external" or bool(re.match(r"^([a-z][a-z0-9+.-]*:|[\\/]{2})",
                                                                                     target.strip(), re.I))
        if kind == "attachedTemplate":
            yield (f"The file is attached to another template, {_shown(target)}, which Word fetches when a document is "
                   "opened. In Word, choose Developer, Document Template, attach “Normal”, save it and upload it again.")
        elif kind == "aFChunk":
            yield (f"The file carries part of a document in another format ({name}), which can bring in content from "
                   "elsewhere. Copy its content into a new Word document, save that and upload it again.")
        elif kind in ("vbaProject", "vbaData", "activeXControl", "activeXControlBinary"):
            yield MACROS
        elif kind == "hyperlink" and external:
            if not _is_web_or_email(target):
                yield (f"The file has a link to {_shown(target)}: only links to a web page (http:// or https://) or "
                       "an email address (mailto:) may be in a template. Remove or change the link and upload it again.")
        elif external:
            what = FETCHED.get(kind, "content")
            yield (f"The file links to {what} outside it, {_shown(target)}, which would be fetched each time a document "
                   f"is made or opened. Put {re.sub('^an? ', 'the ', what)} into the document itself (not “Link to "
                   "file”), or remove it, and upload it again.")


def field_instructions(root):
    """The instruction of every field in a Word part (INCLUDEPICTURE "http://…", PAGE): simple
    fields, and complex ones whose instruction runs over several runs between their begin and their
    separate (or end) marks, a field nested in another read on its own."""
    found = [el.get(f"{W}instr") or "" for el in root.iter(f"{W}fldSimple")]
    open_fields = []  # [[instruction parts, read]], innermost last
    for el in root.iter(f"{W}fldChar", f"{W}instrText"):
        if el.tag == f"{W}instrText":
            if open_fields and not open_fields[-1][1]:
                open_fields[-1][0].append(el.text or "")
            else:
                found.append(el.text or "")  # outside any field: read too, a program may
            continue
        kind = el.get(f"{W}fldCharType")
        if kind == "begin":
            open_fields.append([[], False])
        elif kind in ("separate", "end") and open_fields:
            if not open_fields[-1][1]:
                found.append("".join(open_fields[-1][0]))
                open_fields[-1][1] = True
            if kind == "end":
                open_fields.pop()
    found.extend("".join(parts) for parts, read in open_fields if not read)
    return [text for text in found if text.strip()]


def _field_problems(name, root):
    """The reasons a Word part's fields refuse the template."""
    for instruction in field_instructions(root):
        kind, _, rest = instruction.strip().partition(" ")
        kind = kind.upper()
        if kind in FIELDS:
            yield (f"A field in {name} {FIELDS[kind]} from outside the file ({_shown(instruction)}). Remove the field "
                   "(in Word, Alt+F9 shows the fields) and upload it again.")
        elif kind == "HYPERLINK":
            target = next((part.strip() for part in FIELD_SWITCH.sub(" ", rest).split('"') if part.strip()), "")
            if target and not _is_web_or_email(target):
                yield (f"The file has a link to {_shown(target)}: only links to a web page (http:// or https://) or "
                       "an email address (mailto:) may be in a template. Remove or change the link and upload it again.")


def _content_type_problems(root):
    """The reasons [Content_Types].xml refuses the template: a macro or program object's type, or a
    main part that is not a Word document's."""
    main = None
    for element in root:
        content_type = (element.get("ContentType") or "").lower()
        if any(word in content_type for word in MACRO_CONTENT_TYPES):
            yield MACROS
        if element.tag == f"{CONTENT_TYPES}Override" and (element.get("PartName") or "") == "/word/document.xml":
            main = content_type
    if main is not None and main != MAIN_CONTENT_TYPE and "macroenabled" not in main:
        yield f"The file is not a Word document (.docx). {HINT}"


def template_problems(content, *, filename=""):
    """What refuses an uploaded Word template, each reason in words for the administrator (at most
    MAX_REASONS); [] when it may be used. Reads no XML before it is screened, and opens nothing
    outside the file."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        return ["The file is empty. Choose the council's Word template (.docx)."]
    if len(content) > limit:
        return [f"The file is {len(content) / 1024 / 1024:.1f} MB: it must be smaller than {limit / 1024 / 1024:.0f} MB."]
    if filename and not filename.lower().endswith(".docx"):
        return [f"{_shown(filename)} is not a .docx file. {HINT}"]
    problems = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            entries = zf.infolist()
            names = {e.filename for e in entries}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return [f"The file is not a Word document (.docx). {HINT}"]
            if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES or len(entries) > MAX_ENTRIES:
                return [f"The file expands to more than a Word template can be: {NOT_OPENED}"]
            if any(e.flag_bits & 0x1 for e in entries):
                return ["The file is encrypted: remove the password and upload it again."]
            for entry in entries:  # every part, whatever its name, before any is parsed
                screen_part(zf, entry, files="Word documents")
            for entry in entries:
                name = entry.filename
                lower = name.lower()
                if lower.endswith(".bin") or "vbaproject" in lower or "vbadata" in lower:
                    problems.append(MACROS)
                elif name == "[Content_Types].xml":
                    problems.extend(_content_type_problems(etree.fromstring(zf.read(entry), safe_parser())))
                elif lower.endswith(".rels"):
                    problems.extend(_relationship_problems(name, etree.fromstring(zf.read(entry), safe_parser())))
                elif lower.startswith("word/") and lower.endswith(".xml"):
                    problems.extend(_field_problems(name, etree.fromstring(zf.read(entry), safe_parser())))
    except UnsafePart as exc:
        return [f"{exc} A Word document never holds that. {HINT}"]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError,
            etree.XMLSyntaxError) as exc:
        return [f"The file is damaged or not a Word document ({type(exc).__name__}). {HINT}"]
    return list(dict.fromkeys(problems))[:MAX_REASONS]


def check_template(content, filename=""):
    """Refuse a file that is not a safe, readable Word template (raises ValidationError with every
    reason, in words for the administrator)."""
    problems = template_problems(content, filename=filename)
    if problems:
        raise ValidationError(problems)
    try:
        Document(io.BytesIO(content))
    except Exception as exc:  # noqa: BLE001 - any damage is the same answer to the administrator
        raise ValidationError(f"The file is damaged or not a Word document ({type(exc).__name__}). {HINT}") from exc


def template_in_use():
    """(the template in use, its file's bytes, what refuses it now: [] when it may be used), or
    (None, b"", []) when none is in use: asked by every document built on it and by the admin's
    list, so that one saved before a rule was added is passed over, and the administrator told why.
    Raises OSError when its file cannot be read."""
    from reporting.models import DocumentTemplate

    template = DocumentTemplate.objects.filter(in_use=True).first()
    if template is None:
        return None, b"", []
    with template.file.open("rb") as handle:
        content = handle.read()
    return template, content, template_problems(content)


@transaction.atomic
def save_template(template):
    """Save an uploaded template; if it is to be used, it becomes the only one in use."""
    from reporting.models import DocumentTemplate

    if template.in_use:
        DocumentTemplate.objects.select_for_update().filter(in_use=True).exclude(pk=template.pk).update(in_use=False)
    template.save()
    return template
