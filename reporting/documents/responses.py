"""Documents as downloads: the file with its name and no caching, or the PDF made from a Word
document, with a page saying plainly why when no PDF can be made."""
from django.http import HttpResponse
from django.shortcuts import render

from reporting.documents.pdf import PDF_CONTENT_TYPE, PdfUnavailable, convert_to_pdf


def download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_download(request, docx_content, filename, *, title, word_url, back_url):
    """The PDF of a Word document's bytes; when none can be made (LibreOffice missing, too slow),
    a page that says so and links to the Word document (503: try again later)."""
    try:
        pdf = convert_to_pdf(docx_content)
    except PdfUnavailable as exc:
        return render(request, "reporting/documents/pdf_unavailable.html", {
            "title": title, "reason": str(exc), "word_url": word_url, "back_url": back_url,
        }, status=503)
    return download(pdf, PDF_CONTENT_TYPE, filename)
