from decimal import Decimal

import pytest

from kpis.rag import RAG, compare_to_bar, movement, rag_label, rate, suggested_overall


def test_higher_is_better_at_or_above_target_is_green():
    assert rate(direction="higher", value=640, target=640).rag == RAG.GREEN
    assert rate(direction="higher", value=700, target=640).rag == RAG.GREEN


def test_higher_is_better_within_tolerance_is_amber():
    # 5% of 640 is 32: 608 is the last Amber value.
    assert rate(direction="higher", value=608, target=640, tolerance_percent=5).rag == RAG.AMBER
    assert rate(direction="higher", value=639, target=640, tolerance_percent=5).rag == RAG.AMBER


def test_higher_is_better_beyond_tolerance_is_red():
    assert rate(direction="higher", value=607, target=640, tolerance_percent=5).rag == RAG.RED


def test_lower_is_better():
    assert rate(direction="lower", value=10, target=12).rag == RAG.GREEN
    assert rate(direction="lower", value=12, target=12).rag == RAG.GREEN
    assert rate(direction="lower", value=Decimal("12.6"), target=12, tolerance_percent=5).rag == RAG.AMBER
    assert rate(direction="lower", value=Decimal("12.61"), target=12, tolerance_percent=5).rag == RAG.RED


def test_tolerance_is_set_per_target():
    assert rate(direction="higher", value=90, target=100, tolerance_percent=10).rag == RAG.AMBER
    assert rate(direction="higher", value=90, target=100, tolerance_percent=5).rag == RAG.RED
    assert rate(direction="higher", value=99, target=100, tolerance_percent=0).rag == RAG.RED


def test_no_target_previous_years_value_is_the_bar():
    rating = rate(direction="higher", value=1200, previous_value=1100)
    assert rating.rag == RAG.GREEN
    assert "previous year" in rating.basis
    assert rate(direction="higher", value=1000, previous_value=1100).rag == RAG.RED
    assert rate(direction="higher", value=1050, previous_value=1100).rag == RAG.AMBER


def test_no_target_and_no_previous_year_is_not_rated():
    rating = rate(direction="higher", value=1200)
    assert rating.rag is None
    assert rating.label == "Not rated"


def test_milestone_kpis_follow_their_status():
    assert rate(direction="milestone", milestone_status="achieved").rag == RAG.GREEN
    assert rate(direction="milestone", milestone_status="on_track").rag == RAG.GREEN
    assert rate(direction="milestone", milestone_status="at_risk").rag == RAG.AMBER
    assert rate(direction="milestone", milestone_status="missed").rag == RAG.RED
    assert rate(direction="milestone", milestone_status="not_started").rag is None
    assert rate(direction="milestone").rag is None


def test_not_yet_available_is_not_rated_whatever_the_target():
    rating = rate(direction="higher", value=None, target=640, not_available=True)
    assert rating.rag is None
    assert rating.basis == "Figure not yet available"


def test_missing_figure_is_not_the_same_as_not_available():
    assert rate(direction="higher", target=640).basis == "No figure entered"


def test_officer_override_wins_with_its_reason():
    rating = rate(direction="higher", value=100, target=640, override="amber", override_reason="Data lag")
    assert rating.rag == RAG.AMBER
    assert "Data lag" in rating.basis


def test_override_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="reason"):
        rate(direction="higher", value=100, target=640, override="green", override_reason="  ")


def test_override_must_be_a_rag_value():
    with pytest.raises(ValueError):
        rate(direction="higher", value=100, target=640, override="purple", override_reason="x")


def test_compare_to_bar_refuses_a_milestone_direction():
    with pytest.raises(ValueError):
        compare_to_bar(1, 1, "milestone")


def test_suggested_overall_from_the_kpi_mix():
    assert suggested_overall([]) is None
    assert suggested_overall([None, None]) is None
    assert suggested_overall(["green", "green"]) == RAG.GREEN
    assert suggested_overall(["green", "amber"]) == RAG.AMBER
    assert suggested_overall(["green", "green", "red"]) == RAG.AMBER
    assert suggested_overall(["green", "red"]) == RAG.RED


def test_movement_and_words():
    assert movement("amber", "green") == "up"
    assert movement("green", "red") == "down"
    assert movement("amber", "amber") == "same"
    assert movement(None, "green") is None
    assert rag_label("amber") == "Amber"
    assert rag_label("") == "Not rated"


def test_a_milestone_moves_along_its_own_order_not_only_its_colour():
    """Achieved to On track is Green to Green, but a step back: it used to say "No change"."""
    from kpis.rag import figure_movement

    assert figure_movement("green", "green", previous_milestone="achieved", current_milestone="on_track") == "down"
    assert figure_movement("green", "green", previous_milestone="on_track", current_milestone="achieved") == "up"
    assert figure_movement("amber", "amber", previous_milestone="at_risk", current_milestone="at_risk") == "same"
    assert figure_movement(None, "amber", previous_milestone="not_started", current_milestone="at_risk") == "down"
    assert figure_movement("green", "green") == "same"  # a figure that is not a milestone: by its RAG


def test_the_review_queue_labels_a_milestone_that_went_back_as_worsened():
    from kpis.models import KPI, Measurement
    from reporting.returns.review import KpiChange

    kpi = KPI(code="DIG-01", title="Infrastructure", unit="milestone", direction="milestone")
    before = Measurement(kpi=kpi, milestone_status="achieved", rag_calculated="green")
    now = Measurement(kpi=kpi, milestone_status="on_track", rag_calculated="green")
    assert KpiChange(kpi, now, before).movement_word == "Worsened"
