"""`Paper`: what every Word document the product writes is written with, on the base of
reporting/documents/base.py. Real Word styles (Title, Heading 1–3, Caption) so the navigation
pane, screen readers and the PDF's tags see the structure; lists as real Word lists, numbered as
the text numbers them; tables with fixed column widths that fit the page, a repeating header row
and rows that do not break across pages; RAG as a word (shaded in its colour too, never colour
alone); links as real hyperlinks.
"""
import datetime
import io
import re

from django.conf import settings
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reporting.documents.base import FONT, base_document, set_properties
from reporting.cell_safety import storable_text
from reporting.documents.style import RAG_COLOURS

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LINK_COLOUR = "1D70B8"
BORDER_COLOUR = "B1B4B6"
TABLE_FONT_SIZE = Pt(10)
LIST_INDENT, LIST_HANGING = 720, 360  # twentieths of a point: 1.27 cm, 0.63 cm


def text(value):
    """Text as Word can hold it (no control characters but line breaks and tabs)."""
    return storable_text(value or "")


def fmt_date(d):
    return f"{d.day} {d:%B %Y}" if d else ""


def dated(day):
    """A paper's own date (a meeting date, an as-at date) as the moment its properties carry: noon UTC
    of that day, so that the Word document and its PDF read as that day wherever they are opened;
    None for none."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.timezone.utc) if day else None


def _shade(properties, fill):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    properties.append(shd)


class Paper:
    """A document being written: `Paper(title=…, subject=…)`, then headings, paragraphs, lists and
    tables in order, then `bytes()`."""

    def __init__(self, *, title, subject="", keywords="", created=None, revision=1):
        self.doc = base_document(title=title)
        set_properties(self.doc, title=title, subject=subject, keywords=keywords, created=created, revision=revision)
        section = self.doc.sections[-1]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        self._abstract = {}
        self._after_table = False

    def _add(self, words="", style=None):
        """A new paragraph; the first after a table keeps a little space from it."""
        paragraph = self.doc.add_paragraph(words, style=style)
        if self._after_table:
            paragraph.paragraph_format.space_before = Pt(8)
            self._after_table = False
        return paragraph

    # -- text ----------------------------------------------------------------------------------

    def title(self, words):
        return self._add(text(words), style="Title")

    def heading(self, words, level=1):
        """A heading, kept on the page of the text that follows it, whatever the template's style says."""
        paragraph = self._add(text(words), style=f"Heading {level}")
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def paragraph(self, words="", *, bold=False, number=None, style=None, keep_with_next=False):
        """A paragraph; its single line breaks are kept. `number` ("3.1") hangs in the margin.
        `keep_with_next`: a line that leads into the text after it (a status under its heading),
        never left alone at the foot of a page."""
        paragraph = self._add(style=style)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if number:
            paragraph.add_run(f"{number}\t")
            paragraph.paragraph_format.left_indent = Pt(LIST_INDENT / 20)
            paragraph.paragraph_format.first_line_indent = Pt(-LIST_INDENT / 20)
        self.lines(paragraph, text(words).split("\n"), bold=bold)
        return paragraph

    def lines(self, paragraph, lines, *, bold=False):
        for i, line in enumerate(lines):
            run = paragraph.add_run(text(line).strip())
            run.bold = bold or None
            if i < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        return paragraph

    def rag(self, paragraph, rag, label):
        """The RAG word, bold, shaded in its colour."""
        fill, colour = RAG_COLOURS.get(rag or None, RAG_COLOURS[None])
        paragraph.add_run(" ")
        run = paragraph.add_run(f"\u00a0{label}\u00a0")
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(colour)
        _shade(run._r.get_or_add_rPr(), fill)
        return run

    def link(self, paragraph, words, href):
        """A hyperlink; a path on this site is made a full address on SITE_URL."""
        url = settings.SITE_URL + href if href.startswith("/") else href
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = paragraph.add_run(text(words))
        run.font.color.rgb = RGBColor.from_string(LINK_COLOUR)
        run.font.underline = True
        hyperlink.append(run._r)
        paragraph._p.append(hyperlink)
        return paragraph

    # -- lists ---------------------------------------------------------------------------------

    def _abstract_id(self, marker_format):
        """The list definition for "•", "%1." or "%1)": one per format, made on first use."""
        if marker_format in self._abstract:
            return self._abstract[marker_format]
        numbering = self.doc.part.numbering_part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        abstract_id = max(ids, default=0) + 1
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(abstract_id))
        level = OxmlElement("w:lvl")
        level.set(qn("w:ilvl"), "0")
        bullet = marker_format == "•"
        for tag, value in (("w:start", "1"), ("w:numFmt", "bullet" if bullet else "decimal"),
                           ("w:lvlText", marker_format), ("w:lvlJc", "left")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            level.append(element)
        p_pr = OxmlElement("w:pPr")
        indent = OxmlElement("w:ind")
        indent.set(qn("w:left"), str(LIST_INDENT))
        indent.set(qn("w:hanging"), str(LIST_HANGING))
        p_pr.append(indent)
        level.append(p_pr)
        r_pr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for name in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(name), FONT)
        r_pr.append(fonts)
        level.append(r_pr)
        abstract.append(level)
        first_num = numbering.find(qn("w:num"))  # every abstractNum comes before the nums
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        self._abstract[marker_format] = abstract_id
        return abstract_id

    def _list(self, items, marker_format, start=1):
        numbering = self.doc.part.numbering_part.element
        num = numbering.add_num(self._abstract_id(marker_format))
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(start)
        style = "List Paragraph"
        paragraph = None
        for item in items:
            paragraph = self._add(style=style)
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num.numId
            self.lines(paragraph, text(item).split("\n"))
        if paragraph is not None:  # as Word spaces a list: its last item as far from what follows as a paragraph
            paragraph.paragraph_format.space_after = self.paragraph_space()

    def paragraph_space(self):
        """The space after a paragraph of text (the Normal style's), at least 6 points."""
        after = self.doc.styles["Normal"].paragraph_format.space_after
        return max(after or 0, Pt(6))

    def bullets(self, items):
        self._list(items, "•")

    def numbered(self, items):
        """[(marker, text)] as written ("1.", "1)"): a real Word list when the numbers run on from
        the first; otherwise each item keeps its own number, hanging in the margin."""
        numbers = [int(re.sub(r"\D", "", marker)) for marker, _ in items]
        suffixes = {marker[-1] for marker, _ in items}
        if len(suffixes) == 1 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            self._list([words for _, words in items], "%1" + suffixes.pop(), start=numbers[0])
            return
        for marker, words in items:
            self.paragraph(words, number=marker)

    # -- blocks of typed text (reporting.documents.text) ----------------------------------------

    def blocks(self, blocks, *, heading_level=2):
        for kind, items in blocks:
            if kind == "ul":
                self.bullets(items)
            elif kind == "ol":
                self.numbered(items)
            elif kind in ("h1", "h2"):
                self.heading(items[0], level=min(heading_level + (kind == "h2"), 3))
            elif kind == "table":
                self.table(items.headings, items.rows, widths=items.widths)
            elif kind == "link":
                for link in items:
                    paragraph = self._add()
                    if link.href:
                        self.link(paragraph, link.text, link.href)
                    else:
                        paragraph.add_run(text(link.text))
                        paragraph.add_run(f" ({link.missing})" if link.missing else "")
            else:
                self.lines(self._add(), items)

    # -- tables --------------------------------------------------------------------------------

    def table(self, headings, rows, *, widths, caption=None):
        """A table whose columns share the text width in the proportions `widths`; a cell is text,
        or (rag, label) for a RAG word shaded in its colour, or (rag, label, note) for the word shaded
        with a note in plain text under it (an officer's override of the rules: its reason). The header
        row repeats on each page."""
        if caption:
            self._add(text(caption), style="Caption").paragraph_format.keep_with_next = True
        total = sum(widths)
        twips = [int(self.text_width / 635 * w / total) for w in widths]  # EMU to twentieths of a point
        table = self.doc.add_table(rows=1, cols=len(headings))
        self._table_properties(table, sum(twips))
        for column, width in zip(table.columns, twips):
            column.width = width * 635
        self._row(table.rows[0], [(None, h) for h in headings], twips, header=True)
        for values in rows:
            self._row(table.add_row(), values, twips)
        self._after_table = True
        return table

    def _table_properties(self, table, width):
        """Fixed layout at the given width, thin grey borders, a little padding (in schema order)."""
        tbl_pr = table._tbl.tblPr
        for tag in ("w:tblW", "w:tblBorders", "w:tblLayout", "w:tblCellMar"):
            for found in tbl_pr.findall(qn(tag)):
                tbl_pr.remove(found)
        tbl_w = OxmlElement("w:tblW")
        tbl_w.set(qn("w:w"), str(width))
        tbl_w.set(qn("w:type"), "dxa")
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            border = OxmlElement(f"w:{side}")
            for name, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", BORDER_COLOUR)):
                border.set(qn(name), value)
            borders.append(border)
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        margins = OxmlElement("w:tblCellMar")
        for side, size in (("top", 40), ("left", 100), ("bottom", 40), ("right", 100)):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(size))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        style = tbl_pr.find(qn("w:tblStyle"))
        if style is not None:
            style.addnext(tbl_w)
        else:
            tbl_pr.insert(0, tbl_w)
        look = tbl_pr.find(qn("w:tblLook"))
        for element in (borders, layout, margins):
            if look is not None:
                look.addprevious(element)
            else:
                tbl_pr.append(element)

    def _row(self, row, values, twips, *, header=False):
        tr_pr = row._tr.get_or_add_trPr()
        for tag in (["w:cantSplit", "w:tblHeader"] if header else ["w:cantSplit"]):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "true")
            tr_pr.append(element)
        for cell, value, width in zip(row.cells, values, twips):
            cell.width = width * 635
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            if not header and isinstance(value, tuple) and len(value) == 3 and value[2]:
                self._rag_with_note(paragraph, *value)
                continue
            if header:
                rag, words = None, value[1]
            elif isinstance(value, tuple):
                rag, words = value[:2]
                fill, colour = RAG_COLOURS.get(rag or None, RAG_COLOURS[None])
                _shade(cell._tc.get_or_add_tcPr(), fill)
            else:
                rag, words = None, value
            self.lines(paragraph, text(words).split("\n"), bold=header or isinstance(value, tuple))
            for run in paragraph.runs:
                run.font.size = TABLE_FONT_SIZE
                if isinstance(value, tuple) and not header:
                    run.font.color.rgb = RGBColor.from_string(RAG_COLOURS.get(rag or None, RAG_COLOURS[None])[1])

    def _rag_with_note(self, paragraph, rag, label, note):
        """A table cell's RAG word shaded in its colour (the cell itself is not), and under it a note
        in plain text."""
        fill, colour = RAG_COLOURS.get(rag or None, RAG_COLOURS[None])
        word = paragraph.add_run(f"\u00a0{text(label)}\u00a0")
        word.bold = True
        word.font.color.rgb = RGBColor.from_string(colour)
        _shade(word._r.get_or_add_rPr(), fill)
        word.add_break(WD_BREAK.LINE)
        self.lines(paragraph, text(note).split("\n"))
        for run in paragraph.runs:
            run.font.size = TABLE_FONT_SIZE

    # -- out -----------------------------------------------------------------------------------

    def bytes(self):
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
