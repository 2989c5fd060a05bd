"""The onboarding workbook: the strategy in Excel, in the council's words. Downloaded and uploaded
again it changes nothing; filled in for a new council it makes the strategy, after a preview and a
confirmation; a bad one is refused cell by cell with nothing written; only the administrator."""
import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from kpis.models import KPI, Target
from objectives.models import StrategicObjective, Strategy, SubStrand
from reporting.workbooks.cells import FIRST_DATA_ROW
from reporting.workbooks.onboarding import apply_onboarding, onboarding_workbook_bytes, preview_onboarding
from reporting.workbooks.safety import ImportRefused

URL = "/workbooks/onboarding/"


def state():
    """Everything the workbook can change, as it is saved."""
    return (
        list(Strategy.objects.values_list("slug", "name").order_by("pk")),
        list(StrategicObjective.objects.values_list("number", "name", "slug", "short_name", "description").order_by("pk")),
        list(SubStrand.objects.values_list("slug", "objective__number", "name", "order", "lead_service",
                                           "reports_as_objective").order_by("pk")),
        list(KPI.objects.values_list("code", "sub_strand__slug", "title", "unit", "direction", "cadence", "order",
                                     "data_source", "description", "source_notes").order_by("pk")),
        list(Target.objects.values_list("kpi__code", "financial_year", "kind", "value", "is_primary", "description",
                                        "amber_tolerance").order_by("pk")),
    )


def upload(client, content, name="strategy.xlsx"):
    return client.post(URL, {"workbook": SimpleUploadedFile(name, content)})


def test_the_strategy_downloaded_and_uploaded_again_changes_nothing(client_for):
    admin = client_for("admin")
    before = state()
    content = admin.get("/workbooks/onboarding/strategy.xlsx").content
    sheets = openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert sheets == ["Strategy", "Strategic objectives", "Sub-strands", "KPIs", "Targets", "Risks", "Actions"]  # Sefton's words
    page = unescape(upload(admin, content).content.decode())
    assert "The workbook changes nothing" in page, page
    preview = preview_onboarding(content=content)
    assert preview.changes == [] and not any(k.endswith("created") for k in preview.counts)
    apply_onboarding(preview.doc)
    assert state() == before


def _council_only(tmp_path):
    path = tmp_path / "council.yaml"
    path.write_text("council:\n  name: Anytown Borough Council\n  terms:\n    objective: {one: Priority, many: Priorities}\n"
                    "    sub_strand: {one: Theme, many: Themes}\n", encoding="utf-8")
    call_command("load_strategy", str(path), stdout=open("/dev/null", "w"))


def _filled(rows):
    """The onboarding workbook with these rows ({sheet title: [[cells…]]}) from the first data row."""
    wb = openpyxl.load_workbook(io.BytesIO(onboarding_workbook_bytes()))
    for title, lines in rows.items():
        for r, cells in enumerate(lines, start=FIRST_DATA_ROW):
            for c, value in enumerate(cells, start=1):
                wb[title].cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


NEW_STRATEGY = {
    "Strategy": [["anytown-plan", "Anytown Corporate Plan"]],
    "Priorities": [[1, "Thriving Places", "thriving-places", "", ""], [2, "Healthy Lives", "healthy-lives", "", ""]],
    "Themes": [["town-centres", 1, "Town Centres", 1, "Place Services", "No"],
               ["homes", 1, "Homes", 2, "Housing Services", "No"],
               ["active-people", 2, "Active People", 1, "Leisure Services", "Yes"]],
    "KPIs": [["TC-01", "town-centres", "Town centre footfall", "number", "higher", "quarterly"],
             ["TC-02", "town-centres", "Vacant shop units", "percent", "lower", "quarterly"],
             ["HM-01", "homes", "New affordable homes", "number", "higher", "annual"],
             ["AP-01", "active-people", "Leisure centre visits", "number", "higher", "quarterly"],
             ["AP-02", "active-people", "New active travel routes", "milestone", "milestone", ""]],
    "Targets": [["TC-01", 2023, "corporate", 120000, "Yes", "The Corporate Plan's target"]],
}


def test_a_new_councils_strategy_is_made_from_its_workbook_in_its_words_after_a_preview(db, tmp_path, django_user_model):
    _council_only(tmp_path)
    admin = django_user_model.objects.create_superuser("boss", "boss@anytown.example", "x")
    client = Client()
    client.force_login(admin)
    empty = openpyxl.load_workbook(io.BytesIO(client.get("/workbooks/onboarding/strategy.xlsx").content))
    assert empty.sheetnames == ["Strategy", "Priorities", "Themes", "KPIs", "Targets", "Risks", "Actions"]
    assert empty["KPIs"].cell(row=FIRST_DATA_ROW - 1, column=2).value == "Theme slug"
    page = unescape(upload(client, _filled(NEW_STRATEGY)).content.decode())
    assert "Check the changes before saving" in page and "Nothing has been saved yet" in page
    assert "2 priorities to be created" in page and "3 themes to be created" in page and "5 KPIs to be created" in page
    assert "Themes, C6" in page  # each change by its sheet and cell
    assert not SubStrand.objects.exists()  # a preview writes nothing
    token = re.search(r'name="plan" value="([^"]+)"', page).group(1)
    response = client.post("/workbooks/onboarding/confirm/", {"plan": token})
    assert response.status_code == 302
    assert SubStrand.objects.count() == 3 and KPI.objects.count() == 5
    assert SubStrand.objects.get(slug="active-people").reports_as_objective
    assert Target.objects.get(kpi__code="TC-01").value == 120000
    again = unescape(upload(client, _filled(NEW_STRATEGY)).content.decode())
    assert "The workbook changes nothing" in again


def test_a_bad_workbook_is_refused_cell_by_cell_and_nothing_is_written(db, tmp_path, django_user_model):
    _council_only(tmp_path)
    bad = {**NEW_STRATEGY,
           "KPIs": [["TC-01", "town-centres", "Town centre footfall", "furlongs", "higher", "quarterly"],
                    ["TC-01", "nowhere", "", "number", "higher", ""]],
           "Targets": [["TC-01", 1999, "corporate", "lots", "Yes", ""]]}
    with pytest.raises(ImportRefused) as refused:
        preview_onboarding(content=_filled(bad))
    said = [str(p) for p in refused.value.problems]
    assert "Sheet “KPIs”, cell D4: the unit must be one of number, percent, gbp, sqm, fte, years, milestone" in said
    assert "Sheet “KPIs”, cell A5: “TC-01” is in the sheet twice: each code once" in said
    assert "Sheet “KPIs”, cell B5: there is no theme “nowhere” in its sheet" in said
    assert "Sheet “KPIs”, cell C5: enter the title" in said
    assert "Sheet “Targets”, cell B4: the financial year must be a whole number from 2000 to 2100" in said
    assert "Sheet “Targets”, cell D4: the value must be a number, like 640 or 12.5" in said
    assert not Strategy.objects.exists() and not KPI.objects.exists()
    admin = django_user_model.objects.create_superuser("boss", "boss@anytown.example", "x")
    client = Client()
    client.force_login(admin)
    page = unescape(upload(client, _filled(bad)).content.decode())
    assert "There is a problem" in page and "cell D4" in page
    assert not KPI.objects.exists()


def test_only_the_administrator_onboards_a_strategy(client_for):
    for username in ("coordinator", "approver", "officer", "cabinet"):
        assert client_for(username).get(URL).status_code == 403
        assert client_for(username).get("/workbooks/onboarding/strategy.xlsx").status_code == 403
    assert client_for("admin").get(URL).status_code == 200


def test_the_workbooks_page_offers_it_to_the_administrator_only(client_for):
    assert "The strategy in Excel" in client_for("admin").get("/workbooks/").content.decode()
    assert "The strategy in Excel" not in client_for("coordinator").get("/workbooks/").content.decode()


def test_a_forged_someone_elses_or_old_confirmation_is_refused_and_nothing_is_written(client_for, django_user_model,
                                                                                       monkeypatch):
    from reporting.workbooks import preview_token
    from reporting.workbooks.onboarding import unsign_onboarding

    admin_user = django_user_model.objects.get(username="admin")
    coordinator = django_user_model.objects.get(username="coordinator")
    content = client_for("admin").get("/workbooks/onboarding/strategy.xlsx").content
    token = preview_onboarding(content=content).token(admin_user)
    assert unsign_onboarding(token, admin_user)["strategy"], "the uploader's own token reads back"
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for bad, user, words in [(forged, admin_user, "could not be confirmed"), (token, coordinator, "could not be confirmed"),
                             ("", admin_user, "could not be confirmed")]:
        with pytest.raises(ImportRefused) as refused:
            unsign_onboarding(bad, user)
        assert words in str(refused.value.problems[0].message)
    monkeypatch.setattr(preview_token, "MAX_AGE", -1)  # as if the hour had passed
    with pytest.raises(ImportRefused) as refused:
        unsign_onboarding(token, admin_user)
    assert "more than an hour old" in refused.value.problems[0].message
    before = state()
    page = unescape(client_for("admin").post(f"{URL}confirm/", {"plan": forged}).content.decode())
    assert "could not be confirmed" in page
    assert state() == before


# -- a KPI's accumulation and a target's trajectory (issue 25, point 3) -------------------------------


def test_the_onboarding_workbook_sets_a_kpis_accumulation_and_its_targets_trajectory(db, tmp_path):
    _council_only(tmp_path)
    filled = {**NEW_STRATEGY,
              "KPIs": [["TC-01", "town-centres", "Town centre footfall", "number", "higher", "quarterly", 1, "", "", "",
                        "targeted", "Cumulative"]],
              "Targets": [["TC-01", 2023, "corporate", 120000, "Yes", "", "periods", None, "30000; 60000; 90000"]]}
    preview = preview_onboarding(content=_filled(filled))
    apply_onboarding(preview.doc)
    target = Target.objects.get(kpi__code="TC-01")
    assert target.kpi.accumulation == "cumulative"
    assert (target.profile, target.period_points) == ("periods", ["30000", "60000", "90000"])
    # downloaded again, it says so, and uploaded again changes nothing
    wb = openpyxl.load_workbook(io.BytesIO(onboarding_workbook_bytes()))
    assert [c.value for c in wb["Targets"][FIRST_DATA_ROW]][6:9] == ["periods", None, "30000; 60000; 90000"]
    assert preview_onboarding(content=onboarding_workbook_bytes()).changes == []


def test_the_onboarding_workbook_refuses_a_trajectory_missing_its_points_by_its_cell(db, tmp_path):
    _council_only(tmp_path)
    bad = {**NEW_STRATEGY, "Targets": [["TC-01", 2023, "corporate", 120000, "Yes", "", "linear", None, ""],
                                       ["TC-02", 2023, "corporate", 5, "Yes", "", "periods", None, "1; two"]]}
    with pytest.raises(ImportRefused) as refused:
        preview_onboarding(content=_filled(bad))
    said = [str(p) for p in refused.value.problems]
    assert ("Sheet “Targets”, cell H4: a linear trajectory starts from a baseline: enter the figure at the start of "
            "the year") in said
    assert any(s.startswith("Sheet “Targets”, cell I5: give the trajectory's point for each period") for s in said)
    assert not KPI.objects.exists()


def test_the_onboarding_workbook_sets_a_kpis_data_lag_and_refuses_a_wrong_one_by_its_cell(db, tmp_path):
    """Data lag (months): how long after the period ends a KPI's figures arrive (kpis.freshness)."""
    _council_only(tmp_path)
    filled = {**NEW_STRATEGY,
              "KPIs": [["TC-01", "town-centres", "Town centre footfall", "number", "higher", "annual", 1, "", "", "",
                        "targeted", "Snapshot", 6]]}
    apply_onboarding(preview_onboarding(content=_filled(filled)).doc)
    assert KPI.objects.get(code="TC-01").data_lag_months == 6
    wb = openpyxl.load_workbook(io.BytesIO(onboarding_workbook_bytes()))
    headings = [c.value for c in wb["KPIs"][FIRST_DATA_ROW - 1]]
    assert wb["KPIs"][FIRST_DATA_ROW][headings.index("Data lag (months)")].value == 6
    assert preview_onboarding(content=onboarding_workbook_bytes()).changes == []  # the round trip changes nothing
    bad = {**filled, "KPIs": [filled["KPIs"][0][:-1] + ["forty"]]}
    with pytest.raises(ImportRefused) as refused:
        preview_onboarding(content=_filled(bad))
    assert any("data lag in months must be a whole number from 0 to 36" in str(p) for p in refused.value.problems)
    assert KPI.objects.get(code="TC-01").data_lag_months == 6
