"""Open data: every published figure and status as CSV and JSON, valid against its own data
dictionary (a Frictionless Data Package, validated by the frictionless library itself), under the
Open Government Licence v3.0."""
import csv
import io
import json

import pytest

from kpis.models import Measurement
from reporting.access import PUBLIC, visible_measurements, visible_returns
from reporting.public.opendata import DATASETS
from tests.reporting.public.helpers import approve_q2, issue_q2

FILES = ["figures.csv", "figures.json", "statuses.csv", "statuses.json", "kpis.csv", "kpis.json", "risks.csv", "risks.json"]


def download(client, tmp_path):
    package = client.get("/public/data/datapackage.json")
    assert package.status_code == 200 and package["Content-Type"] == "application/json"
    (tmp_path / "datapackage.json").write_bytes(package.content)
    for name in FILES:
        response = client.get(f"/public/data/{name}")
        assert response.status_code == 200
        assert "open-government-licence/version/3" in response["Link"]
        (tmp_path / name).write_bytes(response.content)
    return json.loads(package.content)


def validate(tmp_path):
    """Frictionless's report on the package downloaded into tmp_path. A JSON file of no rows ("[]") is
    left out: Frictionless cannot read a JSON array with nothing in it ("cannot extract JSON tabular
    data"), though the package's schema allows it; the CSV of the same rows, its header alone, is
    validated in its place (a new council publishes no risk until its first review is published)."""
    from frictionless import Package, system

    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"]
                            if not (r["format"] == "json" and (tmp_path / r["path"]).read_text().strip() == "[]")]
    (tmp_path / "validated.json").write_text(json.dumps(package), encoding="utf-8")
    with system.use_context(trusted=True):
        report = Package(str(tmp_path / "validated.json")).validate()
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    return report.valid, errors


@pytest.fixture
def two_quarters(sefton, demo_users):
    """Q1 as loaded, and Q2 with Health & Wellbeing approved and its briefing issued, with a
    commentary that begins like a formula; a risk reviewed in Q2, its review published with the briefing."""
    from tests.reporting.risks.paper_helpers import a_risk, reviewed

    approve_q2(demo_users, commentary="=HYPERLINK(\"http://example.org\",\"Click\") and more", value=12.5)
    reviewed(a_risk("SR1"), "2023-24-q2", 4, 4, commentary="=1+1 looks like a formula")
    issue_q2(demo_users)


def test_the_open_data_validates_against_its_data_dictionary(two_quarters, client, tmp_path):
    package = download(client, tmp_path)
    valid, errors = validate(tmp_path)
    assert valid, errors
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert {r["path"] for r in package["resources"]} == set(FILES)


def test_the_dictionary_catches_a_file_that_breaks_it(two_quarters, client, tmp_path):
    """The validation is real: a value outside the dictionary fails it."""
    download(client, tmp_path)
    text = (tmp_path / "statuses.csv").read_text(encoding="utf-8-sig").replace(",Green,", ",Purple,", 1)
    (tmp_path / "statuses.csv").write_text(text, encoding="utf-8-sig")
    valid, errors = validate(tmp_path)
    assert not valid and any("Purple" in e or "constraint" in e for e in errors), errors


def rows(client, name):
    response = client.get(f"/public/data/{name}")
    if name.endswith(".json"):
        return json.loads(response.content)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_published_figure_and_status_and_nothing_else(two_quarters, client):
    figures, statuses = rows(client, "figures.json"), rows(client, "statuses.json")
    published = visible_measurements(PUBLIC).filter(value__isnull=False) | visible_measurements(PUBLIC).exclude(milestone_status="") \
        | visible_measurements(PUBLIC).filter(not_available=True)
    assert len(figures) == published.count() > 0
    assert len(statuses) == visible_returns(PUBLIC).count() > 0
    assert {r["reported_in"] for r in statuses} == {"2023/24 Q1", "2023/24 Q2"}
    # CSV and JSON hold the same rows, field by field, in the dictionary's order
    for name, dataset in DATASETS.items():
        as_csv, as_json = rows(client, f"{name}.csv"), rows(client, f"{name}.json")
        assert list(as_csv[0]) == [f.name for f in dataset.fields] == list(as_json[0])
        assert len(as_csv) == len(as_json)
    hw = [r for r in figures if r["reported_in"] == "2023/24 Q2" and r["value"] is not None]
    assert hw and all(r["value"] == 12.5 for r in hw)
    assert all(r["commentary"].startswith("=HYPERLINK") for r in hw)  # JSON: as written


def test_approved_but_unpublished_figures_are_not_open_data(sefton, demo_users, client):
    approve_q2(demo_users, value=98765, commentary="not yet published")
    for name in FILES:
        text = client.get(f"/public/data/{name}").content.decode()
        assert "98765" not in text and "not yet published" not in text
    assert Measurement.objects.filter(value=98765, frozen_at__isnull=False).exists()


def test_the_data_dictionary_page_describes_every_field_and_the_licence(sefton, client):
    page = client.get("/public/data/").content.decode()
    assert "Open Government Licence v3.0" in page
    for dataset in DATASETS.values():
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in page
        for fmt in ("csv", "json"):
            assert f'href="/public/data/{dataset.name}.{fmt}"' in page
    assert 'href="/public/data/datapackage.json"' in page
