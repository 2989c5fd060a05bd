"""The risk register in Excel (issue 26, point 6): downloaded and imported again it changes nothing; a
new or changed risk is previewed, then saved on the uploader's own confirmation, all or nothing; a bad
cell in either sheet is refused by its sheet and cell with nothing written; a hostile file is refused
as every import refuses it; only the coordinating team. The strategy file's `risks:` and the
onboarding workbook's Risks and Actions sheets follow the same columns and checks."""
import datetime
import io
import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.models import KPI
from objectives.council import council
from objectives.models import Council, StrategicObjective, Strategy, SubStrand
from reporting.documents.pdf import convert_to_pdf, pdf_available
from reporting.loaders import FixtureError, load_fixture_files
from reporting.models import Risk, RiskAction, RiskCategory, RiskMatrix
from reporting.readers_cache import data_version
from reporting.workbooks import preview_token
from reporting.workbooks.cells import FIRST_DATA_ROW, HEADER_ROW
from reporting.workbooks.onboarding import apply_onboarding, preview_onboarding
from reporting.workbooks.risk_register import (
    apply_register, preview_register, register_workbook_bytes, unsign_register,
)
from reporting.workbooks.safety import ImportRefused
from tests.reporting.workbooks.test_import_safety import rezip, zip_bomb
from tests.security.test_fuzz_forms import FUZZ, VALUES

STRATEGY = "sefton-economic-strategy"
BASE = f"/workbooks/risks/{STRATEGY}/"


@pytest.fixture
def register(sefton, demo_users):
    """Two risks of the strategy: SR1 (owner, category, objective, two KPIs, two actions) and SR2
    (a sub-strand's, exempt, no actions)."""
    strategy = Strategy.objects.get(slug=STRATEGY)
    matrix = RiskMatrix.for_council(council())
    financial = RiskCategory.objects.create(matrix=matrix, name="Financial")
    RiskCategory.objects.create(matrix=matrix, name="Reputational")
    sr1 = Risk.objects.create(
        strategy=strategy, reference="SR1", title="Investment slows", cause="Interest rates stay high",
        effect="Schemes are delayed", owner=demo_users["officer"], owner_title="Head of Investment",
        category=financial, objective=StrategicObjective.objects.get(strategy=strategy, number=1),
        inherent_likelihood=4, inherent_impact=4, target_likelihood=2, target_impact=3,
        controls="Quarterly pipeline review\nBoard oversight", next_review_date=datetime.date(2027, 3, 31), order=1)
    sr1.kpis.set(KPI.objects.filter(code__in=["EMP-01", "HOU-02"]))
    RiskAction.objects.create(risk=sr1, description="Refresh the investment pipeline", owner="Investment team",
                              due_date=datetime.date(2027, 1, 31), status="in_progress", order=1)
    RiskAction.objects.create(risk=sr1, description="Brief the Cabinet", owner="", status="not_started", order=2)
    housing = SubStrand.objects.get(slug="housing")
    Risk.objects.create(strategy=strategy, reference="SR2", title="Housing delivery stalls", sub_strand=housing,
                        objective=housing.objective, inherent_likelihood=3, inherent_impact=5, target_likelihood=2,
                        target_impact=4, exempt=True, order=2)
    return strategy


def state():
    """Everything the register workbook can change, as it is saved."""
    return (
        list(Risk.objects.order_by("pk").values_list(
            "reference", "title", "cause", "effect", "owner__username", "owner_title", "category__name", "objective__number",
            "sub_strand__slug", "inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact", "controls",
            "next_review_date", "exempt", "version")),
        sorted(Risk.kpis.through.objects.values_list("risk__reference", "kpi__code")),
        list(RiskAction.objects.order_by("pk").values_list("risk__reference", "description", "owner", "due_date",
                                                           "status", "order")),
    )


def page(response):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(client, content, name="register.xlsx"):
    response = client.post(f"{BASE}import/", {"workbook": _named(content, name)})
    assert response.status_code == 200, response.status_code
    return response


def _named(content, name):
    found = io.BytesIO(content)
    found.name = name
    return found


def edited(content, cells):
    """The workbook with these cells changed: {(sheet, "B4"): value}."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def token_of(response):
    return re.search(r'name="plan" value="([^"]+)"', response.content.decode()).group(1)


# -- the round trip ---------------------------------------------------------------------------------


def test_the_register_downloaded_and_imported_again_changes_nothing(register, client_for, demo_users):
    coordinator = client_for("coordinator")
    before = state()
    response = coordinator.get(f"{BASE}register.xlsx")
    assert response.status_code == 200
    content = response.content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Risks", "Actions"]
    risks = wb["Risks"]
    assert [c.value for c in risks[HEADER_ROW]][:5] == ["Reference", "Title", "Cause", "Effect", "Owner"]
    first = {risks.cell(HEADER_ROW, c).value: risks.cell(FIRST_DATA_ROW, c).value for c in range(1, risks.max_column + 1)}
    assert first["Owner"] == "Olivia Officer" and first["Inherent likelihood"] == "Likely"
    assert first["Linked KPIs"] == "EMP-01; HOU-02" and first["Exempt"] == "No"
    assert "Current" not in " ".join(str(c.value) for c in risks[HEADER_ROW])  # the current score is the reviews'
    assert [c.value for c in wb["Actions"][FIRST_DATA_ROW]] == [
        "SR1", "Refresh the investment pipeline", "Investment team", datetime.datetime(2027, 1, 31), "In progress"]
    text = page(upload(coordinator, content))
    assert "No changes" in text and "2 risks unchanged" in text, text[:2000]
    preview = preview_register(strategy=register, user=demo_users["coordinator"], content=content)
    assert not preview.has_changes and preview.unchanged == ["SR1", "SR2"]
    assert state() == before


def test_a_changed_and_a_new_risk_are_previewed_then_saved_all_at_once_on_confirmation(register, client_for, demo_users):
    coordinator = client_for("coordinator")
    content = coordinator.get(f"{BASE}register.xlsx").content
    row = FIRST_DATA_ROW + 2
    changed = edited(content, {
        ("Risks", f"B{FIRST_DATA_ROW}"): "Investment slows sharply",
        ("Risks", f"A{row}"): "SR3", ("Risks", f"B{row}"): "Skills shortage", ("Risks", f"E{row}"): demo_users["approver"].email,
        ("Risks", f"H{row}"): 2, ("Risks", f"J{row}"): 3, ("Risks", f"K{row}"): "Major", ("Risks", f"L{row}"): "Unlikely",
        ("Risks", f"M{row}"): 2, ("Risks", f"O{row}"): "30/06/2027", ("Risks", f"Q{row}"): "EMP-01",
        ("Actions", f"A{FIRST_DATA_ROW + 2}"): "SR3", ("Actions", f"B{FIRST_DATA_ROW + 2}"): "Run a jobs fair",
        ("Actions", f"E{FIRST_DATA_ROW + 2}"): "Not started",
    })
    before, version = state(), data_version()
    response = upload(coordinator, changed)
    text = page(response)
    assert "Check the changes before saving" in text, text[:2000]
    assert "1 risk to be added: SR3 Skills shortage" in text and "1 risk to be changed: SR1" in text
    assert "1 risk unchanged" in text
    assert "Risks, B4 SR1: Title Investment slows Investment slows sharply" in text
    assert "Risks, K6 SR3: Inherent impact" in text and "Major (4)" in text
    assert state() == before  # a preview writes nothing
    done = coordinator.post(f"{BASE}import/confirm/", {"plan": token_of(response)})
    assert done.status_code == 302
    sr1, sr3 = Risk.objects.get(reference="SR1"), Risk.objects.get(reference="SR3")
    assert sr1.title == "Investment slows sharply" and sr1.version == 2 and sr1.updated_by == demo_users["coordinator"]
    assert (sr3.owner.username, sr3.objective.number, sr3.inherent_likelihood, sr3.inherent_impact) == ("approver", 2, 3, 4)
    assert sr3.next_review_date == datetime.date(2027, 6, 30) and [k.code for k in sr3.kpis.all()] == ["EMP-01"]
    assert [a.description for a in sr3.actions.all()] == ["Run a jobs fair"]
    assert Risk.objects.get(reference="SR2").version == 1  # unchanged: not saved again
    assert data_version() > version  # what pages keep is built again
    again = coordinator.get(f"{BASE}register.xlsx").content
    assert "No changes" in page(upload(coordinator, again))


def test_a_bad_cell_in_each_sheet_is_refused_by_sheet_and_cell_with_nothing_written(register, client_for, demo_users):
    coordinator = client_for("coordinator")
    content = coordinator.get(f"{BASE}register.xlsx").content
    second = FIRST_DATA_ROW + 1
    bad = edited(content, {
        ("Risks", f"J{FIRST_DATA_ROW}"): "Very likely", ("Risks", f"E{FIRST_DATA_ROW}"): "Nobody Known",
        ("Risks", f"O{FIRST_DATA_ROW}"): "soon", ("Risks", f"Q{second}"): "EMP-01; NOPE-99",
        ("Risks", f"G{second}"): "Weather", ("Risks", f"A{second}"): "SR1",
        ("Actions", f"E{FIRST_DATA_ROW}"): "Done-ish", ("Actions", f"A{second}"): "SR9",
    })
    before = state()
    with pytest.raises(ImportRefused) as refused:
        preview_register(strategy=register, user=demo_users["coordinator"], content=bad)
    said = [str(p) for p in refused.value.problems]
    assert ("Sheet “Risks”, cell J4: “Very likely” is not a likelihood; use one of: Rare, Unlikely, Possible, Likely, "
            "Almost certain (or 1 to 5)") in said, said
    assert any(s.startswith("Sheet “Risks”, cell E4: there is no one called “Nobody Known”") for s in said)
    assert "Sheet “Risks”, cell O4: “soon” is not a date: type the next review date like 5 March 2027" in said
    assert any(s.startswith("Sheet “Risks”, cell Q5: there is no KPI “NOPE-99”") for s in said)
    assert "Sheet “Risks”, cell G5: “Weather” is not a risk category; use one of: Financial, Reputational" in said
    assert "Sheet “Risks”, cell A5: “SR1” is in the sheet twice: each risk once" in said
    assert ("Sheet “Actions”, cell E4: “Done-ish” is not a status; use one of: Not started, In progress, "
            "Complete") in said
    assert "Sheet “Actions”, cell A5: there is no risk “SR9” in the Risks sheet" in said
    text = page(upload(coordinator, bad))
    assert "There is a problem" in text and "cell J4" in text and "Check the changes" not in text
    assert state() == before


def test_a_hostile_or_foreign_file_is_refused_as_every_import_refuses_it(register, client_for):
    coordinator = client_for("coordinator")
    content = coordinator.get(f"{BASE}register.xlsx").content
    doctype = b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'

    def add_doctype(old):
        end = old.index(b"?>") + 2 if old.startswith(b"<?xml") else 0
        return old[:end] + doctype + old[end:]

    before = state()
    for file, name, words in [
        (rezip(content, {"xl/workbook.xml": add_doctype}), "register.xlsx", "declares XML entities"),
        (zip_bomb(8 * 1024 * 1024), "register.xlsx", "as a zip bomb is"),
        (b"Reference,Title\nSR1,Investment\n", "register.xlsx", "not an Excel workbook"),
        (content, "register.csv", "must be an Excel workbook"),
        (edited(content, {("Risks", f"J{FIRST_DATA_ROW}"): "=2+2"}), "register.xlsx", "Sheet “Risks”, cell J4: the cell holds a formula"),
        (edited(content, {("Actions", "A6000"): "SR1"}), "register.xlsx", "Sheet “Actions”: the sheet has more than 5,000 rows"),
        (edited(content, {("Risks", f"K{FIRST_DATA_ROW}"): 7}), "register.xlsx", "Sheet “Risks”, cell K4: “7” is not an impact"),
    ]:
        text = page(upload(coordinator, file, name))
        assert "There is a problem" in text and words in text, (words, text[:1500])
    assert state() == before


def test_a_forged_someone_elses_or_old_confirmation_is_refused_with_nothing_written(register, client_for, demo_users,
                                                                                   monkeypatch):
    coordinator = client_for("coordinator")
    content = edited(coordinator.get(f"{BASE}register.xlsx").content, {("Risks", f"B{FIRST_DATA_ROW}"): "Changed"})
    token = preview_register(strategy=register, user=demo_users["coordinator"], content=content).token(
        demo_users["coordinator"])
    assert unsign_register(token, demo_users["coordinator"])["risks"][0]["title"] == "Changed"
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for bad, user in [(forged, demo_users["coordinator"]), (token, demo_users["approver"]), ("", demo_users["coordinator"])]:
        with pytest.raises(ImportRefused) as refused:
            unsign_register(bad, user)
        assert "could not be confirmed" in refused.value.problems[0].message
    before = state()
    assert "could not be confirmed" in page(coordinator.post(f"{BASE}import/confirm/", {"plan": forged}))
    monkeypatch.setattr(preview_token, "MAX_AGE", -1)  # as if the hour had passed
    assert "more than an hour old" in page(coordinator.post(f"{BASE}import/confirm/", {"plan": token}))
    assert state() == before


def test_a_risk_changed_on_the_site_after_the_preview_is_not_overwritten(register, client_for, demo_users):
    coordinator = client_for("coordinator")
    content = edited(coordinator.get(f"{BASE}register.xlsx").content, {("Risks", f"B{FIRST_DATA_ROW}"): "From Excel"})
    plan = unsign_register(preview_register(strategy=register, user=demo_users["coordinator"], content=content)
                           .token(demo_users["coordinator"]), demo_users["coordinator"])
    Risk.objects.filter(reference="SR1").update(title="From the site", version=2)
    with pytest.raises(ImportRefused) as refused:
        apply_register(strategy=register, user=demo_users["coordinator"], plan=plan)
    assert "Risk SR1 was changed on the site after you uploaded the workbook" in str(refused.value.problems[0])
    assert Risk.objects.get(reference="SR1").title == "From the site"


def test_only_the_coordinating_team_imports_the_register(register, client_for, demo_users):
    for username in ("officer", "approver", "cabinet"):
        client = client_for(username)
        assert client.get(f"{BASE}register.xlsx").status_code == 403
        assert client.get(f"{BASE}import/").status_code == 403
        assert client.post(f"{BASE}import/confirm/", {"plan": "x"}).status_code == 403
    with pytest.raises(ImportRefused):
        preview_register(strategy=register, user=demo_users["officer"], content=b"")
    coordinator = client_for("coordinator")
    assert coordinator.get(f"{BASE}import/").status_code == 200
    assert coordinator.get("/workbooks/risks/no-such-strategy/import/").status_code == 404
    assert "The risk register in Excel" in page(coordinator.get(f"/workbooks/?strategy={STRATEGY}"))  # offered there
    assert "The risk register in Excel" not in page(client_for("approver").get(f"/workbooks/?strategy={STRATEGY}"))


def test_the_downloaded_register_freezes_its_headings_and_prints_a4_landscape_one_page_wide(register):
    wb = openpyxl.load_workbook(io.BytesIO(register_workbook_bytes(register)))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A4"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
        assert int(ws.page_setup.fitToHeight) == 0
    widths = {ws.cell(HEADER_ROW, c).value: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
              for ws in [wb["Risks"]] for c in range(1, ws.max_column + 1)}
    assert widths["Title"] >= 20 and widths["Controls in place"] >= 25 and widths["Next review"] >= 17


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice is not installed")
def test_libreoffice_prints_each_sheet_of_the_register_on_one_a4_landscape_page(register):
    pdf = convert_to_pdf(register_workbook_bytes(register), suffix=".xlsx")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9", str(path)], capture_output=True, text=True,
                              check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, flags=re.M), info  # the Risks sheet, then the Actions sheet
    for width, height in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info):
        assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape
    first = text.split("\f")[0]
    assert "Linked KPIs" in first and "HOU-02" in first  # the last column on the first page


# -- the strategy file ------------------------------------------------------------------------------


RISKS_FILE = f"""
risk_matrix:
  categories:
    - {{name: Financial, appetite_score: 6}}
risks:
  - strategy: {STRATEGY}
    reference: SR7
    title: Grant funding ends
    cause: The grant is not renewed
    effect: Services close
    owner: coordinator
    category: Financial
    objective: 2
    inherent_likelihood: 4
    inherent_impact: 5
    target_likelihood: 2
    target_impact: 3
    next_review_date: 2027-04-30
    kpis: [EMP-01]
    actions:
      - {{description: Find other funding, owner: Funding team, due_date: 2027-02-28, status: in_progress}}
"""


def test_the_strategy_file_loads_risks_their_actions_and_the_matrixs_words_twice_changing_nothing(sefton, demo_users,
                                                                                                    tmp_path):
    path = tmp_path / "risks.yaml"
    path.write_text(RISKS_FILE, encoding="utf-8")
    load_fixture_files([path])
    risk = Risk.objects.get(reference="SR7")
    assert (risk.owner.username, risk.category.name, risk.category.appetite_score) == ("coordinator", "Financial", 6)
    assert [(a.description, a.status) for a in risk.actions.all()] == [("Find other funding", "in_progress")]
    before = state()
    load_fixture_files([path])
    assert state() == before  # the second load changes nothing, not even a version
    words = tmp_path / "words.yaml"
    words.write_text("risk_matrix:\n  likelihood: [Remote, Unlikely, Possible, Probable, Very likely]\n", encoding="utf-8")
    load_fixture_files([words])
    assert [lv.name for lv in RiskMatrix.for_council(council()).likelihood_levels()] == [
        "Remote", "Unlikely", "Possible", "Probable", "Very likely"]
    smaller = tmp_path / "smaller.yaml"  # SR7's impact is 5: a 4 x 4 matrix would leave it off the matrix
    smaller.write_text("risk_matrix:\n  impact: [Low, Medium, High, Critical]\n", encoding="utf-8")
    with pytest.raises(FixtureError) as refused:
        load_fixture_files([smaller])
    assert "risk SR7 is scored above 4 for impact" in str(refused.value)
    assert RiskMatrix.for_council(council()).size("impact") == 5


def test_a_strategy_file_with_a_bad_risk_loads_nothing(sefton, demo_users, tmp_path):
    path = tmp_path / "risks.yaml"
    path.write_text(RISKS_FILE + f"""  - strategy: {STRATEGY}
    reference: SR8
    title: A second risk
    inherent_likelihood: 9
    inherent_impact: 1
    target_likelihood: 1
    target_impact: 1
""", encoding="utf-8")
    with pytest.raises(FixtureError) as refused:
        load_fixture_files([path])
    assert "risks[1]" in str(refused.value) and "inherent_likelihood" in str(refused.value)
    assert not Risk.objects.filter(reference__in=["SR7", "SR8"]).exists()


# -- the onboarding workbook ------------------------------------------------------------------------


def test_the_onboarding_workbook_holds_the_register_and_round_trips(register, client_for):
    content = client_for("admin").get("/workbooks/onboarding/strategy.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[-2:] == ["Risks", "Actions"]
    assert [c.value for c in wb["Risks"][HEADER_ROW]] == [c.value for c in openpyxl.load_workbook(
        io.BytesIO(register_workbook_bytes(register)))["Risks"][HEADER_ROW]]  # one column definition for both
    before = state()
    preview = preview_onboarding(content=content)
    assert preview.changes == [] and not any(key.endswith("created") for key in preview.counts)
    apply_onboarding(preview.doc)
    assert state() == before
    row = FIRST_DATA_ROW + 2
    added = edited(content, {("Risks", f"A{row}"): "SR4", ("Risks", f"B{row}"): "Visitor numbers fall",
                             ("Risks", f"I{row}"): "Tourism", ("Risks", f"J{row}"): 2, ("Risks", f"K{row}"): 2,
                             ("Risks", f"L{row}"): 1, ("Risks", f"M{row}"): 1, ("Risks", f"Q{row}"): "TOU-01"})
    preview = preview_onboarding(content=added)
    assert "1 risk to be created" in preview.lines()
    apply_onboarding(preview.doc)
    assert Risk.objects.get(reference="SR4").sub_strand.slug == "tourism"
    bad = edited(content, {("Risks", f"K{FIRST_DATA_ROW}"): "Catastrophic"})
    with pytest.raises(ImportRefused) as refused:
        preview_onboarding(content=bad)
    assert any(str(p).startswith("Sheet “Risks”, cell K4: “Catastrophic” is not an impact") for p in refused.value.problems)


def test_an_onboarding_workbook_made_before_risks_leaves_the_register_as_it_is(register, client_for):
    content = client_for("admin").get("/workbooks/onboarding/strategy.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    del wb["Risks"], wb["Actions"]
    out = io.BytesIO()
    wb.save(out)
    before = state()
    preview = preview_onboarding(content=out.getvalue())
    assert "risks" not in preview.doc and preview.changes == []
    apply_onboarding(preview.doc)
    assert state() == before


def test_the_owner_is_found_by_name_or_email_and_a_name_two_people_share_is_refused(register, demo_users,
                                                                                      django_user_model):
    content = register_workbook_bytes(register)
    by_email = edited(content, {("Risks", f"E{FIRST_DATA_ROW}"): demo_users["officer"].email})
    assert not preview_register(strategy=register, user=demo_users["coordinator"], content=by_email).has_changes
    django_user_model.objects.create_user("olivia2", "olivia2@example.gov.uk", "x", first_name="Olivia",
                                          last_name="Officer")
    with pytest.raises(ImportRefused) as refused:
        preview_register(strategy=register, user=demo_users["coordinator"], content=content)
    assert ("Sheet “Risks”, cell E4: more than one person is called “Olivia Officer”: give the owner's email "
            "instead") in [str(p) for p in refused.value.problems]


# -- anything in any cell ---------------------------------------------------------------------------


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_anything_in_any_cell_is_refused_by_its_cell_or_previewed_never_an_error(register, demo_users, data):
    """Each example types odd values (tests/security/test_fuzz_forms.py's) into a few cells of either sheet,
    or mutates the file's bytes: the preview either refuses it (every problem named) or previews it, and
    writes nothing either way."""
    content = _downloaded(register)
    if data.draw(st.booleans(), label="mutate the bytes"):
        changed = bytearray(content)
        for _ in range(data.draw(st.integers(1, 10), label="flips")):
            changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(st.integers(0, 255))
        changed = bytes(changed)
    else:
        cells = data.draw(st.dictionaries(
            st.tuples(st.sampled_from(["Risks", "Actions"]), st.sampled_from("ABCDEFGHIJKLMNOPQ"),
                      st.integers(FIRST_DATA_ROW, FIRST_DATA_ROW + 3)),
            st.one_of(VALUES, st.integers(-5, 30), st.dates()), min_size=1, max_size=4), label="cells")
        changed = edited(content, {(sheet, f"{column}{row}"): value for (sheet, column, row), value in cells.items()})
    before = state()
    try:
        preview_register(strategy=register, user=demo_users["coordinator"], content=changed)
    except ImportRefused as refused:
        assert refused.problems and all(str(p) for p in refused.problems)
    assert state() == before


def _downloaded(strategy, kept={}):  # noqa: B006 - the same bytes for every example, as hypothesis needs
    if "content" not in kept:
        kept["content"] = register_workbook_bytes(strategy)
    return kept["content"]


def test_the_register_workbook_speaks_the_councils_words_and_reads_them_back(register, client_for, demo_users):
    Council.objects.update(objective_one="Priority", objective_many="Priorities", sub_strand_one="Theme",
                           sub_strand_many="Themes")
    content = client_for("coordinator").get(f"{BASE}register.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    headings = [c.value for c in wb["Risks"][HEADER_ROW]]
    assert "Priority" in headings and "Theme" in headings
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert not re.search(r"sub-strand|strategic objective", text, flags=re.IGNORECASE), text
    assert not preview_register(strategy=register, user=demo_users["coordinator"], content=content).has_changes
    bad = edited(content, {("Risks", f"I{FIRST_DATA_ROW}"): "nowhere"})
    with pytest.raises(ImportRefused) as refused:
        preview_register(strategy=register, user=demo_users["coordinator"], content=bad)
    assert "Sheet “Risks”, cell I4: there is no theme “nowhere”: give its slug or its name" in [
        str(p) for p in refused.value.problems]
