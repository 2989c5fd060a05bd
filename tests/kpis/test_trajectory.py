"""A year's target as a trajectory (flat, linear from a baseline, set period by period), the figure
judged against its period's point, and the projection to the year's end (kpis.trajectory, kpis.outlook)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.figures import bar_text, rating_context
from kpis.models import Accumulation, Measurement, Profile, Target
from kpis.outlook import year_end_outlook, year_end_outlooks
from kpis.services import rate_measurement
from kpis.trajectory import projection, run_rate, straight_line, trajectory, trajectory_point
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory, TargetFactory

D = Decimal


class T:  # a target as the rules read it
    def __init__(self, value, profile="flat", baseline=None, points=()):
        self.value, self.profile, self.baseline, self.period_points = value, profile, baseline, list(points)


# -- the trajectory's points ---------------------------------------------------------------------


def test_a_flat_trajectory_is_the_years_target_in_every_period():
    assert trajectory(target=T(D(640)), per_year=4) == [D(640)] * 4


def test_a_linear_trajectory_goes_from_the_baseline_to_the_target_in_equal_steps():
    assert trajectory(target=T(D(640), "linear", baseline=D(400)), per_year=4) == [D(460), D(520), D(580), D(640)]


def test_a_linear_trajectory_of_a_lower_is_better_kpi_comes_down():
    assert trajectory(target=T(D(10), "linear", baseline=D(14)), per_year=2) == [D(12), D(10)]


def test_a_trajectory_set_period_by_period_ends_at_the_years_target():
    target = T(D(640), "periods", points=["100", "250", "450"])
    assert trajectory(target=target, per_year=4) == [D(100), D(250), D(450), D(640)]


def test_a_profile_that_cannot_be_read_is_read_as_flat():
    assert trajectory_point(target=T(D(640), "linear"), number=2, per_year=4) == D(640)
    assert trajectory_point(target=T(D(640), "periods", points=["1"]), number=2, per_year=4) == D(640)


def test_a_linear_target_without_a_baseline_is_refused_with_a_message(db):
    target = TargetFactory.build(kpi=KPIFactory(), profile=Profile.LINEAR, value=640)
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "baseline" in refused.value.message_dict


def test_the_place_in_the_year_is_counted_in_the_strategys_periods():
    from types import SimpleNamespace

    from kpis.trajectory import place_in_year

    month = SimpleNamespace(cadence="monthly", number=7)
    half = SimpleNamespace(cadence="half_yearly", number=2)
    assert place_in_year(period=month) == 7
    assert place_in_year(period=month, data_for_end=datetime.date(2023, 9, 30)) == 6  # September: the sixth month
    assert place_in_year(period=half, data_for_end=datetime.date(2023, 9, 30)) == 1
    assert place_in_year(period=half, data_for_end=datetime.date(2024, 3, 31)) == 2
    target = T(D(1200), "linear", baseline=D(0))
    assert trajectory_point(target=target, number=6, per_year=12) == D(600)


def test_a_half_yearly_run_rate_counts_half_years():
    computed = projection(accumulation="cumulative", figures=[(2023, 1, D(250))], per_year=2, year=2023,
                          cadence="half_yearly")
    assert computed.value == D(500)
    assert "250 in 1 of 2 half-years" in computed.method


# -- Q2 judged against Q2 --------------------------------------------------------------------------


@pytest.fixture
def q2(db):
    return PeriodFactory(financial_year=2023, number=2)


def rated(kpi, period, value, **extra):
    m = Measurement(kpi=kpi, period=period, value=D(value), **extra)
    return rate_measurement(m)


def test_q2_is_judged_against_the_q2_point_of_a_linear_trajectory_not_the_years_target(q2):
    kpi = KPIFactory()
    TargetFactory(kpi=kpi, financial_year=2023, value=640, profile=Profile.LINEAR, baseline=0)
    m = rated(kpi, q2, 320)  # half the year, half the target
    assert m.rag_calculated == "green"
    assert m.rag_basis == "Against the trajectory's 2023/24 Q2 point (320 of the year's 640)"
    assert rated(kpi, q2, 310).rag_calculated == "amber"  # within 5% of 320
    assert rated(kpi, q2, 200).rag_calculated == "red"


def test_q2_is_judged_against_the_point_set_for_q2(q2):
    kpi = KPIFactory()
    TargetFactory(kpi=kpi, financial_year=2023, value=640, profile=Profile.PERIODS, period_points=["100", "250", "450"])
    assert rated(kpi, q2, 250).rag_calculated == "green"
    assert rated(kpi, q2, 200).rag_calculated == "red"
    assert bar_text(kpi, rating_context(Measurement(kpi=kpi, period=q2, value=D(250)))) == (
        "Target 640 (Corporate performance) for 2023/24; 250 by 2023/24 Q2 on its trajectory")


def test_a_flat_trajectory_rates_as_before(q2):
    kpi = KPIFactory()
    TargetFactory(kpi=kpi, financial_year=2023, value=640)
    m = rated(kpi, q2, 320)
    assert (m.rag_calculated, m.rag_basis) == ("red", "Against target")


def test_the_point_is_the_period_the_data_is_for(db):
    """A figure reported in Q3 for the half-year to 30 September is judged against Q2's point."""
    q3 = PeriodFactory(financial_year=2023, number=3)
    kpi = KPIFactory()
    TargetFactory(kpi=kpi, financial_year=2023, value=640, profile=Profile.LINEAR, baseline=0)
    m = rated(kpi, q3, 320, data_for_end=datetime.date(2023, 9, 30))
    assert m.rag_calculated == "green"
    assert "Q2 point" in m.rag_basis


# -- the projection ------------------------------------------------------------------------------


def test_a_cumulative_kpis_run_rate_is_the_year_to_date_over_the_periods_elapsed_times_the_year():
    assert run_rate(year_to_date=D(300), number=2, per_year=4) == D(600)
    computed = projection(accumulation="cumulative", figures=[(2023, 1, D(100)), (2023, 2, D(300))], per_year=4,
                          year=2023, cadence="quarterly")
    assert computed.value == D(600)
    assert computed.method.startswith("Computed at the run rate so far")


def test_a_snapshot_kpis_projection_is_a_straight_line_through_its_recent_figures():
    assert straight_line([(1, 10), (2, 20), (3, 30)], 4) == D(40)
    computed = projection(accumulation="snapshot", figures=[(2022, 4, D(50)), (2023, 1, D(60)), (2023, 2, D(70))],
                          per_year=4, year=2023, cadence="quarterly")
    assert computed.value == D(90)  # 10 a quarter, two quarters on to Q4
    assert computed.method == "Computed from a straight line through the latest 3 figures"


def test_one_figure_is_not_enough_for_a_snapshots_line():
    computed = projection(accumulation="snapshot", figures=[(2023, 1, D(60))], per_year=4, year=2023, cadence="quarterly")
    assert computed.value is None


# -- the outlook: now and at the year's end ------------------------------------------------------------


@pytest.fixture
def cumulative_kpi(db):
    """A cumulative KPI, 640 a year on a straight line from 0; 100 in Q1, 300 by Q2 (Green now: 320's
    point less 5% is 304, so 300 is Amber; run rate 600, Amber at year end)."""
    kpi = KPIFactory(accumulation=Accumulation.CUMULATIVE)
    TargetFactory(kpi=kpi, financial_year=2023, value=640, profile=Profile.LINEAR, baseline=0, amber_tolerance=10)
    for number, value in ((1, 100), (2, 300)):
        m = MeasurementFactory(kpi=kpi, period=PeriodFactory(financial_year=2023, number=number), value=value)
        rate_measurement(m)
        m.save()
    return kpi


def test_the_outlook_says_the_status_now_and_the_computed_one_at_the_years_end(cumulative_kpi):
    outlook = year_end_outlook(cumulative_kpi, 2023)
    assert outlook.now_rag == "amber" and outlook.now_point == D(320) and outlook.now_label == "2023/24 Q2"
    assert outlook.projection.value == D(600)
    assert (outlook.forecast, outlook.forecast_by, outlook.year_end_rag) == (D(600), "computed", "amber")
    assert outlook.words == "Amber now, forecast Amber at year end (computed projection)"


def test_the_officers_forecast_is_judged_at_the_years_end_beside_the_computed_projection(cumulative_kpi):
    m = Measurement.objects.get(kpi=cumulative_kpi, period__number=2)
    m.forecast_value, m.forecast_reason = D(700), "Two big schemes complete in March."
    m.save()
    outlook = year_end_outlook(cumulative_kpi, 2023)
    assert (outlook.forecast, outlook.forecast_by, outlook.year_end_rag) == (D(700), "officer", "green")
    assert outlook.projection.value == D(600)  # still said, as computed
    assert outlook.reason == "Two big schemes complete in March."
    assert outlook.words == "Amber now, forecast Green at year end (the officer's forecast)"


def test_a_snapshot_kpi_is_projected_by_its_line(db):
    kpi = KPIFactory(accumulation=Accumulation.SNAPSHOT, direction="lower")
    TargetFactory(kpi=kpi, financial_year=2023, value=50)
    for number, value in ((1, 80), (2, 70)):
        MeasurementFactory(kpi=kpi, period=PeriodFactory(financial_year=2023, number=number), value=value)
    outlook = year_end_outlook(kpi, 2023)
    assert outlook.projection.value == D(50)
    assert outlook.year_end_rag == "green"


def test_no_outlook_for_a_milestone_or_a_kpi_without_a_target(db):
    milestone = KPIFactory(direction="milestone", unit="milestone")
    TargetFactory(kpi=milestone, financial_year=2023, value=1)
    untargeted = KPIFactory()
    assert year_end_outlooks([milestone, untargeted], 2023) == {}


def test_the_outlooks_of_many_kpis_take_two_queries(db):
    kpis = []
    for _ in range(6):
        kpi = KPIFactory()
        TargetFactory(kpi=kpi, financial_year=2023, value=100)
        for number in (1, 2):
            MeasurementFactory(kpi=kpi, period=PeriodFactory(financial_year=2023, number=number), value=90 + number)
        kpis.append(kpi)
    with CaptureQueriesContext(connection) as queries:
        found = year_end_outlooks(kpis, 2023)
    assert len(found) == 6
    assert len(queries) == 2


def test_the_outlooks_are_drawn_from_the_figures_values_without_a_model_instance_each(cumulative_kpi):
    """Three years of every KPI's figures are many: year_end_outlooks reads them as plain values, and
    draws the same outlook as outlook_of does from the Measurements themselves (the RAG shown by
    Measurement's own rule: a frozen figure shows its frozen RAG)."""
    from django.db.models.signals import post_init

    from kpis.outlook import outlook_of

    latest = Measurement.objects.get(kpi=cumulative_kpi, period__number=2)
    latest.frozen_at, latest.frozen_rag, latest.forecast_value, latest.forecast_reason = (
        datetime.datetime(2023, 11, 1, tzinfo=datetime.UTC), "green", D(650), "Schemes complete.")
    latest.save()
    target = Target.objects.get(kpi=cumulative_kpi, financial_year=2023)
    figures = list(Measurement.objects.filter(kpi=cumulative_kpi).select_related("period"))
    made = []

    def note(sender, instance, **kwargs):
        made.append(instance)

    post_init.connect(note, sender=Measurement, weak=False)
    try:
        found = year_end_outlooks([cumulative_kpi], 2023)
    finally:
        post_init.disconnect(note, sender=Measurement)
    assert made == []
    assert found[cumulative_kpi.id] == outlook_of(cumulative_kpi, 2023, target=target, figures=figures)
    assert found[cumulative_kpi.id].now_rag == "green" and found[cumulative_kpi.id].forecast == D(650)


def test_target_profile_is_flat_unless_set(db):
    assert TargetFactory().profile == Target._meta.get_field("profile").default == "flat"


# -- the strategy file ------------------------------------------------------------------------------


def strategy_file(tmp_path, kpi_extra, target_extra):
    path = tmp_path / "strategy.yaml"
    path.write_text(f"""
strategy: {{slug: traj, name: Trajectory Strategy}}
objectives:
  - number: 1
    name: Places
    slug: places
    sub_strands:
      - slug: centres
        name: Centres
        kpis:
          - code: TC-01
            title: Footfall
            {kpi_extra}
            targets:
              - {{financial_year: 2023, kind: corporate, value: 640, is_primary: true, {target_extra}}}
""", encoding="utf-8")
    return path


def test_the_strategy_file_sets_a_kpis_accumulation_and_its_targets_trajectory(db, tmp_path):
    from reporting.loaders import load_fixture_files

    load_fixture_files([strategy_file(tmp_path, "accumulation: cumulative", "profile: periods, period_points: [100, 250, 450]")])
    target = Target.objects.get(kpi__code="TC-01")
    assert target.kpi.accumulation == "cumulative"
    assert (target.profile, target.period_points) == ("periods", ["100", "250", "450"])


def test_the_strategy_file_refuses_a_linear_trajectory_without_its_baseline(db, tmp_path):
    from reporting.loaders import FixtureError, load_fixture_files

    with pytest.raises(FixtureError, match="A linear trajectory starts from a baseline"):
        load_fixture_files([strategy_file(tmp_path, "", "profile: linear")])
    assert not Target.objects.exists()


def test_a_projection_is_as_precise_as_the_figures_it_is_made_from():
    whole = projection(accumulation="snapshot", figures=[(2020, 2, D(582)), (2021, 2, D(606)), (2022, 2, D("545.0000"))],
                       per_year=4, year=2023, cadence="quarterly")
    assert whole.value == whole.value.to_integral_value() and whole.value.as_tuple().exponent == 0  # not 522.167
    tenths = projection(accumulation="snapshot", figures=[(2023, 1, D("61.2")), (2023, 2, D("62.5"))], per_year=4,
                        year=2023, cadence="quarterly")
    assert tenths.value.as_tuple().exponent == -1
    run = projection(accumulation="cumulative", figures=[(2023, 1, D(100)), (2023, 3, D(250))], per_year=4, year=2023,
                     cadence="quarterly")
    assert run.value == D(333)  # 250 ÷ 3 × 4 = 333.33…, said as the figures are: whole
