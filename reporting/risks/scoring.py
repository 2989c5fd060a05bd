"""A risk's score on the council's matrix, written once: the score (likelihood x impact), its band,
the appetite and tolerance it is judged against, the levels' words, and whether a matrix's bands
cover every score it can give. Every page, paper, import and the API ask here."""
from dataclasses import dataclass


def score(likelihood, impact):
    """Likelihood x impact (None when either is not given)."""
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


def _parts(matrix):
    """The matrix's levels ({(axis, value): level}) and bands (lowest first), read once per matrix object."""
    parts = getattr(matrix, "_scoring_parts", None)
    if parts is None:
        levels = {(level.axis, level.value): level for level in matrix.levels.all()}
        bands = sorted(matrix.bands.all(), key=lambda band: (band.lowest_score, band.order))
        parts = matrix._scoring_parts = (levels, bands)
    return parts


def band_of(matrix, score):
    """The band the score falls in (a RiskBand), or None (no score, or a score no band covers)."""
    if score is None:
        return None
    for band in _parts(matrix)[1]:
        if band.lowest_score <= score <= band.highest_score:
            return band
    return None


def level_name(matrix, axis, value):
    """The council's word for a level ("Likely"); the number itself where the matrix has no such level."""
    level = _parts(matrix)[0].get((axis, value))
    return level.name if level is not None else str(value)


def appetite_of(risk):
    """The score a risk's current score is judged against: its category's appetite, else its matrix's."""
    if risk.category_id and risk.category.appetite_score is not None:
        return risk.category.appetite_score
    return risk.matrix.appetite_score


def outside_appetite(risk, score):
    """Is the score above the risk's appetite? (No score: not outside.)"""
    return score is not None and score > appetite_of(risk)


def beyond_tolerance(risk, score):
    """Is the score above the matrix's tolerance? (No score: not beyond.)"""
    return score is not None and score > risk.matrix.tolerance_score


@dataclass(frozen=True)
class Score:
    """One score on the matrix, with its words: "Likely (4) x Major (4) = 16, High"."""

    likelihood: int
    impact: int
    score: int
    band: object  # a RiskBand, or None where no band covers the score
    likelihood_name: str
    impact_name: str

    @property
    def band_name(self):
        return self.band.name if self.band is not None else "No band"

    @property
    def colour(self):
        return self.band.colour if self.band is not None else ""

    @property
    def words(self):
        return (f"{self.likelihood_name} ({self.likelihood}) x {self.impact_name} ({self.impact}) = {self.score}, "
                f"{self.band_name}")

    def __str__(self):
        return self.words


def score_of(matrix, likelihood, impact):
    """The Score of a likelihood and an impact on the matrix, or None when either is not given."""
    value = score(likelihood, impact)
    if value is None:
        return None
    return Score(likelihood=likelihood, impact=impact, score=value, band=band_of(matrix, value),
                 likelihood_name=level_name(matrix, "likelihood", likelihood),
                 impact_name=level_name(matrix, "impact", impact))


def inherent_score(risk):
    return score_of(risk.matrix, risk.inherent_likelihood, risk.inherent_impact)


def target_score(risk):
    return score_of(risk.matrix, risk.target_likelihood, risk.target_impact)


def current_score(review):
    """A review's current score (None before the owner has given both)."""
    return score_of(review.risk.matrix, review.current_likelihood, review.current_impact)


def possible_scores(likelihood_size, impact_size):
    """Every score a matrix of that size can give (1 to 25 on a 5 x 5, but never 17, 18 or 19)."""
    return sorted({lik * imp for lik in range(1, likelihood_size + 1) for imp in range(1, impact_size + 1)})


def _listed(numbers):
    numbers = [str(n) for n in numbers]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


def band_problems(bands, likelihood_size, impact_size):
    """What is wrong with a matrix's bands, in words (empty when each score the matrix can give is in
    exactly one band). `bands`: (name, lowest, highest) for each band."""
    problems = []
    bands = sorted(bands, key=lambda band: (band[1], band[2]))
    for name, lowest, highest in bands:
        if lowest is not None and highest is not None and highest < lowest:
            problems.append(f"The band “{name}” ends ({highest}) below where it starts ({lowest}).")
    if problems:
        return problems
    scores = possible_scores(likelihood_size, impact_size)
    uncovered = [s for s in scores if not any(low <= s <= high for _, low, high in bands)]
    if uncovered:
        problems.append(f"No band covers the score{'s' if len(uncovered) > 1 else ''} {_listed(uncovered)}: every "
                        f"score from 1 to {scores[-1] if scores else 0} must be in a band.")
    for i, (name, low, high) in enumerate(bands):
        for other, other_low, other_high in bands[i + 1:]:
            shared = [s for s in range(max(low, other_low), min(high, other_high) + 1)]
            if shared:
                problems.append(f"The bands “{name}” and “{other}” overlap: the score{'s' if len(shared) > 1 else ''} "
                                f"{_listed(shared)} would be in both.")
    return problems
