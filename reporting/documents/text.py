"""How typed text is read into paragraphs, lists and headings: the one reading of a text field, for
the pages (the `typed_text` filter in reporting/templatetags/ses.py), the Word documents and the
emails (`as_plain_text`) alike.

- paragraphs are separated by blank lines (or lines of spaces); a single line break inside one is
  kept; line endings are line feeds whatever was typed (objectives.text.with_line_feeds);
- a line starting with "- ", "• " or "* " is a bullet point;
- two or more lines in a row numbered "1." or "1)" are a numbered list, numbered as written;
- a line starting with "# " is a heading, "## " a heading below it;
- a line that is only a web address is a link.

Blocks are (kind, items): ("p", [lines]), ("ul", [items]), ("ol", [(marker, text)]),
("h1", [text]), ("h2", [text]), ("link", [Link]), and ("table", Table) where the data knows lines to
be a table (the committee report's breakdowns: reporting.plans.report), never guessed from the text.
"""
import re
from dataclasses import dataclass

from objectives.text import with_line_feeds

NUMBERED = re.compile(r"^(\d{1,3})([.)])\s+(\S.*)$")
HEADING = re.compile(r"^(#{1,2})\s+(\S.*)$")
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")  # a blank line, or one of spaces only
ADDRESS = re.compile(r"^https?://[^\s<>\"']+$")


@dataclass(frozen=True)
class Link:
    """A link in a document: `href` is a web address, or a path on this site ("/action-plans/…").
    With no href, the text is shown with `missing` beside it, saying plainly why there is no link."""

    text: str
    href: str = ""
    missing: str = ""


@dataclass(frozen=True)
class Table:
    """Lines of a text that are a table: its column headings, its rows (tuples of text) and the
    proportions of its columns' widths."""

    headings: tuple
    rows: tuple
    widths: tuple = (3, 1)


def _bullet(line):
    if line[:2] in {"- ", "• ", "* "} or line.startswith("\uf0b7"):
        return line[1:].strip()
    return None


def text_blocks(text):
    """The blocks of a text field (see the module's docstring)."""
    blocks = []
    for chunk in PARAGRAPH_BREAK.split(with_line_feeds(text)):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        numbered = [NUMBERED.match(line) for line in lines]
        paragraph = []

        def flush():
            if paragraph:
                blocks.append(("p", list(paragraph)))
                paragraph.clear()

        for i, line in enumerate(lines):
            heading, bullet, number = HEADING.match(line), _bullet(line), numbered[i]
            in_a_list = number is not None and ((i > 0 and numbered[i - 1]) or (i + 1 < len(lines) and numbered[i + 1]))
            if heading:
                flush()
                blocks.append((f"h{len(heading.group(1))}", [heading.group(2)]))
            elif bullet is not None:
                flush()
                if blocks and blocks[-1][0] == "ul":
                    blocks[-1][1].append(bullet)
                else:
                    blocks.append(("ul", [bullet]))
            elif in_a_list:
                flush()
                item = (number.group(1) + number.group(2), number.group(3))
                if blocks and blocks[-1][0] == "ol" and i > 0 and numbered[i - 1]:
                    blocks[-1][1].append(item)
                else:
                    blocks.append(("ol", [item]))
            elif ADDRESS.match(line):
                flush()
                blocks.append(("link", [Link(line, line)]))
            else:
                paragraph.append(line)
        flush()
    return blocks


def numbered_paragraph(text):
    """A paragraph the council numbers ("3.1"), read as any typed text: (the lines its number stands
    before, the blocks after them). A paragraph that opens with a list or a heading gives no lines:
    its number then stands alone before them."""
    blocks = text_blocks(text)
    if blocks and blocks[0][0] == "p":
        return blocks[0][1], blocks[1:]
    return [], blocks


def with_links(blocks, links):
    """The blocks with each paragraph that is exactly a link's text (an attachment's name, as the
    narrative gives it) made that link; `links` is {text: Link}. Returns (blocks, links not used)."""
    used = set()
    result = []
    for kind, items in blocks:
        if kind == "p" and len(items) == 1 and items[0] in links:
            result.append(("link", [links[items[0]]]))
            used.add(items[0])
        else:
            result.append((kind, items))
    return result, [link for text, link in links.items() if text not in used]


def plain_text(blocks):
    """The blocks' words, in order, one line each (for checks and comparisons)."""
    lines = []
    for kind, items in blocks:
        for item in (items.rows if kind == "table" else items):
            if kind == "ol":
                lines.append(f"{item[0]} {item[1]}")
            elif kind == "link":
                lines.append(item.text)
            elif kind == "table":
                lines.append(" ".join(item))
            else:
                lines.append(item)
    return lines


def as_plain_text(text):
    """Typed text as a plain-text email writes it, read as the pages and documents read it:
    paragraphs apart, bullet points "• ", numbered lists as written, a link's text and address."""
    paragraphs = []
    for kind, items in text_blocks(text):
        if kind == "ul":
            paragraphs.append("\n".join(f"• {item}" for item in items))
        elif kind == "ol":
            paragraphs.append("\n".join(f"{marker} {item}" for marker, item in items))
        elif kind == "link":
            paragraphs.append("\n".join(link.text if link.text == link.href else f"{link.text}: {link.href}"
                                        for link in items))
        else:
            paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)
