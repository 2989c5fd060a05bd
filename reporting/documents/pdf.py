"""PDF copies of the documents, made by LibreOffice headless where it is installed (Debian's
libreoffice-writer-nogui for Word documents, libreoffice-calc-nogui for workbooks).

Each conversion runs in a temporary directory of its own, with its own LibreOffice profile (so
that two at once never share one), within PDF_TIMEOUT_SECONDS; past that, the LibreOffice it
started is stopped. The PDF is tagged (headings, lists, tables and reading order for screen
readers), carries the document's title and language (en-GB), and shows the title in the
reader's window.

LibreOffice never reaches the network, whatever a document links to (a picture at an internal
address, a cloud metadata endpoint, a remote template). Two walls, each enough on its own:

- it runs in a network namespace of its own with no interface up (util-linux's `unshare`: as
  root `unshare --net`; otherwise `unshare --map-root-user --net`, where the kernel lets a user
  make namespaces), so no connection can be made at all. Where neither is allowed (a container
  without the capability), this is logged once and the second wall stands alone;
- the profile of each conversion tells it never to load what a document links to
  (BlockUntrustedRefererLinks), never to update links, and never to run a macro.
The council's Word template is also checked on upload and on use (reporting.documents.templates).

The PDF's creation date is the paper's own (the date in its Word document's or workbook's
properties: a meeting date, an as-at date, the day it was issued), or none when the paper has none:
never the moment LibreOffice made it. LibreOffice's PDF export has no option for it, so the date it
writes in the PDF's information dictionary is replaced, in place and at the same length (the file's
cross-reference offsets stay true), or blanked out.
"""
import datetime
import functools
import io
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from defusedxml import ElementTree

from django.conf import settings

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
EXPORT_OPTIONS = json.dumps({
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
})
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}
# The settings of each conversion's profile: linked content from any location never loaded, links
# never updated (Writer's 0 and Calc's 1 are "never"), macros never run.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""
# How to put a program in a network namespace of its own, the first that works here.
NAMESPACE_OPTIONS = (["--net"], ["--map-root-user", "--net"])


# LibreOffice writes the moment it made the PDF as "/CreationDate(D:20261207124951Z')" (in UTC: it
# runs with TZ=UTC), uncompressed in the information dictionary.
CREATION_DATE = re.compile(rb"/CreationDate\s*\(D:(\d{14})Z'?\)")
CREATED = "{http://purl.org/dc/terms/}created"


class PdfUnavailable(Exception):
    """No PDF could be made; the message says why, in words for the page."""


def libreoffice():
    """The LibreOffice program to convert with, or None when it is not installed."""
    return shutil.which(settings.LIBREOFFICE)


def pdf_available():
    return libreoffice() is not None


@functools.cache
def network_isolation():
    """The command prefix that runs a program with no network (`unshare --net`, or `unshare
    --map-root-user --net` for a user other than root), tried once a process; [] when the system
    allows neither, which is logged as a warning."""
    program = shutil.which("unshare")
    for options in NAMESPACE_OPTIONS if program else ():
        try:
            if subprocess.run([program, *options, "true"], capture_output=True, timeout=10).returncode == 0:
                return [program, *options]
        except (OSError, subprocess.SubprocessError):
            continue
    logger.warning("LibreOffice cannot be kept off the network on this server (%s), so PDFs are made with only its "
                   "own settings blocking what a document links to. Install util-linux, or allow network namespaces "
                   "(run as root, or with the CAP_SYS_ADMIN capability, or with user namespaces enabled).",
                   "unshare is not installed" if program is None else "unshare is not allowed")
    return []


def document_date(content):
    """The date in a Word document's or workbook's properties (docProps/core.xml), as an aware
    datetime, or None when it has none (or it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
        found = root.find(CREATED)
        if found is None or not (found.text or "").strip():
            return None
        when = datetime.datetime.fromisoformat(found.text.strip().replace("Z", "+00:00"))
        return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return None


def dated_pdf(pdf, created):
    """The PDF with its creation date made `created` (an aware datetime), or with none (None): the
    date LibreOffice wrote is replaced at the same length, or blanked with spaces, so that nothing
    else in the file moves."""
    def replace(match):
        if created is None:
            return b" " * len(match.group(0))
        stamp = created.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%S").encode()
        return match.group(0).replace(match.group(1), stamp)

    return CREATION_DATE.sub(replace, pdf, count=1)


def _stop(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)  # soffice and the soffice.bin it started, nothing else
    except ProcessLookupError:
        pass
    process.communicate()


def convert_to_pdf(content, *, suffix=".docx", timeout=None):
    """The PDF of a .docx (or .xlsx) file's bytes. Raises PdfUnavailable when LibreOffice is not
    installed, takes longer than the time limit or makes no PDF."""
    program = libreoffice()
    if program is None:
        raise PdfUnavailable(
            "PDF copies are not available on this server because LibreOffice is not installed. "
            "Download the Word document instead, or ask the administrator to install LibreOffice "
            "(Debian's libreoffice-writer-nogui)."
        )
    timeout = timeout or settings.PDF_TIMEOUT_SECONDS
    with tempfile.TemporaryDirectory(prefix="ses-pdf-") as folder:
        folder = Path(folder)
        source = folder / f"document{suffix}"
        source.write_bytes(content)
        (folder / "profile" / "user").mkdir(parents=True)
        (folder / "profile" / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        command = [
            *network_isolation(), program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", f"pdf:{FILTERS[suffix]}:{EXPORT_OPTIONS}", "--outdir", str(folder), str(source),
        ]
        env = {"HOME": str(folder), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_GB.UTF-8", "TZ": "UTC"}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   start_new_session=True, cwd=folder)
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise PdfUnavailable(
                f"Making the PDF took longer than {timeout} seconds, so it was stopped. Try again in a minute, "
                "or download the Word document instead."
            ) from None
        pdf = folder / "document.pdf"
        if process.returncode != 0 or not pdf.exists():
            raise PdfUnavailable(
                "LibreOffice could not make the PDF. Download the Word document instead. "
                f"(LibreOffice said: {errors.decode('utf-8', 'replace').strip()[:200] or 'nothing'})"
            )
        return dated_pdf(pdf.read_bytes(), document_date(content))
