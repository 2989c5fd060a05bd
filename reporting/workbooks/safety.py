"""A workbook upload checked before openpyxl opens it (size, a real .xlsx, no zip bomb, no XML
entity tricks), and the problems an import can find, each naming its sheet and cell."""
import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

from reporting.xml_safety import UnsafePart, screen_part

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # a real workbook's XML compresses 5 to 30 times; bombs compress thousands of times
MAX_ZIP_ENTRIES = 1_000


MAX_PROBLEMS_SHOWN = 50


FORMAT_HINT = "Save it in Excel as “Excel Workbook (.xlsx)” and upload it again."


# -- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: 'Sheet “3. Regenerated Places”, cell J7 (HOU-02): enter a number'."""

    message: str
    sheet: str = ""
    cell: str = ""
    subject: str = ""

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"Sheet “{self.sheet}”")
        if self.cell:
            where.append(f"cell {self.cell}")
        place = ", ".join(where)
        if self.subject:
            place = f"{place} ({self.subject})" if place else self.subject
        return f"{place}: {self.message}" if place else self.message


class ImportRefused(Exception):
    """The workbook cannot be imported; `problems` says each reason. Nothing was written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))

    @property
    def messages(self):
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"… and {hidden:,} more problems. Correct these first and upload the workbook again.")
        return shown


# -- 1. the file itself --------------------------------------------------------------------------


def check_file(content, *, filename=""):
    """Refuse a file that is not a safe .xlsx before openpyxl sees it (raises ImportRefused)."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise ImportRefused([Problem("The file is empty. Choose the filled-in return template (.xlsx).")])
    if len(content) > limit:
        raise ImportRefused([Problem(
            f"The file is {len(content) / 1024 / 1024:.1f} MB: it must be smaller than {limit / 1024 / 1024:.0f} MB."
        )])
    if filename and not filename.lower().endswith(".xlsx"):
        raise ImportRefused([Problem(f"“{filename[:80]}” is not an .xlsx file. {FORMAT_HINT}")])
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused([Problem(
            "The file is an Excel 97–2003 workbook (.xls) or a password-protected workbook, which cannot be read. "
            "Remove any password, then " + FORMAT_HINT[0].lower() + FORMAT_HINT[1:]
        )])
    if content[:4] != b"PK\x03\x04" or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused([Problem(f"The file is not an Excel workbook (.xlsx). {FORMAT_HINT}")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            entries = zf.infolist()
            names = {e.filename for e in entries}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ImportRefused([Problem(f"The file holds {len(entries):,} parts: it is not a return workbook.")])
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRefused([Problem(f"The file is a zip archive, not an Excel workbook (.xlsx). {FORMAT_HINT}")])
            total = sum(e.file_size for e in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused([Problem(
                    f"The file expands to {total / 1024 / 1024:,.0f} MB, more than the "
                    f"{MAX_UNCOMPRESSED_BYTES / 1024 / 1024:.0f} MB a return workbook can be: it has not been opened."
                )])
            for e in entries:
                if e.file_size > 1024 * 1024 and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
                    raise ImportRefused([Problem(
                        f"Part {e.filename[:60]} of the file is compressed {e.file_size // max(e.compress_size, 1):,} "
                        "times over, as a zip bomb is: it has not been opened."
                    )])
                if e.flag_bits & 0x1:
                    raise ImportRefused([Problem("The file is encrypted: remove the password and upload it again.")])
            for e in entries:  # every part, whatever its name: openpyxl follows the relationships, not the names
                _check_part(zf, e)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError,
            UnicodeDecodeError) as exc:
        raise ImportRefused([Problem(f"The file is damaged and cannot be read ({type(exc).__name__}). {FORMAT_HINT}")]) from exc


def _check_part(zf, entry):
    """No DTD or entity declaration in any part, in any encoding, and no encoding a workbook never
    uses (reporting.xml_safety, the one rule for every uploaded Office file)."""
    try:
        screen_part(zf, entry, files="workbooks")
    except UnsafePart as exc:
        raise ImportRefused([Problem(str(exc))]) from None
