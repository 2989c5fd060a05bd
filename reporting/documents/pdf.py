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
"""
import functools
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

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
        env = {"HOME": str(folder), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_GB.UTF-8"}
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
        return pdf.read_bytes()
