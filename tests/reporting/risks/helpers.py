"""Small builders for the risk register's tests: a risk on the council's matrix, a second matrix of 4 x 4."""
from objectives.models import Council
from reporting.models import Risk, RiskBand, RiskLevel, RiskMatrix
from tests.factories import StrategyFactory

FOUR_BY_FOUR_LIKELIHOOD = ["Very unlikely", "Unlikely", "Likely", "Very likely"]
FOUR_BY_FOUR_IMPACT = ["Low", "Medium", "Serious", "Critical"]


def council(name="Anytown Borough Council"):
    found, _ = Council.objects.get_or_create(key=1, defaults={"name": name})
    return found


def four_by_four():
    """A second council's matrix: 4 x 4, its own words and three bands (1-3, 4-8, 9-16), appetite 6."""
    matrix = RiskMatrix.objects.create(council=council(), name="Corporate risk matrix", appetite_score=6,
                                       tolerance_score=8, appetite_words="Within appetite")
    for axis, names in (("likelihood", FOUR_BY_FOUR_LIKELIHOOD), ("impact", FOUR_BY_FOUR_IMPACT)):
        for value, name in enumerate(names, start=1):
            RiskLevel.objects.create(matrix=matrix, axis=axis, value=value, name=name)
    for order, (name, low, high, colour) in enumerate(
            [("Tolerable", 1, 3, "green"), ("Monitor", 4, 8, "amber"), ("Act now", 9, 16, "red")], start=1):
        RiskBand.objects.create(matrix=matrix, name=name, lowest_score=low, highest_score=high, colour=colour,
                                order=order)
    return matrix


def make_risk(*, strategy=None, reference="SR1", owner=None, **fields):
    council()
    values = {"title": "Investment slows", "cause": "Interest rates stay high", "effect": "Schemes are delayed",
              "inherent_likelihood": 4, "inherent_impact": 4, "target_likelihood": 2, "target_impact": 3}
    values.update(fields)
    return Risk.objects.create(strategy=strategy or StrategyFactory(), reference=reference, owner=owner, **values)
