"""Synthetic demonstration history: flagged in the database, bannered on every page that shows it."""
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kpis.models import Measurement
from objectives.models import ReportingPeriod
from reporting.models import QuarterlyReturn
from reporting.synthetic import SYNTHETIC_NOTE, add_synthetic_history, remove_synthetic_history

BANNER = "This page includes synthetic demonstration history"


@pytest.fixture
def synthetic(demo_users):
    call_command("add_synthetic_history")
    return demo_users


def test_the_command_adds_four_earlier_quarters_all_flagged_synthetic(synthetic):
    added = ReportingPeriod.objects.filter(governance_notes=SYNTHETIC_NOTE).order_by("financial_year", "number")
    assert [p.slug for p in added] == ["2022-23-q1", "2022-23-q2", "2022-23-q3", "2022-23-q4"]
    assert all(p.state == "published" for p in added)
    returns = QuarterlyReturn.objects.filter(period__in=added)
    assert returns.count() == 4 * 11
    assert all(r.is_synthetic and "SYNTHETIC" in r.commentary for r in returns)
    figures = Measurement.objects.filter(period__in=added)
    assert figures.exists() and all(m.is_synthetic and m.is_frozen for m in figures)
    # the council's own data is untouched
    assert not QuarterlyReturn.objects.filter(period__slug="2023-24-q1", is_synthetic=True).exists()
    assert not Measurement.objects.filter(period__slug="2023-24-q1", is_synthetic=True).exists()


def test_running_it_twice_adds_nothing(synthetic):
    before = QuarterlyReturn.objects.count(), Measurement.objects.count()
    with pytest.raises(CommandError, match="already there"):
        call_command("add_synthetic_history")
    assert (QuarterlyReturn.objects.count(), Measurement.objects.count()) == before


def test_the_same_seed_makes_the_same_history(demo_users):
    add_synthetic_history()
    first = sorted(QuarterlyReturn.objects.filter(is_synthetic=True).values_list("sub_strand__slug", "period__slug", "overall_rag"))
    remove_synthetic_history()
    assert not QuarterlyReturn.objects.filter(is_synthetic=True).exists()
    assert not ReportingPeriod.objects.filter(governance_notes=SYNTHETIC_NOTE).exists()
    assert ReportingPeriod.objects.count() == 4
    add_synthetic_history()
    again = sorted(QuarterlyReturn.objects.filter(is_synthetic=True).values_list("sub_strand__slug", "period__slug", "overall_rag"))
    assert first == again


@pytest.mark.parametrize("url", ["/dashboard/", "/sub-strands/housing/", "/kpis/HOU-02/", "/periods/2023-24-q1/briefing/"])
def test_every_page_showing_synthetic_data_carries_the_banner(client_for, synthetic, url):
    response = client_for("cabinet").get(url)
    assert response.status_code == 200
    assert response.context["synthetic_banner"] is True
    assert BANNER in response.content.decode()


@pytest.mark.parametrize("url", ["/dashboard/", "/sub-strands/housing/", "/kpis/HOU-02/", "/periods/2023-24-q1/briefing/"])
def test_without_synthetic_data_there_is_no_banner(client_for, url):
    response = client_for("cabinet").get(url)
    assert not response.context["synthetic_banner"]
    assert BANNER not in response.content.decode()


def test_synthetic_history_gives_the_dashboard_four_quarters_and_movements(client_for, synthetic):
    data = client_for("cabinet").get(reverse("dashboard")).context["data"]
    assert [p.label for p in data.periods] == ["2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1"]
    cells = [c for g in data.objectives for r in g.rows for c in r.cells]
    assert all(c.is_synthetic for c in cells if c.period.financial_year == 2022)
    assert all(c.movement_words in {"Improved", "Worsened", "No change"} for c in cells if c.period.slug == "2023-24-q1")
    assert "Synthetic" in client_for("cabinet").get(reverse("dashboard")).content.decode()


def test_make_run_does_not_add_it():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "add_synthetic_history" not in makefile.split("## make test")[0]
