"""A strategy that names its readers (Strategy.readers) is read by them only, of the readers: not its
figures and texts alone, but its structure and targets too (its objectives, sub-strands with their
lead services, KPIs with their targets, periods), on every page, workbook and API answer
(reporting.access: STRATEGIES, OBJECTIVES, SUB_STRANDS, KPIS, PERIODS). A refused page says why."""
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.test_two_strategies import CLIMATE, H1  # noqa: F401
from tests.test_whole_year import text

# What only the Climate Emergency Strategy holds (tests/councils/climate.yaml): names, services, codes, a target.
CLIMATE_WORDS = ["Climate Emergency Strategy", "Net Zero Council", "Council Buildings", "Fleet Services",
                 "CL-01", "CL-02", "Emissions from council buildings", "Electric vehicles in the fleet",
                 "Climate Board", "2023/24 H1", "2023-24-h1"]
REFUSAL = "The strategy this belongs to is read by the readers it names, and you are not one of them"


@pytest.fixture
def climate_for_scrutiny(demo_users):
    """The climate strategy loaded, naming the scrutiny member as its only reader (not the Cabinet Member)."""
    from objectives.models import Strategy
    from reporting.loaders import load_fixture_files

    load_fixture_files([CLIMATE])
    climate = Strategy.objects.get(slug="climate-emergency")
    climate.readers.add(demo_users["scrutiny"])
    return climate


def leaked(content):
    return [word for word in CLIMATE_WORDS if word in content]


@pytest.mark.parametrize("url", [reverse("sub-strand", args=["fleet"]), reverse("kpi", args=["CL-01"]),
                                 reverse("briefing-xlsx", args=[H1]), reverse("briefing-docx", args=[H1]),
                                 reverse("briefing", args=[H1])])
def test_a_reader_not_named_is_refused_the_strategys_pages_and_files_saying_why(climate_for_scrutiny, client_for, url):
    response = client_for("cabinet").get(url)
    assert response.status_code == 403, (url, response.status_code)
    assert REFUSAL in text(response)
    assert leaked(text(response)) == [] and "9,000" not in text(response)


def test_the_named_reader_reads_them(climate_for_scrutiny, client_for):
    scrutiny = client_for("scrutiny")
    page = text(scrutiny.get(reverse("sub-strand", args=["fleet"])))
    assert "Fleet Services" in page
    assert "9,000" in text(scrutiny.get(reverse("kpi", args=["CL-01"])))
    workbook = scrutiny.get(reverse("briefing-xlsx", args=[H1]))
    assert workbook.status_code == 200
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(workbook.content)) for row in ws.iter_rows() for c in row]
    assert any("Council Buildings" in c for c in cells)


def test_the_dashboard_filters_offer_only_the_strategies_a_reader_reads(climate_for_scrutiny, client_for):
    page = client_for("cabinet").get(reverse("dashboard") + "?strategy=climate-emergency").content.decode()
    assert leaked(page) == []
    assert "Housing" in page  # the strategy they read, as before
    home = client_for("cabinet").get(reverse("home") + "?strategy=climate-emergency").content.decode()
    assert leaked(home) == [] and "Regenerated Places" in home


def api_texts(client):
    """Every list of the API's structure (and of its data), and one climate item of each, as text."""
    from kpis.models import KPI
    from objectives.models import ReportingPeriod, StrategicObjective, Strategy, SubStrand

    climate_ids = {
        "strategies": Strategy.objects.get(slug="climate-emergency").pk,
        "objectives": StrategicObjective.objects.get(slug="net-zero-council").pk,
        "sub-strands": SubStrand.objects.get(slug="fleet").pk,
        "kpis": KPI.objects.get(code="CL-01").pk,
        "periods": ReportingPeriod.objects.get(slug=H1).pk,
    }
    answers = {}
    for name in ["strategies", "objectives", "sub-strands", "kpis", "periods", "returns", "figures", "plan-updates"]:
        for query in ["", "?strategy=climate-emergency", "?code=CL-01", "?sub_strand=fleet", "?page_size=1000"]:
            response = client.get(f"/api/v1/{name}/{query}")
            answers[f"/api/v1/{name}/{query}"] = (response.status_code, response.content.decode())
        if name in climate_ids:
            response = client.get(f"/api/v1/{name}/{climate_ids[name]}/")
            answers[f"/api/v1/{name}/{climate_ids[name]}/"] = (response.status_code, response.content.decode())
    return answers


def test_the_api_keeps_a_strategys_structure_from_a_reader_it_does_not_name(climate_for_scrutiny, demo_users):
    from reporting.api.tokens import issue_token

    def api(username):
        return Client(headers={"Authorization": f"Bearer {issue_token(user=demo_users[username], name='t').secret}"})

    cabinet = api_texts(api("cabinet"))
    for url, (status, content) in cabinet.items():
        assert status in (200, 404), (url, status)
        assert leaked(content) == [], f"the Cabinet Member read {leaked(content)} at {url}"
    assert "Housing" in cabinet["/api/v1/sub-strands/?page_size=1000"][1]  # the strategy they read, as before
    scrutiny = api_texts(api("scrutiny"))
    assert "Fleet Services" in scrutiny["/api/v1/sub-strands/?page_size=1000"][1]
    assert all(scrutiny[url][0] == 200 for url in scrutiny if url.rstrip("/").split("/")[-1].isdigit())


def test_a_reader_who_reads_no_strategy_sees_none_of_them(climate_for_scrutiny, client_for):
    """Every strategy names its readers, the Cabinet Member on none: no page shows them another's
    periods, objectives or sub-strands (nor falls back to every strategy's)."""
    from objectives.models import Strategy

    Strategy.objects.get(slug="sefton-economic-strategy").readers.add(climate_for_scrutiny.readers.get())
    cabinet = client_for("cabinet")
    for url in [reverse("home"), reverse("dashboard"), reverse("dashboard") + "?strategy=climate-emergency",
                reverse("exports")]:
        page = text(cabinet.get(url))
        assert cabinet.get(url).status_code == 200
        seen = [w for w in [*CLIMATE_WORDS, "2023/24 H2", "2023/24 Q1", "Housing", "Regenerated Places"] if w in page]
        assert seen == [], (url, seen)
