"""What counts as written text: a reason or comment of spaces, zero-width spaces, joiners, byte
order marks or other invisible characters is blank, however many of them there are. And typed text
as it is kept (line feeds only, whatever the browser posted) and compared (`change`: unchanged,
added to, rewritten), the one rule every page asks."""
import re
import unicodedata

# Other (control, format, unassigned, private use, surrogate), separators, and combining marks on nothing.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}


def is_blank(text):
    """True when `text` has no character a reader could see."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in (text or ""))


def clean_text(text):
    """`text` without the invisible characters around it ('' when it is blank)."""
    text = text or ""
    if is_blank(text):
        return ""
    return text.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()


# -- typed text as it is kept and compared -----------------------------------------------------------

def with_line_feeds(text):
    """`text` with each line ending a line feed: a browser posts a textarea's lines ending CR LF, a
    workbook or an old Mac may end them CR alone. Typed text is kept this way (see `keep_line_feeds`)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


OUR_APPS = {"objectives", "kpis", "reporting", "api", "sso"}  # the apps whose text fields are kept so


def keep_line_feeds(sender, instance, **kwargs):
    """Before any model of ours is saved: each of its text fields with line feeds only, so that text
    typed in a browser is stored as it is read back and compared (connected in objectives.apps)."""
    if sender._meta.app_label not in OUR_APPS:
        return
    for field in sender._meta.concrete_fields:
        if field.get_internal_type() in ("TextField", "CharField"):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, with_line_feeds(value))


def comparable(text):
    """`text` as a reader sees it, for comparing two versions: its lines ending in line feeds, spaces
    (of any kind) inside a line one space, none at a line's ends, one blank line between paragraphs,
    nothing invisible around it."""
    paragraphs, lines = [], []
    for line in with_line_feeds(clean_text(text)).split("\n") + [""]:
        line = " ".join(line.split())
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    return "\n\n".join(paragraphs)


SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text):
    """The sentences and lines of a comparable text, in order."""
    return [s for s in SENTENCE_END.split(comparable(text)) if s]


class Change:
    """How a text differs from the one before it (the review queue's "Added to since last quarter")."""

    UNCHANGED = "unchanged"
    ADDED_TO = "added_to"  # every sentence before is still there, in order, with more
    REWRITTEN = "rewritten"  # a sentence before was changed or taken out
    NEW = "new"  # there was none before

    WORDS = {
        UNCHANGED: "Unchanged from last {period}",
        ADDED_TO: "Added to since last {period}",
        REWRITTEN: "Rewritten since last {period}",
        NEW: "No commentary last {period}",
    }


def change(before, after):
    """The one rule for how `after` differs from `before` (a Change value): the same text with other
    line endings or spaces is unchanged; the earlier sentences kept in order with sentences added is
    added to; anything else is rewritten; no text before is new."""
    if before is None or not comparable(before):
        return Change.NEW
    if comparable(before) == comparable(after):
        return Change.UNCHANGED
    old, new = sentences(before), sentences(after)
    remaining = iter(new)
    if len(new) > len(old) and all(any(s == t for t in remaining) for s in old):
        return Change.ADDED_TO
    return Change.REWRITTEN


def change_words(kind, period_word):
    """The words of a Change, in the period's word ("Added to since last half-year")."""
    return Change.WORDS[kind].format(period=period_word)
