"""Papers made once: the Word document and PDF of a briefing note or committee report, kept in the
default storage (MEDIA_ROOT, shared by every app server) and served to every reader as kept.

No request waits for LibreOffice. A request keeps the Word document it was given (python-docx,
cheap) and asks for its PDF: a kept PDF is served at once; otherwise the paper is in the queue and
the reader is told "The PDF is being prepared; the Word document is ready now". The worker
(`manage.py make_papers`, reporting.documents.worker) converts the queue one paper at a time.

A paper is known by its fingerprint, a digest of its Word document's content, so:
- two readers who would be given the same document share one kept paper and one PDF (the
  document is built for each reader through the access rules, as the pages are: a reader can only
  reach a paper holding what they may see);
- a paper whose content changes (a late return approved after issue, a draft edited) is a new
  paper, converted once; the old one is simply no longer asked for.
Issuing a briefing (reporting.briefings.papers) keeps its readers' paper at once, so that its PDF is
usually made before the first reader asks.
"""
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import render

from reporting.documents.models import Paper
from reporting.documents.pdf import PDF_CONTENT_TYPE, pdf_available
from reporting.documents.responses import download
from reporting.documents.word import DOCX_CONTENT_TYPE

UNDATED = {"docProps/core.xml"}  # the day the document was made: not its content


def fingerprint(docx):
    """A digest of a Word document's content: each of its parts, by name, but the date it was made
    (python-docx stamps that, and each part's time in the zip, whenever it writes one)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in sorted(archive.namelist()):
            if name in UNDATED:
                continue
            digest.update(name.encode() + b"\0")
            digest.update(hashlib.sha256(archive.read(name)).digest())
    return digest.hexdigest()


def keep(*, docx, kind, title, edition="", source_id=None):
    """The kept paper of this Word document: found by its fingerprint, or kept now (its Word
    document stored, its PDF queued). `edition` names what it was made from, for a look-up without
    building it again (reporting.briefings.papers). Safe when two requests keep the same paper at once."""
    key = fingerprint(docx)
    found = Paper.objects.filter(fingerprint=key).first()
    if found is not None:
        return found
    waiting = Paper.objects.filter(edition=edition, docx="").first() if edition else None
    if waiting is not None:  # queued by a reader a moment ago: made now, in its place
        return fill(waiting, docx=docx, title=title)
    paper = Paper(fingerprint=key, kind=kind, title=title[:300], edition=edition, source_id=source_id)
    paper.docx.save(f"{kind}-{key[:16]}.docx", ContentFile(docx), save=False)
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError:  # kept by another request a moment ago: keep theirs, not a second file
        paper.docx.delete(save=False)
        return Paper.objects.filter(Q(fingerprint=key) | Q(edition=edition) if edition else Q(fingerprint=key)).first()
    return paper


def queue(*, kind, title, edition, source_id):
    """The paper of this edition, queued now (its Word document and PDF both made by the worker)
    when it is not kept yet: what a request does instead of building it. Safe when two requests
    queue it at once."""
    found = Paper.objects.filter(edition=edition).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Paper.objects.create(kind=kind, title=title[:300], edition=edition, source_id=source_id)
    except IntegrityError:
        return Paper.objects.get(edition=edition)


def fill(paper, *, docx, title):
    """Give a paper queued without its Word document the document made for it. When the same
    document is kept already, the paper shares its files (and its PDF, if made): nothing is
    converted twice."""
    key = fingerprint(docx)
    same = Paper.objects.filter(fingerprint=key).exclude(pk=paper.pk).first()
    if same is None:
        paper.docx.save(f"{paper.kind}-{key[:16]}.docx", ContentFile(docx), save=False)
        try:
            with transaction.atomic():
                Paper.objects.filter(pk=paper.pk).update(title=title[:300], docx=paper.docx.name, fingerprint=key)
        except IntegrityError:  # the same document kept a moment ago: share it
            paper.docx.delete(save=False)
            same = Paper.objects.get(fingerprint=key)
    if same is not None:
        Paper.objects.filter(pk=paper.pk).update(title=title[:300], docx=same.docx.name, pdf=same.pdf.name,
                                                 pdf_made_at=same.pdf_made_at)
    paper.refresh_from_db()
    return paper


def requeue_if_given_up(paper):
    """A reader asking for a PDF the worker gave up on puts it back in the queue."""
    if paper.pdf or paper.attempts < settings.PDF_ATTEMPTS:
        return
    Paper.objects.filter(pk=paper.pk, pdf="").update(attempts=0, retry_after=None)


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _read(field):
    with field.open("rb") as f:
        return f.read()


def docx_response(paper, filename):
    """The kept Word document, as a download."""
    return download(_read(paper.docx), DOCX_CONTENT_TYPE, filename)


def pdf_response(request, paper, filename, *, word_url, back_url):
    """The paper's kept PDF; until it is made, a page saying it is being prepared (202) with the
    Word document ready now; when it cannot be made, a page saying why (503). Never runs LibreOffice."""
    context = {"title": paper.title, "word_url": word_url, "back_url": back_url, "pdf_url": request.get_full_path()}
    if paper.pdf:
        return download(_read(paper.pdf), PDF_CONTENT_TYPE, filename)
    if not pdf_available():
        return _no_store(render(request, "reporting/documents/pdf_unavailable.html", {
            **context, "reason": "PDF copies are not available on this server because LibreOffice is not installed. "
            "Download the Word document instead, or ask the administrator to install LibreOffice "
            "(Debian's libreoffice-writer-nogui).",
        }, status=503))
    if paper.failure:
        requeue_if_given_up(paper)
        return _no_store(render(request, "reporting/documents/pdf_unavailable.html",
                                {**context, "reason": paper.failure}, status=503))
    response = render(request, "reporting/documents/pdf_preparing.html", context, status=202)
    response["Retry-After"] = "10"
    return _no_store(response)
