"""The base every Word document is written on: the council's template in use (reporting.models.
DocumentTemplate), or the plain default that ships with the product.

The plain default is python-docx's own template made plain: A4 with 2.54 cm margins, every style
in Arial (no theme fonts, so headings are not Calibri over Arial text), black headings, en-GB,
and Word's current file format (compatibility mode 15, not Word 2010's). On either base the
document gets the council's name and the paper's title in its header and "Page X of Y" in its
footer, unless the council's template has a header or footer of its own, which is kept; a footer of
the council's with no page number of its own gets "Page X of Y" added under what it holds, so that
no committee paper goes out unnumbered.
"""
import copy
import datetime
import io
import logging
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from objectives.selectors import council_name
from reporting.documents.templates import template_in_use

logger = logging.getLogger(__name__)

FONT = "Arial"
LANGUAGE = "en-GB"
TEXT_COLOUR = "0B0C0C"
# (size in points, bold, space before, space after) of the plain default's styles.
STYLES = {
    "Normal": (11, False, 0, 6),
    "Title": (20, True, 0, 12),
    "Heading 1": (14, True, 18, 6),
    "Heading 2": (12, True, 12, 6),
    "Heading 3": (11, True, 12, 4),
    "Caption": (10, True, 6, 3),
    "Header": (9, False, 0, 0),
    "Footer": (9, False, 0, 0),
    "List Paragraph": (11, False, 0, 3),
}
# Styles the documents use: a council template that lacks one gets the plain default's.
REQUIRED_STYLES = ["Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Header", "Footer", "List Paragraph"]
THEME_ATTRIBUTES = ["w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"]


# -- the plain default ---------------------------------------------------------------------------


def _set_fonts(r_fonts):
    for name in THEME_ATTRIBUTES:
        r_fonts.attrib.pop(qn(name), None)
    for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(name), FONT)


def _plain_styles(doc):
    """Every style in one font family and plain black; the sizes and spacing of STYLES."""
    root = doc.styles.element
    for r_fonts in root.iter(qn("w:rFonts")):
        _set_fonts(r_fonts)
    for colour in root.iter(qn("w:color")):
        for name in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(name), None)
        colour.set(qn("w:val"), TEXT_COLOUR)
    for name, (size, bold, before, after) in STYLES.items():
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        p_pr = style.element.pPr
        if p_pr is not None and p_pr.find(qn("w:pBdr")) is not None:  # the Title's rule underneath
            p_pr.remove(p_pr.find(qn("w:pBdr")))
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].paragraph_format.keep_with_next = True


def plain_default():
    """The plain default base document (a python-docx Document), empty."""
    doc = Document()
    _plain_styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    section.header_distance = section.footer_distance = Cm(1.25)
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return doc


def default_template_bytes():
    """The plain default as a .docx, for a council to start its own template from."""
    doc = plain_default()
    _word_settings(doc)
    set_properties(doc, title="Document template", subject="", keywords="", created=None)
    doc.add_paragraph("Put the council's letterhead in the header, and set the styles (Normal, Title, Heading 1–3, "
                      "Caption) as the council's papers use them. Delete this text: anything left in the body is "
                      "printed at the top of every document.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- on any base ---------------------------------------------------------------------------------


def _word_settings(doc):
    """en-GB throughout, and Word's current format (compatibility mode 15, not 14: Word 2010)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        doc.styles.element.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    for style_lang in doc.styles.element.iter(qn("w:lang")):
        if style_lang is not lang and style_lang.get(qn("w:val")):
            style_lang.set(qn("w:val"), LANGUAGE)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
            break
    else:
        setting = OxmlElement("w:compatSetting")
        setting.set(qn("w:name"), "compatibilityMode")
        setting.set(qn("w:uri"), "http://schemas.microsoft.com/office/word")
        setting.set(qn("w:val"), "15")
        compat.append(setting)


def _ensure_styles(doc):
    """A council template lacking a style the documents use gets the plain default's."""
    present = {s.name for s in doc.styles}
    missing = [name for name in REQUIRED_STYLES if name not in present]
    if not missing:
        return
    default = plain_default()
    for name in missing:
        doc.styles.element.append(copy.deepcopy(default.styles[name].element))


def _has_content(part):
    """Does this header or footer hold anything: text, a picture or a shape?"""
    element = part._element
    if "".join(t.text or "" for t in element.iter(qn("w:t"))).strip():
        return True
    return any(True for tag in ("w:drawing", "w:pict", "w:object") for _ in element.iter(qn(tag)))


def _template_document():
    """The council's template in use, opened, or None: a damaged file is logged and passed over, and so
    is one that the upload check refuses (reporting.documents.templates: one saved before a rule was
    added never carries a linked picture, an attached template, macros or a script link into a paper)."""
    try:
        template, content, problems = template_in_use()
        if template is None:
            return None
        if problems:
            logger.warning("The document template %r is not used, and the plain default is used instead, until a "
                           "template without these is uploaded: %s", template.name, " ".join(problems))
            return None
        return Document(io.BytesIO(content))
    except Exception:  # noqa: BLE001 - a template that cannot be read must not stop the council's papers
        logger.exception("The document template in use could not be read; the plain default is used instead.")
        return None


def _drop_trailing_empty_paragraphs(doc):
    body = doc.element.body
    for child in reversed(list(body)):
        if child.tag == qn("w:sectPr"):
            continue
        if child.tag == qn("w:p") and not "".join(t.text or "" for t in child.iter(qn("w:t"))).strip() \
                and not any(True for _ in child.iter(qn("w:drawing"))):
            body.remove(child)
            continue
        break


def _header(section, council, title):
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.text = ""
    paragraph.style = "Header"
    width = section.page_width - section.left_margin - section.right_margin
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(council).bold = True
    paragraph.add_run("\t" + title)


def _field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) in a run of its own, computed when the document is laid out."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            run.text = text


def _has_page_number(part):
    """Does this header or footer number its pages (a PAGE field, simple or complex)?"""
    element = part._element
    instructions = [t.text or "" for t in element.iter(qn("w:instrText"))]
    instructions += [f.get(qn("w:instr")) or "" for f in element.iter(qn("w:fldSimple"))]
    return any(re.match(r"\s*PAGE\b", i) for i in instructions)


def _page_numbers(section):
    """A council's footer without page numbers: "Page X of Y" added under what it holds, unless its
    header numbers the pages."""
    if _has_page_number(section.footer) or (not section.header.is_linked_to_previous and _has_page_number(section.header)):
        return
    paragraph = section.footer.add_paragraph()
    paragraph.style = "Footer"
    _page_x_of_y(paragraph)


def _page_x_of_y(paragraph):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _footer(section):
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.text = ""
    _page_x_of_y(paragraph)


def base_document(*, title):
    """The document to write a paper on: the council's template (its body kept at the top as a
    letterhead, its header and footer kept if it has them) or the plain default; the header and
    footer filled in where the template has none."""
    doc = _template_document()
    from_template = doc is not None
    if doc is None:
        doc = plain_default()
    else:
        _drop_trailing_empty_paragraphs(doc)
        _ensure_styles(doc)
    _word_settings(doc)
    section = doc.sections[-1]
    if not (from_template and not section.header.is_linked_to_previous and _has_content(section.header)):
        _header(section, council_name(), title)
    if not (from_template and not section.footer.is_linked_to_previous and _has_content(section.footer)):
        _footer(section)
    else:
        _page_numbers(section)
    return doc


def set_properties(doc, *, title, subject, keywords, created, revision=1):
    """The document's properties: its title, subject, the council as author, en-GB, its revision (a
    re-issued paper's number), and its date (`created`: a datetime from the paper's own data, or None
    for a paper whose date is not known: then none)."""
    props = doc.core_properties
    council = council_name()
    props.title = title
    props.subject = subject
    props.keywords = keywords
    props.author = council
    props.last_modified_by = council
    props.comments = ""
    props.category = ""
    props.revision = revision
    props.language = LANGUAGE
    element = props._element
    if created is None:
        for tag in ("dcterms:created", "dcterms:modified"):
            found = element.find(qn(tag))
            if found is not None:
                element.remove(found)
    else:
        props.created = props.modified = created.astimezone(datetime.timezone.utc)
