"""Papers attached to a recommendation's update: a file uploaded with the update, or an address;
a working link in the committee report (page, Word, PDF), served only to those who may read the
update; and, with neither, the report says plainly that the paper is not available."""
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import ActionUpdate, Attachment, PlanUpdate
from reporting.plans import services
from tests.reporting.plan_helpers import main_text, update_post

PLAN = "employment"
MINUTES = b"%PDF-1.4 the minutes of the Member Reference Group"


def url(name, *args):
    return reverse(name, args=[PLAN, *args])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(client_for, media):
    """The June 2018 round with the officer's draft update on recommendation (14), which names a
    paper on a line of its own."""
    assert client_for("coordinator").post(url("plan-update-new"), {
        "title": "Action Plan for Employment – update at June 2018", "slug": "2018-06", "as_at": "30 June 2018",
        "committee": "", "meeting_date": ""}).status_code == 302
    response = client_for("officer").post(url("action-update-new", "2018-06"), update_post(
        narrative="The minutes are attached:\n\nmrg june 18 minutes.pdf\n\nMore to follow.", status="on_track",
        recommendation=14))
    assert response.status_code == 302
    return ActionUpdate.objects.get(plan_update__slug="2018-06", action__number=14)


def attach(client, draft, **data):
    return client.post(url("action-update-attachments", "2018-06", 14), data)


def approve(client_for, update):
    update.refresh_from_db()
    assert client_for("officer").post(url("action-update-submit", "2018-06", 14), {"version": update.version}).status_code == 302
    update.refresh_from_db()
    assert client_for("approver").post(url("action-update-approve", "2018-06", 14), {"version": update.version}).status_code == 302


def test_the_owner_uploads_a_paper_and_it_is_a_working_link_in_the_report_once_approved(client_for, draft, media):
    officer = client_for("officer")
    detail = officer.get(url("action-update", "2018-06", 14)).content.decode()
    assert url("action-update-attachments", "2018-06", 14) in detail
    response = attach(officer, draft, name="mrg june 18 minutes.pdf",
                      file=SimpleUploadedFile("minutes.pdf", MINUTES, content_type="application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get(action_update=draft)
    assert attachment.file.name.startswith("attachments/") and (media / attachment.file.name).read_bytes() == MINUTES
    link = url("plan-attachment", "2018-06", 14, attachment.pk)

    cabinet = client_for("cabinet")
    assert cabinet.get(link).status_code == 403  # not approved yet: readers do not see the update or its papers
    approve(client_for, draft)
    page = cabinet.get(url("plan-report", "2018-06")).content.decode()
    assert f'<a class="govuk-link" href="{link}">mrg june 18 minutes.pdf</a>' in page
    assert page.count("mrg june 18 minutes.pdf") == 1  # the narrative's line became the link: once
    download = cabinet.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINUTES
    assert 'filename="mrg june 18 minutes.pdf"' in download["Content-Disposition"]
    document = docx.Document(io.BytesIO(cabinet.get(url("plan-report-docx", "2018-06")).content))
    targets = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert f"http://127.0.0.1:8000{link}" in targets or any(t.endswith(link) for t in targets)
    assert client_for("cabinet").get(url("plan-attachment", "2018-06", 14, attachment.pk + 99)).status_code == 404


def test_an_address_is_a_link_too_and_a_paper_not_named_in_the_narrative_follows_it(client_for, draft):
    officer = client_for("officer")
    assert attach(officer, draft, name="Cabinet report, 25 May 2017",
                  url="https://modgov.example.gov.uk/cmr-25-5-17.pdf").status_code == 302
    approve(client_for, draft)
    text = main_text(client_for("scrutiny").get(url("plan-report", "2018-06")))
    assert text.index("More to follow.") < text.index("Cabinet report, 25 May 2017")
    page = client_for("scrutiny").get(url("plan-report", "2018-06")).content.decode()
    assert 'href="https://modgov.example.gov.uk/cmr-25-5-17.pdf"' in page


@pytest.mark.parametrize("data, message", [
    ({"name": "Nothing"}, "Choose the file to attach, or enter its web address"),
    ({"name": "Both", "url": "https://example.org/a.pdf", "file": True}, "Attach a file or give a web address, not both"),
    ({"name": "A program", "file": "run.exe"}, "The file must be a PDF, Word, Excel"),
    ({"name": "Bad address", "url": "not an address"}, "Enter the web address in full"),
])
def test_a_wrong_attachment_is_refused_with_a_clear_message_and_nothing_saved(client_for, draft, data, message):
    if data.get("file"):
        data["file"] = SimpleUploadedFile(data["file"] if isinstance(data["file"], str) else "a.pdf", b"x")
    response = attach(client_for("officer"), draft, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.filter(action_update=draft).exists()


def test_only_those_who_may_edit_the_update_attach_or_remove_papers(client_for, draft, demo_users, media,
                                                                    django_capture_on_commit_callbacks):
    for username in ("officer2", "cabinet", "approver"):
        assert client_for(username).get(url("action-update-attachments", "2018-06", 14)).status_code == 403
    attachment = services.add_attachment(action_update=draft, by=demo_users["officer"], name="minutes.pdf",
                                         file=SimpleUploadedFile("minutes.pdf", MINUTES))
    stored = media / attachment.file.name
    assert client_for("officer2").post(url("action-update-attachment-remove", "2018-06", 14, attachment.pk)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        response = client_for("officer").post(url("action-update-attachment-remove", "2018-06", 14, attachment.pk))
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists()


def test_the_2017_papers_are_named_but_not_available_as_no_file_came_with_the_report(sefton):
    update = PlanUpdate.objects.get(plan__slug=PLAN, slug="2017-12")
    names = sorted(Attachment.objects.filter(action_update__plan_update=update).values_list("name", "file", "url"))
    assert names == [("cmr 25.5.17 - social value.docx", "", ""), ("mrg september 17 minutes.docx", "", "")]
