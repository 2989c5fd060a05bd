"""A score on the council's matrix in words, its band and appetite: on the default 5 x 5 and on a
second council's 4 x 4 with its own words."""
import pytest

from reporting.models import RiskCategory, RiskMatrix
from reporting.risks import scoring
from tests.reporting.risks.helpers import council, four_by_four, make_risk

pytestmark = pytest.mark.django_db


def test_a_score_is_likelihood_times_impact():
    assert scoring.score(4, 4) == 16
    assert scoring.score(None, 3) is None


def test_a_score_in_words_on_the_default_matrix():
    matrix = RiskMatrix.for_council(council())
    found = scoring.score_of(matrix, 4, 4)
    assert found.words == "Likely (4) x Major (4) = 16, High"
    assert found.band.colour == "amber"


@pytest.mark.parametrize("likelihood, impact, band", [(1, 1, "Low"), (2, 2, "Low"), (1, 5, "Medium"), (3, 3, "Medium"),
                                                      (2, 5, "High"), (4, 4, "High"), (4, 5, "Very high"),
                                                      (5, 5, "Very high")])
def test_the_band_of_each_score_on_the_default_matrix(likelihood, impact, band):
    matrix = RiskMatrix.for_council(council())
    assert scoring.band_of(matrix, scoring.score(likelihood, impact)).name == band


def test_a_score_in_words_on_a_four_by_four_matrix():
    matrix = four_by_four()
    assert scoring.score_of(matrix, 3, 4).words == "Likely (3) x Critical (4) = 12, Act now"
    assert scoring.score_of(matrix, 2, 2).band.name == "Monitor"
    assert scoring.level_name(matrix, "likelihood", 4) == "Very likely"


def test_the_levels_and_bands_are_read_once_per_matrix(django_assert_num_queries):
    matrix = RiskMatrix.for_council(council())
    scoring.score_of(matrix, 1, 1)
    with django_assert_num_queries(0):
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                scoring.score_of(matrix, likelihood, impact)


def test_appetite_is_the_category_s_else_the_matrix_s():
    risk = make_risk()
    assert scoring.appetite_of(risk) == 9
    assert scoring.outside_appetite(risk, 10)
    assert not scoring.outside_appetite(risk, 9)
    assert not scoring.outside_appetite(risk, None)
    risk.category = RiskCategory.objects.create(matrix=risk.matrix, name="Financial", appetite_score=4)
    assert scoring.appetite_of(risk) == 4
    assert scoring.outside_appetite(risk, 5)
    risk.category = RiskCategory.objects.create(matrix=risk.matrix, name="Reputational")
    assert scoring.appetite_of(risk) == 9


def test_appetite_on_a_four_by_four_matrix():
    four_by_four()
    risk = make_risk(inherent_likelihood=3, inherent_impact=3, target_likelihood=1, target_impact=1)
    assert scoring.outside_appetite(risk, 8)
    assert scoring.beyond_tolerance(risk, 9)
    assert not scoring.beyond_tolerance(risk, 8)


def test_the_risk_s_scores_in_words():
    risk = make_risk(inherent_likelihood=5, inherent_impact=4, target_likelihood=2, target_impact=2)
    assert scoring.inherent_score(risk).words == "Almost certain (5) x Major (4) = 20, Very high"
    assert scoring.target_score(risk).words == "Unlikely (2) x Minor (2) = 4, Low"


def test_bands_that_cover_every_score_once_have_no_problem():
    assert scoring.band_problems([("Low", 1, 4), ("Medium", 5, 9), ("High", 10, 16), ("Very high", 20, 25)], 5, 5) == []
    assert scoring.band_problems([("Low", 1, 3), ("Mid", 4, 8), ("High", 9, 16)], 4, 4) == []


def test_a_gap_between_bands_is_named():
    problems = scoring.band_problems([("Low", 1, 4), ("High", 10, 25)], 5, 5)
    assert problems == ["No band covers the scores 5, 6, 8 and 9: every score from 1 to 25 must be in a band."]


def test_overlapping_bands_are_named():
    problems = scoring.band_problems([("Low", 1, 5), ("Medium", 4, 9), ("High", 10, 25)], 5, 5)
    assert problems == ["The bands “Low” and “Medium” overlap: the scores 4 and 5 would be in both."]


def test_a_band_that_ends_before_it_starts_is_named():
    assert scoring.band_problems([("Low", 4, 1)], 5, 5) == ["The band “Low” ends (1) below where it starts (4)."]


def test_the_scores_a_matrix_can_give():
    assert 17 not in scoring.possible_scores(5, 5)
    assert scoring.possible_scores(4, 4)[-1] == 16
