"""Two strategies in one deployment: the council's Economic Strategy (quarterly) and a Climate
Emergency Strategy reported half-yearly (tests/councils/climate.yaml), each with its own
objectives, KPIs, calendar, dashboard and briefing, and a switcher between them. Then a half-year
end to end: opened, filled in, submitted, approved, its briefing issued, read by the Cabinet Member."""
import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from objectives.models import GovernanceEvent, ReportingPeriod, Strategy, SubStrand
from reporting.loaders import load_fixture_files
from reporting.models import QuarterlyReturn
from tests.test_whole_year import complete_return, post_form, text

CLIMATE = Path(__file__).parent / "councils" / "climate.yaml"
H1, H2 = "2023-24-h1", "2023-24-h2"


@pytest.fixture
def climate(demo_users):
    load_fixture_files([CLIMATE])
    SubStrand.objects.get(slug="council-buildings").editors.add(demo_users["officer"])
    SubStrand.objects.get(slug="fleet").editors.add(demo_users["officer"])
    return Strategy.objects.get(slug="climate-emergency")


def docx_text(response):
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_second_strategy_keeps_its_own_periods_and_cadence(climate):
    h1, h2 = ReportingPeriod.objects.get(slug=H1), ReportingPeriod.objects.get(slug=H2)
    assert (h1.strategy, h1.cadence, h1.label, h2.long_label) == (
        climate, "half_yearly", "2023/24 H1", "Half-year 2 October 2023–March 2024")
    assert ReportingPeriod.objects.filter(state="open").count() == 2  # one open in each strategy
    assert set(GovernanceEvent.objects.filter(period__strategy=climate).values_list("name", flat=True)) == {"Climate Board"}
    with pytest.raises(Exception):  # a sub-strand of one strategy never reports in another's period
        QuarterlyReturn(sub_strand=SubStrand.objects.get(slug="housing"), period=h2).full_clean()


def test_each_strategy_has_its_own_dashboard_and_the_switcher_remembers_the_choice(climate, client_for):
    cabinet = client_for("cabinet")
    first = text(cabinet.get(reverse("dashboard")))
    assert "Housing" in first and "Council Buildings" not in first and "2023/24 Q1" in first
    assert "You are looking at" in first and "Climate Emergency Strategy" in first  # the switcher
    chosen = text(cabinet.get(reverse("dashboard") + "?strategy=climate-emergency"))
    assert "Council Buildings" in chosen and "Fleet" in chosen and "Housing" not in chosen
    assert "2023/24 H1" in chosen and "2023/24 Q1" not in chosen and "Amber" in chosen
    assert "sub-strand in Half-year 1 April–September 2023, with how it moved" in chosen
    assert "Council Buildings" in text(cabinet.get(reverse("dashboard")))  # remembered for the next page
    home = text(cabinet.get(reverse("home")))
    assert "Net Zero Council" in home and "Regenerated Places" not in home
    back = text(cabinet.get(reverse("dashboard") + "?strategy=sefton-economic-strategy"))
    assert "Housing" in back and "Council Buildings" not in back
    unknown = cabinet.get(reverse("dashboard") + "?strategy=no-such-strategy")
    assert unknown.status_code == 200 and "Housing" in text(unknown)  # an unknown one changes nothing


def test_with_one_strategy_there_is_no_switcher(client_for):
    assert "You are looking at" not in text(client_for("cabinet").get(reverse("dashboard")))


def test_each_strategy_has_its_own_briefing_and_calendar(climate, client_for):
    cabinet, coordinator = client_for("cabinet"), client_for("coordinator")
    note = text(cabinet.get(reverse("briefing", args=[H1])))
    assert "You are looking at: Sefton Economic Strategy Climate Emergency Strategy" not in note
    assert "Climate Emergency Strategy : show this strategy" not in note  # the page is of this one: not a link
    assert "Council Buildings" in note and "Twelve electric vans" in note and "Housing" not in note
    calendar = note.split("Governance calendar, 2023/24", 1)[1][:400]
    assert calendar.index("Returns due") < calendar.index("Climate Board")  # its deadline is its first column
    assert "26 October 2023" in calendar and "Economy Cell meeting" not in calendar
    sefton = text(cabinet.get(reverse("briefing", args=["2023-24-q1"])))
    assert "Housing" in sefton and "Council Buildings" not in sefton and "Climate Board" not in sefton
    paper = docx_text(cabinet.get(reverse("briefing-docx", args=[H1])))
    assert "Council Buildings" in paper and "Climate Board" in paper and "Housing" not in paper
    page = text(coordinator.get(reverse("period-calendar") + "?strategy=climate-emergency&year=2023"))
    assert "2023/24 H1" in page and "2023/24 H2" in page and "2023/24 Q1" not in page
    assert "Council Buildings" in page and "Housing" not in page


def test_a_half_year_end_to_end(climate, client_for):
    officer, approver, cabinet = client_for("officer"), client_for("approver"), client_for("cabinet")
    coordinator = client_for("coordinator")
    mine = text(officer.get(reverse("my-returns") + "?strategy=climate-emergency"))
    assert "2023/24 H2" in mine and "Council Buildings" in mine and "Housing" not in mine
    page = text(officer.get(reverse("return", args=[H2, "fleet"])))
    assert "Last half-year (2023/24 H1)" in page and "Twelve electric vans" in page  # last half-year's, to start from
    for slug in ("council-buildings", "fleet"):
        complete_return(officer, H2, slug, commentary=f"{slug}: on track this half-year.")
    for ret in QuarterlyReturn.objects.filter(period__slug=H2):
        assert ret.state == "submitted"
        response = approver.post(reverse("return-approve", args=[H2, ret.sub_strand.slug]), {"version": ret.version},
                                 follow=True)
        assert f"{ret.sub_strand.name} 2023/24 H2 approved" in text(response)
    post_form(coordinator, reverse("briefing-edit", args=[H2]), css_class=None)
    response = post_form(approver, reverse("briefing-issue", args=[H2]), css_class=None)
    assert "The briefing has been issued" in text(response), text(response).split("Skip to main content")[1][:1500]
    assert ReportingPeriod.objects.get(slug=H2).state == "published"
    assert ReportingPeriod.objects.get(slug="2023-24-q2").state == "open"  # the other strategy's is untouched
    dashboard = text(cabinet.get(reverse("dashboard") + "?strategy=climate-emergency"))
    assert "2023/24 H1" in dashboard and "2023/24 H2" in dashboard
    assert "Improved since 2023/24 H1" not in dashboard and "Improved" in dashboard  # Amber → Green, straight after
    note = text(cabinet.get(reverse("briefing", args=[H2])))
    assert "council-buildings: on track this half-year." in note and "Half-year 2" in note
    # The next year, set up in the strategy's own cadence: two half-years, the Climate Board a year on.
    set_up = coordinator.get(reverse("year-set-up", args=[2024]) + "?strategy=climate-emergency").content.decode()
    assert "2024/25 H1" in set_up and "2024/25 H2" in set_up and "2024/25 Q" not in set_up
    response = post_form(coordinator, reverse("year-set-up", args=[2024]), css_class=None)
    assert "2024/25 is set up: 2 half-years" in text(response)
    made = ReportingPeriod.objects.filter(strategy=climate, financial_year=2024).order_by("number")
    assert [p.slug for p in made] == ["2024-25-h1", "2024-25-h2"]
    assert made[0].events.get().date.isoformat() == "2024-10-26"


def test_a_strategy_read_by_some_readers_only(climate, client_for, demo_users):
    """Where the council names a strategy's readers, only they of the readers see it and are told of it."""
    from reporting.models import Notification

    climate.readers.add(demo_users["scrutiny"])
    cabinet, scrutiny = client_for("cabinet"), client_for("scrutiny")
    page = text(cabinet.get(reverse("dashboard") + "?strategy=climate-emergency"))
    assert "Housing" in page and "Council Buildings" not in page  # falls back to the strategy they read
    assert "You are looking at" not in page  # and they read only one: no switcher
    refused = cabinet.get(reverse("briefing", args=[H1]))
    assert refused.status_code == 403 and "read by the readers it names" in text(refused)
    assert cabinet.get(reverse("return", args=[H1, "fleet"])).status_code == 403
    assert "Twelve electric vans" not in text(cabinet.get(reverse("sub-strand", args=["fleet"])))
    assert cabinet.get(reverse("briefing-docx", args=[H1])).status_code in (403, 404)
    assert "Council Buildings" in text(scrutiny.get(reverse("dashboard") + "?strategy=climate-emergency"))
    assert "Twelve electric vans" in text(scrutiny.get(reverse("briefing", args=[H1])))
    assert "Housing" in text(cabinet.get(reverse("briefing", args=["2023-24-q1"])))  # the other strategy as before

    officer, approver = client_for("officer"), client_for("approver")
    for slug in ("council-buildings", "fleet"):
        complete_return(officer, H2, slug)
        ret = QuarterlyReturn.objects.get(period__slug=H2, sub_strand__slug=slug)
        approver.post(reverse("return-approve", args=[H2, slug]), {"version": ret.version})
    post_form(client_for("coordinator"), reverse("briefing-edit", args=[H2]), css_class=None)
    Notification.objects.all().delete()
    assert "The briefing has been issued" in text(post_form(approver, reverse("briefing-issue", args=[H2]), css_class=None))
    told = set(Notification.objects.filter(kind="briefing_issued").values_list("email", flat=True))
    assert told == {demo_users["scrutiny"].email}  # not the Cabinet Member, who does not read it


def test_a_half_year_in_a_spreadsheet_round_trips(climate, client_for):
    """The return template of a half-year: its figure column is the half-year's; what is typed in it is
    imported after a preview, and an untouched template changes nothing."""
    from kpis.models import Measurement
    from tests.reporting.workbooks.test_import_roundtrip import (
        as_upload, cell_of, confirm_token, download, page_text, upload)

    officer = client_for("officer")
    url = reverse("import-returns", args=[H2])
    untouched = download(officer, reverse("return-template", args=[H2]))
    assert "The workbook changes nothing" in page_text(upload(officer, as_upload(untouched), url))
    wb = download(officer, reverse("return-template", args=[H2]))
    cell_of(wb, "CL-01", "2023/24 H2").value = 9100
    preview = upload(officer, as_upload(wb), url)
    assert "Check the changes before saving" in page_text(preview) and "9100" in page_text(preview).replace(",", ""), \
        page_text(preview).split("Skip to main content")[1][:1500]
    assert officer.post(reverse("import-returns-confirm", args=[H2]), {"plan": confirm_token(preview)}).status_code == 302
    assert Measurement.objects.get(kpi__code="CL-01", period__slug=H2).value == 9100


def test_a_page_not_found_still_says_which_strategy_is_shown(climate, client_for):
    """A 404 has no address to take a strategy from: the switcher still marks the chosen one."""
    cabinet = client_for("cabinet")
    cabinet.get(reverse("dashboard") + "?strategy=climate-emergency")
    missing = cabinet.get("/no-such-page/")
    assert missing.status_code == 404
    assert '<strong aria-current="true">Climate Emergency Strategy</strong>' in missing.content.decode()
