"""Compression of what the app sends: Django's GZipMiddleware (with its BREACH mitigation since
Django 4.2: up to 100 random bytes in each gzip header, "Heal the Breach"), for text only: HTML, JSON
(the read API, the open data), CSV, XML, JavaScript, CSS, SVG. Word documents, workbooks, PDFs and
images are zips or compressed already, and are sent as they are. A public page's weak ETag stays as
it is, so its 304s still work (reporting/public/caching.py)."""
import re

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = re.compile(
    r"\s*(text/|application/(json|javascript|xml|vnd\.oai\.openapi|[\w.+-]*\+(json|xml))|image/svg\+xml)", re.IGNORECASE)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
