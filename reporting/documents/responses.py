"""Documents as downloads: the file with its name and no caching. The PDFs of the papers are the
kept ones (reporting.documents.papers.pdf_response), never made in the request."""
from django.http import HttpResponse


def download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
