"""The fixtures reproduce the seed documents: structure, calendar, and the Q1 2023/24 report."""
import datetime
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kpis.models import KPI, Measurement, Target
from objectives.models import GovernanceEvent, ReportingPeriod, StrategicObjective, Strategy, SubStrand
from reporting.loaders import FixtureError, load_fixture_files
from reporting.models import Briefing, QuarterlyReturn

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "ses-q1-2023-24-briefing-note.txt"

# Section 6 of the briefing note: each sub-strand's overall status, in the seed's order.
SEED_Q1_STATUSES = [
    ("business-growth-investment", "green"),
    ("employment-access-to-work", "green"),
    ("growth-strategic-investment", "green"),
    ("housing", "green"),
    ("planning", "green"),
    ("tourism", "green"),
    ("equality-diversity", "green"),
    ("sustainable-travel", "green"),
    ("net-zero-low-carbon", "green"),
    ("health-wellbeing", "amber"),
    ("digital", "green"),
]


def squash(text):
    return re.sub(r"\s+", "", text)


@pytest.fixture
def seed_text():
    return squash(SEED.read_text(encoding="utf-8"))


def test_strategy_objectives_and_sub_strands(sefton):
    strategy = Strategy.objects.get(slug="sefton-economic-strategy")
    assert strategy.approved_on == datetime.date(2022, 11, 3)
    assert list(StrategicObjective.objects.filter(strategy=strategy).values_list("name", flat=True)) == [
        "Business Growth & Investment",
        "Employment and access to work",
        "Regenerated Places",
        "Social Inclusion & Access for all",
    ]
    assert SubStrand.objects.filter(objective__strategy=strategy).count() == 11
    assert list(SubStrand.objects.filter(objective__number=3).values_list("name", flat=True)) == [
        "Growth & Strategic Investment Programme", "Housing", "Planning", "Tourism",
    ]
    assert list(SubStrand.objects.filter(objective__number=4).values_list("name", flat=True)) == [
        "Equality & Diversity", "Sustainable Travel", "Net Zero/Low Carbon", "Health & Wellbeing", "Digital",
    ]


def test_at_least_forty_kpis_worded_as_the_seed(sefton, seed_text):
    kpis = KPI.objects.all()
    assert kpis.count() >= 40
    assert set(SubStrand.objects.values_list("slug", flat=True)) == set(kpis.values_list("sub_strand__slug", flat=True))
    for title in ["Social housing completions", "Net additional dwellings per annum", "Employment floorspace sqm",
                  "No of FTE jobs created", "Youth poverty", "Life expectancy", "Maritime Corridor"]:
        assert kpis.filter(title=title).exists(), title
        assert squash(title).lower() in seed_text.lower()


def test_housing_targets_as_the_seed_gives_them(sefton):
    targets = Target.objects.filter(kpi__code="HOU-02", financial_year=2023)
    assert {(t.kind, int(t.value), t.is_primary) for t in targets} == {("local_plan", 640, True), ("standard_method", 587, False)}


def test_reporting_periods_and_the_governance_calendar(sefton):
    periods = {p.slug: p for p in ReportingPeriod.objects.all()}
    assert list(periods) == ["2023-24-q1", "2023-24-q2", "2023-24-q3", "2023-24-q4"]
    assert periods["2023-24-q1"].state == "published"
    assert periods["2023-24-q2"].state == "open"
    assert periods["2023-24-q3"].state == periods["2023-24-q4"].state == "not_open"
    d = datetime.date
    events = {(e.period.slug, e.name): e for e in GovernanceEvent.objects.select_related("period")}
    meeting, briefings = "Economy Cell meeting", "Cabinet Member (Regeneration & Skills) briefings"
    scrutiny = "Cabinet Member / Overview & Scrutiny (Regeneration & Skills)"
    assert events[("2023-24-q1", meeting)].date == d(2023, 6, 9)
    assert events[("2023-24-q1", briefings)].frequency == "Monthly"
    assert (events[("2023-24-q2", meeting)].date, periods["2023-24-q2"].dashboard_deadline) == (d(2023, 9, 7), d(2023, 9, 1))
    assert (events[("2023-24-q3", meeting)].date, events[("2023-24-q3", briefings)].date) == (d(2023, 11, 30), d(2023, 11, 7))
    q4 = periods["2023-24-q4"]
    assert (events[("2023-24-q4", meeting)].date, q4.dashboard_deadline, events[("2023-24-q4", scrutiny)].date) == (
        d(2024, 1, 18), d(2024, 2, 7), d(2024, 3, 5))
    assert len(events) == 7


def test_q1_returns_reproduce_the_seeds_statuses(sefton):
    returns = QuarterlyReturn.objects.filter(period__slug="2023-24-q1")
    assert {r.sub_strand.slug: r.overall_rag for r in returns} == dict(SEED_Q1_STATUSES)
    assert all(r.state == "published" for r in returns)
    assert not QuarterlyReturn.objects.filter(period__slug="2023-24-q2").exists()


def test_q1_commentary_is_the_seeds_text(sefton, seed_text):
    for ret in QuarterlyReturn.objects.filter(period__slug="2023-24-q1"):
        assert len(ret.commentary) > 200, ret.sub_strand.slug
        assert squash(ret.commentary) in seed_text, ret.sub_strand.slug
    hw = QuarterlyReturn.objects.get(period__slug="2023-24-q1", sub_strand__slug="health-wellbeing")
    assert hw.commentary.startswith("The KPIs focus youth poverty, employee earnings")
    assert hw.commentary.endswith("should prove a useful intelligence resource for other SES leads.")


def test_lagging_figures_are_not_yet_available_not_invented(sefton):
    steam = Measurement.objects.get(kpi__code="TOU-01", period__slug="2023-24-q1")
    assert steam.not_available and steam.value is None and steam.data_for == "Calendar year 2022"
    assert steam.rag is None and steam.is_frozen
    assert not Measurement.objects.filter(value__isnull=False, period__slug="2023-24-q1").exists()


def test_q1_briefing_text_is_in_the_fixture(sefton, seed_text):
    briefing = Briefing.objects.get(period__slug="2023-24-q1")
    assert briefing.state == "issued"
    assert briefing.purpose == "To update Cabinet Member on progress with the Sefton Economic Strategy Action Plan 2023/24"
    for paragraph in briefing.background.split("\n\n"):
        assert squash(paragraph) in seed_text


def test_loading_twice_changes_nothing(sefton):
    before = (QuarterlyReturn.objects.count(), KPI.objects.count(), Measurement.objects.count(), Target.objects.count())
    load_fixture_files()
    assert (QuarterlyReturn.objects.count(), KPI.objects.count(), Measurement.objects.count(), Target.objects.count()) == before


BROKEN = """
periods:
  - {financial_year: 2030, quarter: 1, state: not_open}
returns:
  - period: 2030-31-q1
    sub_strand: housng
    overall_rag: green
"""


def test_a_broken_reference_fails_clearly_and_loads_nothing(sefton, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    periods_before = ReportingPeriod.objects.count()
    with pytest.raises(FixtureError, match=r"broken.yaml: returns\[0\]: sub-strand 'housng' does not exist"):
        load_fixture_files([path])
    assert ReportingPeriod.objects.count() == periods_before  # the 2030 period was rolled back


def test_the_command_reports_a_broken_fixture_as_an_error(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("returns:\n  - {period: 2099-00-q1, sub_strand: housing}\n")
    with pytest.raises(CommandError, match="Nothing was loaded.*period '2099-00-q1' does not exist"):
        call_command("load_sefton", str(path))
    assert not QuarterlyReturn.objects.exists()


STRATEGY = "strategy: {slug: s, name: S}\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ("returns: [", "not valid YAML"),
        ("bogus: 1", "unknown section"),
        ("periods:\n  - {financial_year: 2023, quarter: 7}", "periods belong to a strategy"),
        (f"{STRATEGY}periods:\n  - {{financial_year: 2023, quarter: 7}}", "quarters are numbered 1, 2, 3 or 4"),
        (f"{STRATEGY}periods:\n  - {{financial_year: 2023, number: 1, state: ajar}}", "'state' is 'ajar'"),
        (f"{STRATEGY}periods:\n  - {{financial_year: 2023, number: 1, events: [{{name: Board, date: 9 June}}]}}",
         "is not a date"),
        (f"{STRATEGY}periods:\n  - {{financial_year: 2023, number: 1, events: [{{name: Board}}]}}",
         "an event needs a date, or a frequency"),
        ("strategy: {slug: s, name: S, cadence: half_yearly}\nperiods:\n  - {financial_year: 2023, number: 3}",
         "half-yearly strategy's half-years are numbered 1 or 2"),
        ("strategy: {slug: s, name: S, cadence: weekly}", "'cadence' is 'weekly'"),
        ("strategy: {slug: s, name: S, calendar_headings: {deadline: Due}}", "names of each period's events"),
    ],
)
def test_bad_fixture_files_get_a_clear_message(db, tmp_path, text, message):
    """A bad file is refused with where and why, and nothing of it is loaded."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(FixtureError, match=message):
        load_fixture_files([path])
    assert not ReportingPeriod.objects.exists() and not Strategy.objects.exists()


def test_a_kpi_of_another_sub_strand_is_refused(sefton, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("returns:\n  - period: 2023-24-q2\n    sub_strand: housing\n    measurements:\n      - {kpi: TOU-01, value: 3}\n")
    with pytest.raises(FixtureError, match="KPI TOU-01 belongs to tourism, not housing"):
        load_fixture_files([path])
    assert not QuarterlyReturn.objects.filter(period__slug="2023-24-q2").exists()
