"""Papers made once (issue 24): an issued briefing's Word document is kept when it is issued, its PDF
made once by the worker (`manage.py make_papers`) with the real LibreOffice, and every reader is
served the kept files; no request runs LibreOffice."""
import io

import docx as python_docx
import pytest
from django.core.management import call_command
from django.utils import timezone

from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import issue_briefing, update_briefing
from reporting.briefings import papers as briefing_papers
from reporting.documents import pdf as pdf_module
from reporting.documents import worker
from reporting.documents.models import Paper
from reporting.documents.papers import fingerprint, keep
from reporting.models import PlanUpdate, QuarterlyReturn
from reporting.plans.docx import build_report_docx
from reporting.plans.report import report_contents
from reporting.plans.services import save_report_cover

Q2_PDF = "/periods/2023-24-q2/briefing.pdf"
Q2_DOCX = "/periods/2023-24-q2/briefing.docx"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_libreoffice_in_requests(monkeypatch):
    """Fail the test if anything starts a process (LibreOffice is started by subprocess.Popen)."""
    def started(*args, **kwargs):
        pytest.fail(f"a process was started in the request: {args[0] if args else kwargs}")

    monkeypatch.setattr(pdf_module.subprocess, "Popen", started)
    monkeypatch.setattr(pdf_module.subprocess, "run", started)


@pytest.fixture
def q2(sefton):
    return ReportingPeriod.objects.get(slug="2023-24-q2")


@pytest.fixture
def issued_q2(q2, demo_users, django_capture_on_commit_callbacks):
    """The Q2 briefing issued by the approver, Housing and Tourism approved in it."""
    subs = {s.slug: s for s in SubStrand.objects.filter(slug__in=["housing", "tourism"])}
    for slug, sub in subs.items():
        QuarterlyReturn.objects.create(sub_strand=sub, period=q2, state="approved", overall_rag="green",
                                       commentary=f"{slug} in Q2")
    briefing = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], expected_version=0,
                               data={"title": "Quarter 2 progress", "purpose": "To update Cabinet Member on Q2."})
    with django_capture_on_commit_callbacks(execute=True):
        return issue_briefing(briefing=briefing, by=demo_users["approver"])


def docx_text(content):
    return "\n".join(p.text for p in python_docx.Document(io.BytesIO(content)).paragraphs)


def report_docx():
    return build_report_docx(report_contents(PlanUpdate.objects.get(plan__slug="employment", slug="2017-12")))


def test_issuing_keeps_the_briefings_word_document_and_queues_its_pdf(issued_q2, client_for, media):
    paper = Paper.objects.get()
    assert paper.kind == "briefing" and paper.title == "Quarter 2 progress"
    assert (media / paper.docx.name).is_file() and not paper.pdf
    assert list(worker.waiting()) == [paper]
    # the kept document is the one a reader downloads: the same content, so the same paper
    assert fingerprint(client_for("cabinet").get(Q2_DOCX).content) == paper.fingerprint


def test_the_issued_briefings_pdf_is_served_from_the_kept_file_with_no_libreoffice_call(
        issued_q2, client_for, media, monkeypatch):
    out = io.StringIO()
    call_command("make_papers", once=True, stdout=out)  # the worker, with the real LibreOffice
    paper = Paper.objects.get()
    assert paper.pdf and paper.pdf_made_at and out.getvalue().endswith("1 PDF made.\n")
    again = io.StringIO()
    call_command("make_papers", once=True, stdout=again)  # run again (cron): nothing is converted twice
    assert again.getvalue() == "0 PDFs made.\n" and Paper.objects.get().pdf_made_at == paper.pdf_made_at
    kept = (media / paper.pdf.name).read_bytes()
    assert kept[:5] == b"%PDF-"

    monkeypatch.setattr(pdf_module, "convert_to_pdf", lambda *a, **k: pytest.fail("converted in the request"))
    monkeypatch.setattr(pdf_module.subprocess, "Popen", lambda *a, **k: pytest.fail("a process started in the request"))
    monkeypatch.setattr(briefing_papers, "briefing_context", lambda **k: pytest.fail("the paper was built again"))
    for reader in ("cabinet", "scrutiny"):
        response = client_for(reader).get(Q2_PDF)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert 'filename="ses-briefing-2023-24-q2.pdf"' in response["Content-Disposition"]
        assert response.content == kept
        word = client_for(reader).get(Q2_DOCX)
        assert word.content == (media / paper.docx.name).read_bytes()
    assert Paper.objects.count() == 1


def test_a_return_approved_after_issue_makes_a_new_paper_for_the_readers(issued_q2, client_for, q2,
                                                                         no_libreoffice_in_requests):
    """The briefing shows a late return at once, marked; so does its paper (re-issued or not)."""
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="planning"), period=q2, state="approved",
                                   overall_rag="amber", commentary="Planning, late", approved_at=timezone.now())
    assert client_for("cabinet").get(Q2_PDF).status_code == 202
    assert Paper.objects.count() == 2
    queued = Paper.objects.order_by("-id").first()  # queued for the worker, nothing built in the request
    assert not queued.docx and queued.source_id == issued_q2.pk
    built, title = briefing_papers.readers_docx(queued)  # what the worker makes of it
    assert title == "Quarter 2 progress" and "Planning, late" in docx_text(built)


def test_until_the_pdf_is_made_the_reader_is_told_and_given_the_word_document(issued_q2, client_for,
                                                                            no_libreoffice_in_requests):
    response = client_for("cabinet").get(Q2_PDF)
    assert response.status_code == 202
    page = response.content.decode()
    assert "The PDF is being prepared; the Word document is ready now" in page
    assert f'href="{Q2_DOCX}"' in page and f'href="{Q2_PDF}"' in page
    assert Paper.objects.count() == 1  # the paper kept at issue: asking again queues nothing new


def test_a_drafts_pdf_is_queued_for_the_worker_not_made_in_the_request(q2, client_for, demo_users,
                                                                      no_libreoffice_in_requests):
    update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], expected_version=0,
                    data={"title": "Draft Q2", "purpose": "Draft."})
    client = client_for("coordinator")
    for _ in range(2):
        response = client.get(Q2_PDF)
        assert response.status_code == 202 and "being prepared" in response.content.decode()
    assert Paper.objects.filter(kind="briefing", title="Draft Q2").count() == 1  # queued once
    assert client_for("cabinet").get(Q2_PDF).status_code == 403  # readers still get no draft


def test_a_changed_draft_is_a_new_paper(q2, client_for, demo_users, no_libreoffice_in_requests):
    note = update_briefing(briefing=briefing_for(q2), by=demo_users["coordinator"], expected_version=0,
                           data={"title": "Draft Q2", "purpose": "First words."})
    client = client_for("coordinator")
    client.get(Q2_PDF)
    update_briefing(briefing=note, by=demo_users["coordinator"], expected_version=note.version, data={"purpose": "Second words."})
    client.get(Q2_PDF)
    assert Paper.objects.count() == 2


def test_the_same_document_made_twice_is_one_paper(sefton):
    first, second = report_docx(), report_docx()
    assert keep(docx=first, kind="report", title="Report") == keep(docx=second, kind="report", title="Report")
    assert Paper.objects.count() == 1


def test_only_one_worker_claims_a_paper(sefton):
    paper = keep(docx=report_docx(), kind="report", title="Report")
    assert worker.claim(paper.pk, "first") is True
    assert worker.claim(paper.pk, "second") is False
    assert list(worker.waiting()) == []


def test_a_claim_left_by_a_stopped_worker_is_taken_over(sefton, settings):
    paper = keep(docx=report_docx(), kind="report", title="Report")
    assert worker.claim(paper.pk, "stopped")
    Paper.objects.filter(pk=paper.pk).update(claimed_at=paper.made_at - worker.claim_expiry() * 2)
    assert worker.claim(paper.pk, "next") is True


def test_a_failed_conversion_is_tried_again_later_and_its_reason_shown(sefton, client_for, settings, tmp_path):
    settings.LIBREOFFICE = str(tmp_path / "soffice")
    (tmp_path / "soffice").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / "soffice").chmod(0o755)
    url = "/action-plans/employment/reports/2017-12/report.pdf"
    assert client_for("cabinet").get(url).status_code == 202
    assert call_command("make_papers", once=True, verbosity=0) is None
    paper = Paper.objects.get()
    assert paper.attempts == 1 and "LibreOffice could not make the PDF" in paper.failure
    assert list(worker.waiting()) == []  # not at once: after a pause
    response = client_for("cabinet").get(url)
    assert response.status_code == 503 and "LibreOffice could not make the PDF" in response.content.decode()
    assert 'href="/action-plans/employment/reports/2017-12/report.docx"' in response.content.decode()


def test_the_committee_report_is_kept_when_it_changes_and_readers_are_given_that_paper(
        sefton, demo_users, client_for, django_capture_on_commit_callbacks, no_libreoffice_in_requests):
    round_ = PlanUpdate.objects.get(plan__slug="employment", slug="2017-12")
    with django_capture_on_commit_callbacks(execute=True):
        save_report_cover(plan_update=round_, by=demo_users["coordinator"], version=round_.version,
                          summary="A summary for the committee.")
    kept = Paper.objects.get()
    assert kept.kind == "report" and kept.docx and not kept.pdf  # its PDF queued for the worker
    response = client_for("cabinet").get("/action-plans/employment/reports/2017-12/report.pdf")
    assert response.status_code == 202 and "being prepared" in response.content.decode()
    assert Paper.objects.get() == kept  # the reader's report is the one kept


def test_the_administrator_sees_the_queue_and_why_a_pdf_failed(sefton, client_for):
    paper = keep(docx=report_docx(), kind="report", title="Employment report")
    Paper.objects.filter(pk=paper.pk).update(attempts=1, failure="LibreOffice could not make the PDF.")
    client = client_for("admin")
    listing = client.get("/admin/reporting/paper/").content.decode()
    assert "Employment report" in listing and "LibreOffice could not make the PDF." in listing
    page = client.get(f"/admin/reporting/paper/{paper.pk}/change/")
    assert page.status_code == 200 and "/media/" not in page.content.decode()  # its files only through the pages


def test_a_paper_that_cannot_be_built_does_not_stop_the_queue(sefton):
    queued = Paper.objects.create(kind="briefing", title="Broken", edition="broken", source_id=1)
    after = keep(docx=report_docx(), kind="report", title="Report")

    def broken(paper):
        raise RuntimeError("the builder broke")

    assert worker.make_next("w", {"briefing": broken}) == queued
    queued.refresh_from_db()
    assert queued.attempts == 1 and "will be tried again" in queued.failure and not queued.claimed_by
    assert list(worker.waiting()) == [after]  # the next one is still made
