"""The worker that makes the kept papers' PDFs (`manage.py make_papers`), off the request path.

Each worker converts one paper at a time, so the number of LibreOffice conversions running at once
is the number of workers (one or two on a small server): never one per reader. Safe to run twice,
on one server or several: a worker claims a paper before converting it with one conditional
UPDATE (claimed only while nobody holds it, or its holder's claim is older than the conversion's
time limit: a worker that died), which the database answers for one worker only, on SQLite and on
PostgreSQL alike. A conversion that fails is tried again after a pause (a minute, then two …), up
to PDF_ATTEMPTS times; its reason is kept for the page meanwhile.
"""
import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from reporting.documents import papers
from reporting.documents.models import Paper
from reporting.documents.pdf import PdfUnavailable, convert_to_pdf
from reporting.worker_db import reconnect_if_needed

logger = logging.getLogger(__name__)


def claim_expiry():
    """A claim older than this was left by a worker that stopped: another may take the paper over."""
    return timedelta(seconds=settings.PDF_TIMEOUT_SECONDS * 2 + 60)


def waiting(now=None):
    """The papers waiting for their PDF that a worker may take now, oldest first."""
    now = now or timezone.now()
    return (Paper.objects.filter(pdf="", attempts__lt=settings.PDF_ATTEMPTS)
            .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_expiry()))
            .order_by("made_at", "id"))


def claim(paper_id, worker):
    """Claim one paper for this worker; False when another worker holds it (or it is done)."""
    now = timezone.now()
    return waiting(now).filter(pk=paper_id).update(claimed_at=now, claimed_by=worker) == 1


def failed(paper, worker, reason):
    """Note why a claimed paper could not be made, to be tried again after a pause."""
    attempts = paper.attempts + 1
    Paper.objects.filter(pk=paper.pk, claimed_by=worker).update(
        attempts=attempts, failure=reason, retry_after=timezone.now() + timedelta(minutes=attempts),
        claimed_at=None, claimed_by="")


def convert(paper, worker):
    """Make and keep a claimed paper's PDF, or note why it could not be made."""
    try:
        with paper.docx.open("rb") as f:
            pdf = convert_to_pdf(f.read())
    except PdfUnavailable as exc:
        failed(paper, worker, str(exc))
        return False
    paper.pdf.save(paper.docx.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".pdf", ContentFile(pdf), save=False)
    kept = Paper.objects.filter(pk=paper.pk, claimed_by=worker, pdf="").update(
        pdf=paper.pdf.name, pdf_made_at=timezone.now(), failure="", claimed_at=None, claimed_by="")
    if not kept:  # another worker took it over and finished first: keep theirs
        paper.pdf.delete(save=False)
    return bool(kept)


def make_next(worker, builders=None):
    """Make the oldest waiting paper this worker can claim: its Word document first when it was
    queued without one (built by `builders[kind](paper)`, which returns the .docx bytes and the
    title), then its PDF. Returns the paper, or None when none waits."""
    for paper_id in waiting().values_list("pk", flat=True)[:20]:
        if not claim(paper_id, worker):
            continue
        paper = Paper.objects.get(pk=paper_id)
        try:
            if not paper.docx:
                built = (builders or {}).get(paper.kind, lambda paper: None)(paper)
                if built is None:
                    Paper.objects.filter(pk=paper.pk).update(
                        attempts=settings.PDF_ATTEMPTS, claimed_at=None, claimed_by="",
                        failure="This paper can no longer be made. Download the Word document instead.")
                    return paper
                paper = papers.fill(paper, docx=built[0], title=built[1])
            if paper.pdf:  # the same document's PDF, made already
                Paper.objects.filter(pk=paper.pk).update(claimed_at=None, claimed_by="")
                return paper
            convert(paper, worker)
        except Exception:  # noqa: BLE001 - one paper's fault must not stop the queue
            logger.exception("Paper %s could not be made", paper.pk)
            failed(paper, worker, "Something went wrong making this PDF; it will be tried again. "
                                  "Download the Word document instead.")
        return paper
    return None


def run(*, once=False, poll=2.0, builders=None, stop=lambda: False, say=lambda text: None):
    """Work through the queue: with `once`, until it is empty (each paper tried once); otherwise
    for ever, looking again every `poll` seconds when it is empty. Returns the papers converted."""
    worker = uuid.uuid4().hex[:12]
    made = 0
    while not stop():
        reconnect_if_needed()  # a long-running worker: a fresh connection when the old one is broken or too old
        paper = make_next(worker, builders)
        if paper is None:
            if once:
                break
            time.sleep(poll)
            continue
        paper.refresh_from_db()
        made += bool(paper.pdf)
        say(f"{paper.title}: {'the PDF is made' if paper.pdf else 'no PDF: ' + paper.failure}")
    return made
