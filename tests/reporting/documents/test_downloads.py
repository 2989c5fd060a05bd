"""The documents where people get them: the PDF beside each Word document (made by the real
LibreOffice), a plain page when no PDF can be made, and the administrator's downloads in the admin
site, through the same export and access rules as the pages."""
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from objectives.models import ReportingPeriod
from reporting.models import Briefing

BRIEFING_PDF = "/periods/2023-24-q1/briefing.pdf"
REPORT_PDF = "/action-plans/employment/reports/2017-12/report.pdf"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the kept papers


@pytest.mark.parametrize("url, filename", [(BRIEFING_PDF, "ses-briefing-2023-24-q1.pdf"),
                                           (REPORT_PDF, "employment-report-2017-12.pdf")])
def test_a_reader_downloads_each_paper_as_a_pdf(client_for, url, filename):
    client = client_for("cabinet")
    waiting = client.get(url)  # not made in the request: queued for the worker
    assert waiting.status_code == 202 and "The PDF is being prepared" in waiting.content.decode()
    call_command("make_papers", once=True, verbosity=0)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{filename}"' in response["Content-Disposition"]
    assert response.content[:5] == b"%PDF-"


def test_the_pdf_is_offered_beside_the_word_document(client_for):
    client = client_for("cabinet")
    assert f'href="{BRIEFING_PDF}"' in client.get("/periods/2023-24-q1/briefing/").content.decode()
    assert f'href="{REPORT_PDF}"' in client.get("/action-plans/employment/reports/2017-12/").content.decode()


def test_a_reader_gets_no_pdf_of_a_briefing_not_yet_issued(client_for, sefton):
    Briefing.objects.create(period=ReportingPeriod.objects.get(slug="2023-24-q2"), title="Draft Q2 briefing")
    assert client_for("cabinet").get("/periods/2023-24-q2/briefing.pdf").status_code == 403
    assert client_for("cabinet").get("/periods/1999-00-q1/briefing.pdf").status_code == 404


def test_without_libreoffice_the_page_says_so_and_offers_the_word_document(client_for, settings):
    settings.LIBREOFFICE = "/nonexistent/soffice"
    client = client_for("cabinet")
    response = client.get(BRIEFING_PDF)
    assert response.status_code == 503
    page = response.content.decode()
    assert "LibreOffice is not installed" in page
    assert 'href="/periods/2023-24-q1/briefing.docx"' in page
    assert f'href="{BRIEFING_PDF}"' not in client.get("/periods/2023-24-q1/briefing/").content.decode()


def test_a_conversion_past_its_time_limit_is_stopped_with_a_clear_message(client_for, settings, tmp_path):
    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    settings.LIBREOFFICE = str(slow)
    settings.PDF_TIMEOUT_SECONDS = 1
    client = client_for("cabinet")
    assert client.get(REPORT_PDF).status_code == 202
    call_command("make_papers", once=True, verbosity=0)  # the worker stops it after a second
    response = client.get(REPORT_PDF)
    assert response.status_code == 503
    assert "took longer than 1 seconds" in response.content.decode()


# -- the administrator's export --------------------------------------------------------------------


def changelist_action(client, action, periods):
    url = reverse("admin:objectives_reportingperiod_changelist")
    return client.post(url, {"action": action, "_selected_action": [p.pk for p in periods], "index": 0})


def test_the_administrator_downloads_the_briefing_workbook_from_the_admin(client_for):
    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    client = client_for("admin")
    page = client.get(reverse("admin:objectives_reportingperiod_changelist")).content.decode()
    assert "Download the briefing workbook (Excel)" in page
    response = changelist_action(client, "download_briefing_workbook", [q1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="ses-briefing-2023-24-q1.xlsx"' in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "Summary" and "Calendar" in wb.sheetnames
    # The same workbook as the page's download, for the same user.
    page_copy = openpyxl.load_workbook(io.BytesIO(client.get("/periods/2023-24-q1/briefing.xlsx").content))
    assert [[c.value for c in row] for row in wb["Summary"].iter_rows(min_row=3)] == \
        [[c.value for c in row] for row in page_copy["Summary"].iter_rows(min_row=3)]


def test_several_periods_download_as_a_zip_and_the_note_too(client_for):
    periods = list(ReportingPeriod.objects.filter(financial_year=2023, number__in=[1, 2]))
    client = client_for("admin")
    response = changelist_action(client, "download_briefing_workbook", periods)
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert sorted(zf.namelist()) == ["ses-briefing-2023-24-q1.xlsx", "ses-briefing-2023-24-q2.xlsx"]
    note = changelist_action(client, "download_briefing_note", periods[:1])
    assert note.status_code == 200
    assert docx.Document(io.BytesIO(note.content)).core_properties.title.startswith("Sefton Economic Strategy")


def test_each_periods_admin_page_links_to_its_downloads(client_for):
    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    page = client_for("admin").get(reverse("admin:objectives_reportingperiod_change", args=[q1.pk])).content.decode()
    for url in ("/periods/2023-24-q1/briefing.xlsx", "/periods/2023-24-q1/briefing.docx"):
        assert f'href="{url}"' in page


def test_no_one_but_the_administrator_reaches_the_admin_export(client_for):
    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    response = changelist_action(client_for("coordinator"), "download_briefing_workbook", [q1])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
