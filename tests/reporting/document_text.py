"""What a reader reads in a page, a Word document or a PDF, in order, for comparing them.

- `docx_blocks(document)`: each paragraph of the body (list items with the number or bullet Word
  draws for them) and each table cell, in the body's order;
- `html_blocks(html, root)`: the text of each block of the page under the element whose class
  includes `root`, leaving out what is not printed (`app-no-print`) and what screen readers skip
  (`aria-hidden`);
- `words(blocks)`: the words, whitespace and no-break spaces ignored.
"""
import re
from html.parser import HTMLParser

from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "li", "td", "th", "caption", "dt", "dd"}
VOID_TAGS = {"br", "img", "input", "meta", "link", "hr", "wbr"}


def _numbering(document):
    """{numId: (lvlText, start)} of each list definition's first level."""
    part = document.part.numbering_part.element
    abstract = {}
    for a in part.findall(qn("w:abstractNum")):
        level = a.find(qn("w:lvl"))
        text = level.find(qn("w:lvlText")).get(qn("w:val")) if level is not None else ""
        start = level.find(qn("w:start")) if level is not None else None
        abstract[a.get(qn("w:abstractNumId"))] = (text, int(start.get(qn("w:val"))) if start is not None else 1)
    nums = {}
    for num in part.findall(qn("w:num")):
        text, start = abstract.get(num.find(qn("w:abstractNumId")).get(qn("w:val")), ("", 1))
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        nums[num.get(qn("w:numId"))] = (text, int(override.get(qn("w:val"))) if override is not None else start)
    return nums


def paragraph_texts(document, paragraphs):
    """Each paragraph's text, with the marker Word draws before a list item ("1.", "1)", "•")."""
    nums = _numbering(document)
    counters = {}
    out = []
    for p in paragraphs:
        num_id = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        marker = ""
        if num_id is not None:
            key = num_id.get(qn("w:val"))
            text, start = nums.get(key, ("", 1))
            counters[key] = counters.get(key, start - 1) + 1
            marker = text.replace("%1", str(counters[key])) + " "
        out.append(marker + p.text)
    return out


def docx_blocks(document):
    blocks = []
    body = document.element.body
    paragraphs = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs.append(("p", Paragraph(child, document)))
        elif child.tag == qn("w:tbl"):
            paragraphs.append(("t", Table(child, document)))
    texts = iter(paragraph_texts(document, [item for kind, item in paragraphs if kind == "p"]))
    for kind, item in paragraphs:
        if kind == "p":
            blocks.append(next(texts))
        else:
            for row in item.rows:
                blocks.extend(cell.text for cell in row.cells)
    return blocks


class _PageText(HTMLParser):
    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.root = root
        self.depth = 0  # inside the root: the depth of open elements
        self.skip_at = None  # the depth at which a skipped element opened
        self.blocks = []
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            if self.depth and tag == "br":
                self.current.append(" ")
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if not self.depth:
            if self.root in classes:
                self.depth = 1
            return
        self.depth += 1
        if self.skip_at is None and ("app-no-print" in classes or attrs.get("aria-hidden") == "true"):
            self.skip_at = self.depth
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if not self.depth or tag in VOID_TAGS:
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if self.skip_at == self.depth:
            self.skip_at = None
        self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.skip_at is None:
            self.current.append(data)

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def html_blocks(html, root):
    parser = _PageText(root)
    parser.feed(html)
    parser._flush()
    return parser.blocks


def words(blocks):
    """The words of the blocks; a bullet is not a word (a page draws it with CSS)."""
    return [w for w in " ".join(blocks).replace("\u00a0", " ").split() if w != "•"]


def squash(text):
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))
