"""The parts of an uploaded Office file (a return or onboarding workbook, the council's Word template)
screened before any XML parser reads them: one rule for every upload.

An Office file never declares a DTD or an entity, and XML bombs ("billion laughs") and external
entities need one, so a part that declares either is refused, in whatever encoding the XML parser
would read it (UTF-8 and the ASCII-compatible ones, UTF-16 and UTF-32 either way round, with or
without a byte order mark); so is a part declaring an encoding that Office files never use, in
which a declaration could hide. `screen_part` reads a part in chunks, at most its declared size
(which zipfile enforces), checking its CRC on the way; `safe_parser` is the parser to read a part
that passed with (no entities resolved, no DTD, no network, no huge trees).
"""
import re

from lxml import etree

# "<!DOCTYPE" and "<!ENTITY" as they look in each encoding an XML parser detects on its own.
ENCODINGS_SEEN = ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
MARKERS = tuple(word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY") for enc in ENCODINGS_SEEN)
LONGEST_MARKER = max(len(m) for m in MARKERS)
# The encodings an XML part may declare (Office writes UTF-8; the rest are ones the parser reads
# itself, where the markers above are found).
DECLARED_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "us-ascii",
                      "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}
DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""", re.I)
CHUNK = 64 * 1024


class UnsafePart(Exception):
    """A part of the file may not be read; the message says which and why, in words for the page."""


def screen_part(zf, entry, *, files="Office files"):
    """Raise UnsafePart if the zip entry declares a DTD or an entity in any encoding, or declares an
    encoding that `files` ("workbooks", "Word documents") never use. Every part, whatever its name:
    the programs that open the file follow relationships, not names."""
    tail = b""
    first = True
    with zf.open(entry) as part:
        while True:
            chunk = part.read(CHUNK)
            if not chunk:
                break
            if first:
                first = False
                declared = DECLARATION.match(chunk.lstrip(b"\xef\xbb\xbf"))
                if declared and declared.group(1).decode("ascii", "replace").strip().lower() not in DECLARED_ENCODINGS:
                    raise UnsafePart(
                        f"Part {entry.filename[:60]} of the file is written in an encoding that {files} never use "
                        f"({declared.group(1).decode('ascii', 'replace')[:20]}): it has not been opened."
                    )
            window = (tail + chunk).upper()
            if any(marker in window for marker in MARKERS):
                raise UnsafePart(f"Part {entry.filename[:60]} of the file declares XML entities: it has not been opened.")
            tail = chunk[-LONGEST_MARKER:]


def safe_parser():
    """An XML parser for a part that passed `screen_part`: it resolves no entity, loads no DTD and
    reaches no network, whatever the part says."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, dtd_validation=False)
