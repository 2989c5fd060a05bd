"""PDF copies of the documents, made by LibreOffice headless where it is installed (Debian's
libreoffice-writer-nogui for Word documents, libreoffice-calc-nogui for workbooks).

Each conversion runs in a temporary directory of its own, with its own LibreOffice profile (so
that two at once never share one), within PDF_TIMEOUT_SECONDS; past that, the LibreOffice it
started is stopped. The PDF is tagged (headings, lists, tables and reading order for screen
readers), carries the document's title and language (en-GB), and shows the title in the
reader's window.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

PDF_CONTENT_TYPE = "application/pdf"
EXPORT_OPTIONS = json.dumps({
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
})
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}


class PdfUnavailable(Exception):
    """No PDF could be made; the message says why, in words for the page."""


def libreoffice():
    """The LibreOffice program to convert with, or None when it is not installed."""
    return shutil.which(settings.LIBREOFFICE)


def pdf_available():
    return libreoffice() is not None


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
        command = [
            program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
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
