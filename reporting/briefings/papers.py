"""The briefing as a kept paper (reporting.documents.papers): made when it is issued or re-issued,
and served to its readers as kept.

Issuing keeps the readers' paper at once (its Word document made in the approver's request:
python-docx, cheap; its PDF queued for the worker, `manage.py make_papers`), so that the readers
who open the email are served the kept files, and none of them waits for LibreOffice or for the
document to be built again.

A reader's copy of an issued briefing is found without building it, by its edition: what the
readers' document is made from, in a few words (the briefing's saved version, and the returns its
readers see up to its period: how many, and when the last was approved, which a late return
approved after issue changes; the council's Word template). Anyone else (the Economy Cell, an
approver, an officer, who may see more) gets the document built for them, kept by its content."""
import hashlib

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string

from objectives.council import council, terms
from objectives.roles import Role, roles_of
from reporting.access import BRIEFINGS, SEEN_BY_READERS
from reporting.briefings.contents import briefing_for, title_of
from reporting.briefings.docx import briefing_docx_bytes
from reporting.briefings.selectors import briefing_context
from reporting.documents import papers
from reporting.documents.models import DocumentTemplate, Paper
from reporting.models import Briefing, BriefingRevision, QuarterlyReturn


def a_reader():
    """A signed-in reader of every strategy, holding no other role: the audience the issued paper is
    made for (a reader's download is built through the same access rules, so it is the same document)."""
    reader = get_user_model()(username="", is_active=True)
    reader._ses_roles = frozenset({Role.READER})
    reader._ses_strategies = None  # reads every strategy
    reader._ses_sub_strand_ids = frozenset()
    return reader


def is_readers_copy(user, briefing):
    """Is the document this user gets of the briefing its readers' own (an issued briefing, a reader)?"""
    return briefing.pk is not None and briefing.state == Briefing.State.ISSUED and roles_of(user) == {Role.READER}


def edition(briefing):
    """What the issued briefing's readers' paper is made from, in a few words (see the module). Two queries."""
    period = briefing.period
    seen = (QuarterlyReturn.objects.filter(period__strategy_id=period.strategy_id, period_key__lte=period.order_key,
                                           state__in=SEEN_BY_READERS)
            .aggregate(count=Count("id"), last=Max("approved_at")))
    template = DocumentTemplate.objects.filter(in_use=True).values_list("file", flat=True).first()
    last = seen["last"].isoformat() if seen["last"] else "-"
    key = f"briefing {briefing.pk} v{briefing.version}; returns {seen['count']} to {last}; template {template or '-'}"
    return key if len(key) <= 200 else key[:135] + " " + hashlib.sha256(key.encode()).hexdigest()


def kept_readers_paper(user, briefing):
    """The readers' paper of an issued briefing, for a reader, found without building it (it may be
    queued, its Word document not made yet); None when it is not theirs to be given or none is kept
    or queued for this edition."""
    if not is_readers_copy(user, briefing) or not BRIEFINGS.test(user, briefing):
        return None
    return Paper.objects.filter(edition=edition(briefing)).first()


def paper_of(user, period):
    """The paper of the period's briefing as `user` downloads it. A reader of the issued briefing: the
    readers' kept one, or queued now for the worker to make (nothing is built in the request). Anyone
    else: kept now from the document built for them (python-docx), its PDF queued. Raises
    PermissionDenied for a draft asked for by a reader."""
    note = briefing_for(period)
    if is_readers_copy(user, note) and BRIEFINGS.test(user, note):
        return papers.queue(kind=Paper.Kind.BRIEFING, title=title_of(note, period), edition=edition(note), source_id=note.pk)
    context = briefing_context(period=period, user=user, briefing=note)
    return papers.keep(docx=briefing_docx_bytes(context), kind=Paper.Kind.BRIEFING, title=context["title"])


def readers_docx(paper):
    """The Word document of a readers' paper queued by a reader: (its bytes, its title), made by the
    worker; None when its briefing is gone."""
    briefing = Briefing.objects.select_related("period").filter(pk=paper.source_id, state=Briefing.State.ISSUED).first()
    if briefing is None:
        return None
    context = briefing_context(period=briefing.period, user=a_reader(), briefing=briefing)
    return briefing_docx_bytes(context), context["title"]


def keep_issued(briefing):
    """Keep the issued briefing's paper as its readers will download it (its PDF queued), and keep it
    as its revision's paper: that revision's Word document and PDF, and its page's sections, as
    issued, for good."""
    briefing = Briefing.objects.select_related("period").get(pk=briefing.pk)
    context = briefing_context(period=briefing.period, user=a_reader(), briefing=briefing)
    paper = papers.keep(docx=briefing_docx_bytes(context), kind=Paper.Kind.BRIEFING, title=context["title"],
                        edition=edition(briefing), source_id=briefing.pk)
    revision = BriefingRevision.objects.filter(briefing_id=briefing.pk, number=briefing.revision, paper__isnull=True).first()
    if revision is not None:
        revision.paper = paper
        revision.snapshot = {**revision.snapshot, "html": as_issued_html(context, briefing.period)}
        revision.save(update_fields=["paper", "snapshot"])
    return paper


def as_issued_html(context, period):
    """The briefing's sections and appendix as its readers' page showed them when it was issued (the
    page's own partial, the appendix whole), for the revision's page to show as issued."""
    annex = Paginator(context["kpi_annex"], max(1, len(context["kpi_annex"]))).get_page(1)
    return render_to_string("reporting/briefings/_briefing_content.html",
                            {"b": context, "period": period, "public": False, "annex": annex,
                             "terms": terms(), "council": council()})


def keep_when_issued(briefing):
    """Keep the paper once the issue has committed (called inside the issue's transaction)."""
    transaction.on_commit(lambda: keep_issued(briefing))
