"""Returns back from Excel: a round trip changes nothing, an edited template changes only what was
edited, every change is shown before it is saved, and an old workbook never undoes newer work."""
import datetime
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from kpis.models import KPI, Measurement
from kpis.services import rate_measurement
from objectives.models import Action, ReportingPeriod, SubStrand
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.models import ActionUpdate, QuarterlyReturn
from reporting.returns.services import MEASUREMENT_PARTS, save_return
from reporting.workbooks.cells import HEADER_ROW
from reporting.workbooks.imports import apply_import, preview_import
from reporting.workbooks.safety import ImportRefused

PERIOD = "2023-24-q2"
IMPORT_URL = f"/periods/{PERIOD}/import/"


# -- helpers shared with the other import tests ----------------------------------------------------


def measure(kpi_code, period, **fields):
    m = Measurement(kpi=KPI.objects.get(code=kpi_code), period=period, **fields)
    rate_measurement(m)
    m.save()
    return m


@pytest.fixture
def q2(sefton, demo_users):
    """Q2 2023/24 (open) with drafts of every kind of figure, a submitted return, and one not started."""
    period = ReportingPeriod.objects.get(slug=PERIOD)
    housing = QuarterlyReturn.objects.create(
        sub_strand=SubStrand.objects.get(slug="housing"), period=period, overall_rag="amber",
        commentary="Completions are on track.\n\nMarket conditions remain challenging.",
        rag_explanation="Affordable housing lags behind.",
    )
    measure("HOU-02", period, value=Decimal("712"), data_for="Q2 2023/24", commentary="Ahead of the 640 target.")
    measure("HOU-01", period, not_available=True, expected_date=datetime.date(2023, 10, 31), data_for="2022/23")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="health-wellbeing"), period=period,
                                   overall_rag="green", commentary="Health in Q2")
    measure("HW-01", period, value=Decimal("23.5"), data_for="2022/23")
    measure("HW-02", period, value=Decimal("35000.5"), data_for="2022/23")
    measure("HW-07", period, value=Decimal("78.4"), data_for="2019–21")
    measure("HW-03", period, value=Decimal("12"), rag_override="red", override_reason="Rising since last year")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="planning"), period=period, commentary="Planning")
    measure("PLA-01", period, milestone_status="on_track")
    tourism = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="tourism"), period=period,
                                             state="submitted", overall_rag="green", commentary="Submitted tourism")
    measure("TOU-02", period, value=Decimal("35000000"), data_for="Calendar year 2022")
    net_zero = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="net-zero-low-carbon"), period=period,
                                              commentary="Net zero")
    ActionUpdate.objects.create(action=Action.objects.get(plan__slug="ses-2023-24", number=1), quarterly_return=net_zero,
                                narrative="Phase 2 under way.", status="on_track")
    return {"period": period, "housing": housing, "tourism": tourism}


def snapshot():
    """Everything an import could change, and the history's length."""
    measurements = {
        (m.kpi.code, m.period.slug): tuple(str(getattr(m, f)) for f in [*MEASUREMENT_PARTS, "rag_calculated", "version"])
        for m in Measurement.objects.select_related("kpi", "period")
    }
    returns = {
        (r.sub_strand.slug, r.period.slug): (r.state, r.overall_rag, r.commentary, r.rag_explanation, r.version)
        for r in QuarterlyReturn.objects.select_related("sub_strand", "period")
    }
    updates = {(u.action_id, u.quarterly_return_id, u.plan_update_id): (u.narrative, u.status, u.version)
               for u in ActionUpdate.objects.all()}
    return measurements, returns, updates, LogEntry.objects.count()


def save_on_site(ret, user, **changes):
    """Save a return as the return page does: through the return form and save_return."""
    data = as_post_data(initial_form_data(ret))
    data.update(changes)
    form = ReturnForm(quarterly_return=ret, user=user, data=data)
    assert form.is_valid(), form.errors
    return save_return(quarterly_return=ret, by=user, form=form)


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_upload(wb, name="returns.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return named(buffer.getvalue(), name)


def named(content, name="returns.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def page_text(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(client, file, url=IMPORT_URL):
    response = client.post(url, {"workbook": file})
    assert response.status_code == 200, response.status_code
    return response


def cell_of(wb, code, heading):
    """The cell of a KPI row (by code) under a heading, in whichever sheet holds it."""
    for ws in wb.worksheets:
        headings = [c.value for c in ws[HEADER_ROW]]
        if "KPI id" not in headings or heading not in headings:
            continue
        for row in ws.iter_rows(min_row=HEADER_ROW + 1):
            if row[0].value == code:
                return row[headings.index(heading)]
    raise AssertionError(f"{code} / {heading} not found")


def return_cell(wb, sub_slug, heading):
    sub = SubStrand.objects.get(slug=sub_slug)
    for ws in wb.worksheets:
        headings = [c.value for c in ws[HEADER_ROW]]
        if "Sub-strand id" not in headings:
            continue
        for row in ws.iter_rows(min_row=HEADER_ROW + 1):
            if row[headings.index("Sub-strand id")].value == str(sub.id):
                return row[headings.index(heading)]
    raise AssertionError(f"{sub_slug} / {heading} not found")


def confirm_token(response):
    return re.search(r'name="plan" value="([^"]+)"', response.content.decode()).group(1)


# -- round trips -----------------------------------------------------------------------------------


def test_exporting_the_workbook_and_importing_the_same_file_changes_nothing(q2, client_for):
    coordinator = client_for("coordinator")
    before = snapshot()
    for period in (PERIOD, "2023-24-q1"):
        wb = download(coordinator, f"/periods/{period}/briefing.xlsx")
        text = page_text(upload(coordinator, as_upload(wb), f"/periods/{period}/import/"))
        assert "The workbook changes nothing" in text, text[:2000]
    assert snapshot() == before


def test_importing_the_untouched_template_changes_nothing(q2, client_for):
    coordinator = client_for("coordinator")
    before = snapshot()
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    assert "The workbook changes nothing" in page_text(upload(coordinator, as_upload(wb)))
    assert snapshot() == before


def test_an_edited_template_changes_only_the_edited_cells(q2, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 655
    cell_of(wb, "HW-01", "2023/24 Q2").value = "Not yet available"
    cell_of(wb, "HW-01", "Expected date").value = datetime.datetime(2024, 1, 31)
    cell_of(wb, "PLA-01", "2023/24 Q2").value = "Achieved"
    cell_of(wb, "HW-02", "Commentary").value = "Median weekly earnings, ONS."
    cell_of(wb, "HW-07", "RAG override").value = "Amber"
    cell_of(wb, "HW-07", "Override reason").value = "The gap with England is widening."
    cell_of(wb, "EMP-01", "2023/24 Q2").value = 120  # a sub-strand not started: a new draft
    return_cell(wb, "housing", "Overall status").value = "Green"
    return_cell(wb, "housing", "Why the overall status differs from what the KPIs suggest").value = None
    before = snapshot()
    response = upload(coordinator, as_upload(wb))
    assert "Check the changes before saving" in page_text(response)
    assert snapshot() == before, "the preview saves nothing"
    html_page = response.content.decode()
    assert f'action="{IMPORT_URL}confirm/"' in html_page and f'href="{IMPORT_URL}"' in html_page  # the way on and back
    response = coordinator.post(f"{IMPORT_URL}confirm/", {"plan": confirm_token(response)})
    assert response.status_code == 302
    after = snapshot()

    changed_measurements = {k for k in after[0] if before[0].get(k) != after[0][k]}
    assert changed_measurements == {(c, PERIOD) for c in ("HOU-02", "HW-01", "PLA-01", "HW-02", "HW-07", "EMP-01")}
    m = {c: Measurement.objects.get(kpi__code=c, period__slug=PERIOD) for c in ("HOU-02", "HW-01", "PLA-01", "HW-07", "EMP-01")}
    assert m["HOU-02"].value == Decimal("655") and m["HOU-02"].commentary == "Ahead of the 640 target."
    assert m["HW-01"].not_available and m["HW-01"].value is None and m["HW-01"].expected_date == datetime.date(2024, 1, 31)
    assert m["PLA-01"].milestone_status == "achieved" and m["PLA-01"].rag_calculated == "green"
    assert m["HW-07"].rag_override == "amber" and m["HW-07"].value == Decimal("78.4")
    assert m["EMP-01"].value == Decimal("120")
    changed_returns = {k for k in after[1] if before[1].get(k) != after[1][k]}
    assert changed_returns == {(s, PERIOD) for s in ("housing", "health-wellbeing", "planning", "employment-access-to-work")}
    housing = QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug=PERIOD)
    assert housing.overall_rag == "green" and housing.rag_explanation == ""
    assert housing.commentary == "Completions are on track.\n\nMarket conditions remain challenging."
    assert QuarterlyReturn.objects.get(sub_strand__slug="employment-access-to-work", period__slug=PERIOD).state == "draft"
    assert after[2] == before[2], "action updates were not edited"
    entry = LogEntry.objects.get_for_object(m["HOU-02"]).order_by("-timestamp").first()
    assert entry.actor.username == "coordinator"


def test_the_preview_lists_each_change_with_its_sheet_and_cell(q2, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell = cell_of(wb, "HOU-02", "2023/24 Q2")
    cell.value = 655
    text = page_text(upload(coordinator, as_upload(wb)))
    assert f"Strategic objective 3 KPIs, {cell.coordinate}" in text
    assert "HOU-02: 2023/24 Q2 figure 712 655" in text
    assert "1 cell in 1 return" in text


@pytest.mark.parametrize("made", ["now", "before the columns were renamed"])
def test_the_action_plan_progress_can_be_imported(q2, client_for, made):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/briefing.xlsx")
    ws = wb["Action plan"]
    headings = [c.value for c in ws[HEADER_ROW]]
    if made != "now":  # a workbook of before, its columns "… this quarter", is still read
        for cell in ws[HEADER_ROW]:
            if cell.value in ("Progress this period", "Status this period"):
                cell.value = cell.value.replace("period", "quarter")
    action = Action.objects.get(plan__slug="ses-2023-24", number=1)
    row = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[headings.index("Action id")].value == str(action.id))
    row[headings.index("Progress this period")].value = "Phase 2 complete."
    row[headings.index("Status this period")].value = "Complete"
    response = upload(coordinator, as_upload(wb))
    coordinator.post(f"{IMPORT_URL}confirm/", {"plan": confirm_token(response)})
    update = ActionUpdate.objects.get(action=action, quarterly_return__period__slug=PERIOD)
    assert (update.narrative, update.status) == ("Phase 2 complete.", "complete")


# -- old workbooks, stale previews, forged confirmations ---------------------------------------------


def test_a_workbook_older_than_a_change_on_the_site_is_refused(q2, client_for, demo_users):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    save_on_site(q2["housing"], demo_users["officer"], commentary="Changed on the site by the officer.")
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 655
    before = snapshot()
    text = page_text(upload(coordinator, as_upload(wb)))
    assert "There is a problem" in text
    assert "the Housing return was changed on the site by Olivia Officer" in text
    assert snapshot() == before


def test_a_return_changed_between_preview_and_confirm_saves_nothing(q2, client_for, demo_users):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 655
    cell_of(wb, "HW-01", "2023/24 Q2").value = 0.3
    response = upload(coordinator, as_upload(wb))
    health = QuarterlyReturn.objects.get(sub_strand__slug="health-wellbeing", period__slug=PERIOD)
    save_on_site(health, demo_users["officer2"], commentary="Saved meanwhile")
    before = snapshot()
    text = page_text(coordinator.post(f"{IMPORT_URL}confirm/", {"plan": confirm_token(response)}))
    assert "Health & Wellbeing was changed by someone else" in text
    assert snapshot() == before, "neither return was saved: all or nothing"


def test_a_forged_or_someone_elses_confirmation_is_refused(q2, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 655
    token = confirm_token(upload(coordinator, as_upload(wb)))
    before = snapshot()
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert "could not be confirmed" in page_text(coordinator.post(f"{IMPORT_URL}confirm/", {"plan": forged}))
    assert "could not be confirmed" in page_text(client_for("admin").post(f"{IMPORT_URL}confirm/", {"plan": token}))
    assert "could not be confirmed" in page_text(coordinator.post(f"{IMPORT_URL}confirm/", {}))
    assert snapshot() == before


# -- the same rules as the return form ---------------------------------------------------------------


def test_the_import_applies_the_return_forms_rules(q2, client_for):
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"/periods/{PERIOD}/return-template.xlsx")
    percent = cell_of(wb, "HW-01", "2023/24 Q2")
    percent.value = 1.5  # 150%
    override = cell_of(wb, "HOU-02", "RAG override")
    override.value = "Red"
    status = return_cell(wb, "planning", "Overall status")
    status.value = "Purple"
    before = snapshot()
    text = page_text(upload(coordinator, as_upload(wb)))
    assert f"Sheet “Strategic objective 4 KPIs”, cell {percent.coordinate} (HW-01): a percentage cannot be more than 100" in text
    reason = cell_of(wb, "HOU-02", "Override reason")
    assert f"cell {reason.coordinate} (HOU-02): give a reason for overriding the status" in text
    assert "Choose Red, Amber or Green for the overall status" in text
    assert snapshot() == before


# -- who may import ----------------------------------------------------------------------------------


def test_officers_the_economy_cell_and_administrators_may_import(q2, client_for):
    for username in ("approver", "cabinet", "scrutiny"):
        client = client_for(username)
        assert client.get(IMPORT_URL).status_code == 403, username
        assert client.get(f"/periods/{PERIOD}/return-template.xlsx").status_code == 403, username
        assert client.post(f"{IMPORT_URL}confirm/", {"plan": "x"}).status_code == 403, username
    assert client_for("admin").get(IMPORT_URL).status_code == 200
    assert client_for("officer").get(IMPORT_URL).status_code == 200  # the officers' spreadsheet route


def test_an_officer_downloads_a_template_of_their_own_sub_strands_and_imports_it(q2, client_for, demo_users):
    """It used to answer 403 to officers, so templates went round by email."""
    officer = client_for("officer")
    response = officer.get(f"/periods/{PERIOD}/return-template.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = {row[0].value for ws in wb.worksheets for row in ws.iter_rows() if row and isinstance(row[0].value, str)}
    assert any(c.startswith("HOU-") for c in codes) and any(c.startswith("PLA-") for c in codes)
    assert not any(c.startswith(("HW-", "DIG-", "TOU-")) for c in codes), "only the officer's own sub-strands"
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 702
    preview = page_text(upload(officer, as_upload(wb, "mine.xlsx")))
    assert "HOU-02" in preview and "702" in preview, preview
    token = re.search(r'name="plan" value="([^"]+)"', upload(officer, as_upload(wb, "mine.xlsx")).content.decode()).group(1)
    done = officer.post(f"{IMPORT_URL}confirm/", {"plan": token}, follow=True)
    assert "Saved 1 changed cell to 1 return (Housing)" in done.content.decode()
    assert Measurement.objects.get(kpi__code="HOU-02", period__slug=PERIOD).value == Decimal("702")


def test_an_officer_cannot_change_a_sub_strand_they_do_not_edit(q2, demo_users):
    """The service checks every changed return against the uploader's own permissions."""
    from reporting.workbooks.template import return_template_bytes

    period = q2["period"]
    wb = openpyxl.load_workbook(io.BytesIO(return_template_bytes(period=period, user=demo_users["coordinator"])))
    cell_of(wb, "HW-02", "2023/24 Q2").value = 1  # Health & Wellbeing: officer2's, not officer's
    buffer = io.BytesIO()
    wb.save(buffer)
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        preview_import(period=period, user=demo_users["officer"], content=buffer.getvalue(), filename="r.xlsx")
    assert "you may not edit the Health & Wellbeing return for 2023/24 Q2" in refused.value.messages[0]
    assert "HW-02" in refused.value.messages[0]
    preview = preview_import(period=period, user=demo_users["officer2"], content=buffer.getvalue(), filename="r.xlsx")
    assert [r.sub_strand.slug for r in preview.returns] == ["health-wellbeing"]
    assert snapshot() == before


def test_a_plan_for_another_period_is_refused(q2, demo_users):
    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    with pytest.raises(ImportRefused, match="another period"):
        apply_import(period=q1, user=demo_users["coordinator"], plan={"period": q2["period"].id, "returns": []})


# -- the command line --------------------------------------------------------------------------------


def test_import_returns_command_lists_changes_and_dry_run_saves_nothing(q2, demo_users, tmp_path, capsys):
    from reporting.workbooks.template import return_template_bytes

    wb = openpyxl.load_workbook(io.BytesIO(return_template_bytes(period=q2["period"], user=demo_users["coordinator"])))
    cell_of(wb, "HOU-02", "2023/24 Q2").value = 700
    path = tmp_path / "returns.xlsx"
    wb.save(path)
    before = snapshot()
    call_command("import_returns", PERIOD, str(path), "--user", "coordinator", "--dry-run")
    out = capsys.readouterr().out
    assert "HOU-02: 2023/24 Q2 figure: '712' → '700'" in out and "Nothing was saved" in out
    assert snapshot() == before
    call_command("import_returns", PERIOD, str(path), "--user", "coordinator")
    assert Measurement.objects.get(kpi__code="HOU-02", period__slug=PERIOD).value == Decimal("700")
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_returns", PERIOD, str(path), "--user", "approver")
    with pytest.raises(CommandError, match="There is no reporting period '2099-00-q9'"):
        call_command("import_returns", "2099-00-q9", str(path), "--user", "coordinator")
    with pytest.raises(CommandError, match="There is no user 'nobody-here'"):
        call_command("import_returns", PERIOD, str(path), "--user", "nobody-here")
    with pytest.raises(CommandError, match="changed on the site"):
        cell_of(wb, "HOU-02", "2023/24 Q2").value = 701
        wb.save(path)
        call_command("import_returns", PERIOD, str(path), "--user", "coordinator")
    path.write_text("code,value\nHOU-02,5\n")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        call_command("import_returns", PERIOD, str(path), "--user", "coordinator")
