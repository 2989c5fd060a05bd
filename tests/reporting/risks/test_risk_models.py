"""The risk register's models: the default matrix, and the invariants clean() and the database keep."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives.models import Council
from reporting.models import Risk, RiskBand, RiskLevel, RiskMatrix, RiskReview
from tests.factories import ObjectiveFactory, PeriodFactory, StrategyFactory
from tests.reporting.risks.helpers import council, four_by_four, make_risk

pytestmark = pytest.mark.django_db


def test_the_default_matrix_is_five_by_five_in_words():
    matrix = RiskMatrix.for_council(council())
    assert [level.name for level in matrix.likelihood_levels()] == [
        "Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    assert [level.name for level in matrix.impact_levels()] == [
        "Insignificant", "Minor", "Moderate", "Major", "Severe"]
    assert [(b.name, b.lowest_score, b.highest_score, b.colour) for b in matrix.bands.order_by("order")] == [
        ("Low", 1, 4, "green"), ("Medium", 5, 9, "yellow"), ("High", 10, 16, "amber"), ("Very high", 20, 25, "red")]
    assert (matrix.appetite_score, matrix.tolerance_score) == (9, 15)


def test_every_score_the_default_matrix_can_give_is_in_exactly_one_band():
    matrix = RiskMatrix.for_council(council())
    bands = list(matrix.bands.all())
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            assert len([b for b in bands if b.lowest_score <= score <= b.highest_score]) == 1, score


def test_the_matrix_is_made_once():
    first = RiskMatrix.for_council(council())
    again = RiskMatrix.for_council(council())
    assert first.pk == again.pk
    assert RiskLevel.objects.count() == 10
    assert RiskBand.objects.count() == 4


def test_the_matrix_is_made_for_a_council_not_yet_saved():
    matrix = RiskMatrix.for_council(Council(name="Anytown Borough Council"))
    assert matrix.council.pk is not None
    assert Council.objects.count() == 1


def test_a_four_by_four_matrix_is_its_own_size():
    matrix = four_by_four()
    assert RiskMatrix.for_council(council()).pk == matrix.pk
    assert [level.name for level in matrix.likelihood_levels()][-1] == "Very likely"
    assert matrix.highest_score == 16


def test_a_level_is_one_per_value_on_each_axis():
    matrix = RiskMatrix.for_council(council())
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskLevel.objects.create(matrix=matrix, axis="impact", value=3, name="Another")


def test_a_band_cannot_end_below_its_start():
    matrix = RiskMatrix.for_council(council())
    band = RiskBand(matrix=matrix, name="Odd", lowest_score=9, highest_score=4, colour="red")
    with pytest.raises(ValidationError):
        band.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        band.save()


def test_the_tolerance_is_not_below_the_appetite():
    matrix = RiskMatrix.for_council(council())
    matrix.tolerance_score = 5
    with pytest.raises(ValidationError) as raised:
        matrix.full_clean()
    assert "tolerance" in str(raised.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        matrix.save()


def test_a_risk_reference_is_unique_in_its_strategy_only():
    make_risk(reference="SR1")
    make_risk(reference="SR1", strategy=StrategyFactory(name="Other", slug="other"))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_risk(reference="SR1")


def test_a_risk_score_must_be_a_level_of_the_matrix():
    risk = make_risk()
    risk.inherent_likelihood = 6
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert "inherent_likelihood" in raised.value.message_dict
    assert "1 to 5" in raised.value.message_dict["inherent_likelihood"][0]


def test_on_a_four_by_four_matrix_five_is_not_a_level():
    four_by_four()
    risk = make_risk(inherent_impact=4)
    risk.full_clean()
    risk.inherent_impact = 5
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert "1 to 4" in raised.value.message_dict["inherent_impact"][0]


def test_a_score_of_zero_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_risk(target_impact=0)


def test_a_risk_objective_is_of_its_strategy():
    risk = make_risk()
    risk.objective = ObjectiveFactory(strategy=StrategyFactory(name="Other", slug="other"))
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert "objective" in raised.value.message_dict


def test_a_risk_says_if_then():
    risk = make_risk(cause="Interest rates stay high", effect="Schemes are delayed")
    assert risk.if_then == "If interest rates stay high, then schemes are delayed"


def test_a_risk_has_an_address():
    risk = make_risk()
    assert risk.get_absolute_url() == f"/risks/{risk.strategy.slug}/SR1/"


def test_one_review_per_risk_per_period():
    risk = make_risk()
    period = PeriodFactory(strategy=risk.strategy)
    RiskReview.objects.create(risk=risk, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskReview.objects.create(risk=risk, period=period)


def test_a_submitted_review_has_a_score():
    risk = make_risk()
    period = PeriodFactory(strategy=risk.strategy)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskReview.objects.create(risk=risk, period=period, state="submitted")


def test_a_review_period_is_of_the_risk_strategy():
    risk = make_risk()
    other = PeriodFactory(strategy=StrategyFactory(name="Other", slug="other"))
    review = RiskReview(risk=risk, period=other, current_likelihood=2, current_impact=2)
    with pytest.raises(ValidationError) as raised:
        review.full_clean()
    assert "period" in raised.value.message_dict


def test_a_review_score_must_be_a_level_of_the_matrix():
    risk = make_risk()
    review = RiskReview(risk=risk, period=PeriodFactory(strategy=risk.strategy), current_likelihood=7,
                        current_impact=2)
    with pytest.raises(ValidationError) as raised:
        review.full_clean()
    assert "current_likelihood" in raised.value.message_dict


def test_a_risk_kpis_are_linked_both_ways():
    from tests.factories import KPIFactory

    risk = make_risk()
    kpi = KPIFactory()
    risk.kpis.add(kpi)
    assert list(kpi.risks.all()) == [risk]
    assert Risk.objects.filter(kpis=kpi).count() == 1


def test_a_risk_sub_strand_is_of_its_objective_in_the_council_s_words():
    from objectives.models import Council
    from tests.factories import SubStrandFactory

    Council.objects.update_or_create(key=1, defaults={"name": "Anytown Borough Council", "sub_strand_one": "Theme",
                                                      "sub_strand_many": "Themes"})
    risk = make_risk()
    risk.objective = ObjectiveFactory(strategy=risk.strategy)
    risk.sub_strand = SubStrandFactory(objective=ObjectiveFactory(strategy=risk.strategy))
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert raised.value.message_dict["sub_strand"][0].startswith("The theme belongs to another ")
