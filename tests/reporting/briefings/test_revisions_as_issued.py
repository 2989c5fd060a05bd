"""Each revision of a briefing downloadable exactly as it was issued (issue 27): revision 1's Word
document and PDF are the paper its readers were sent (every section, the appendix, as numbered then),
kept when it was issued, whatever is approved or re-issued later; revision 2's say "Revision 2" under
the title and in their properties."""
import io
import subprocess
import tempfile

import docx
import pytest
from django.urls import reverse

from kpis.models import KPI
from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.contents import briefing_for
from reporting.briefings.services import issue_briefing, reissue_briefing, update_briefing
from reporting.documents.pdf import convert_to_pdf
from reporting.models import BriefingRevision
from reporting.returns import services
from tests.reporting._returns_support import fast_password_hashing, fill, housing_return  # noqa: F401

Q2 = "2023-24-q2"


def period():
    return ReportingPeriod.objects.get(slug=Q2)


def words_of(content):
    document = docx.Document(io.BytesIO(content))
    return document, "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def reissued(demo_users, settings, tmp_path, django_capture_on_commit_callbacks):
    """Q2's briefing issued with Housing approved, then Planning approved late and the briefing
    re-issued as revision 2, each issue's paper kept as the services keep it (once committed)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    housing_return(demo_users, "approved")
    note = update_briefing(briefing=briefing_for(period()), by=demo_users["coordinator"], data={}, expected_version=0)
    with django_capture_on_commit_callbacks(execute=True):
        issue_briefing(briefing=note, by=demo_users["approver"])
    late = services.start_return(sub_strand=SubStrand.objects.get(slug="planning"), period=period(), by=demo_users["officer"])
    changes = {"overall_rag": "amber", "commentary": "Planning, approved after the first issue."}
    for kpi in KPI.objects.filter(sub_strand__slug="planning", is_active=True):
        changes[f"kpi-{kpi.id}-{'milestone_status' if kpi.is_milestone else 'not_available'}"] = (
            "at_risk" if kpi.is_milestone else "on")
    late = fill(late, demo_users["officer"], changes, submit=True)
    services.approve_return(quarterly_return=late, by=demo_users["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        reissue_briefing(briefing=briefing_for(period()), by=demo_users["approver"])
    return briefing_for(period())


def test_each_revision_is_downloadable_as_issued_and_says_its_revision(reissued, client_for):
    assert reissued.revision == 2
    kept = {r.number: r for r in BriefingRevision.objects.filter(briefing=reissued)}
    assert kept[1].paper_id and kept[2].paper_id and kept[1].paper_id != kept[2].paper_id
    cabinet = client_for("cabinet")

    first = cabinet.get(reverse("briefing-revision-docx", args=[Q2, 1]))
    assert first.status_code == 200 and "revision-1.docx" in first["Content-Disposition"]
    document, text = words_of(first.content)
    # The paper as its readers were sent it: every section, numbered as then, and not the late return.
    for heading in ("1.0 Purpose of Briefing Note", "4 Governance & reporting", "5. Progress to date"):
        assert heading in text
    assert "Planning, approved after the first issue." not in text
    assert "Revision 2" not in text and text.count("Issued on ") == 1
    assert document.core_properties.revision == 1

    second = cabinet.get(reverse("briefing-revision-docx", args=[Q2, 2]))
    assert second.status_code == 200
    document, text = words_of(second.content)
    assert "Revision 2: issued on " in text and "Planning, approved after the first issue." in text
    assert document.core_properties.revision == 2

    # The PDF of each is made from its kept Word document by the worker, never in the request.
    assert cabinet.get(reverse("briefing-revision-pdf", args=[Q2, 1])).status_code == 202
    page = cabinet.get(reverse("briefing-revision", args=[Q2, 1])).content.decode()
    assert reverse("briefing-revision-docx", args=[Q2, 1]) in page and reverse("briefing-revision-pdf", args=[Q2, 1]) in page
    # The page shows the briefing as its readers saw it then: every section, numbered as then.
    for words in ("4 Governance &amp; reporting", "5. Progress to date", "Strategic objectives and their sub-strands"):
        assert words in page, words
    assert "Planning, approved after the first issue." not in page
    second_page = cabinet.get(reverse("briefing-revision", args=[Q2, 2])).content.decode()
    assert "Planning, approved after the first issue." in second_page

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(convert_to_pdf(second.content))
        handle.flush()
        pdf_text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "Revision 2: issued on" in " ".join(pdf_text.split())


def test_a_revision_is_only_for_those_who_may_read_the_briefing(reissued, client_for):
    assert client_for("cabinet").get(reverse("briefing-revision-docx", args=[Q2, 3])).status_code == 404
    assert client_for("cabinet").get("/periods/2023-24-q2/briefing/revisions/1.docx").status_code == 200
