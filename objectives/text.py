"""What counts as written text: a reason or comment of spaces, zero-width spaces, joiners, byte
order marks or other invisible characters is blank, however many of them there are."""
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
