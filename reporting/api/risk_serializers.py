"""What the API's risks and risk reviews hold. A score is given as its numbers and in words, with its
band by name (reporting.risks.scoring: "Likely (4) x Major (4) = 16, High"), never a colour alone.
The approver's reasons for sending a review back never leave through the API."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting.api.serializers import Answer, Choice
from reporting.models import Risk, RiskAction, RiskReview, WorkflowState
from reporting.risks.report import score_of

SCORE_SCHEMA = {
    "type": "object", "nullable": True,
    "description": "A score on the council's matrix: likelihood x impact, each level by number and name, the score, "
                   "its band by name, and the whole in words ('Likely (4) x Major (4) = 16, High'); null with none.",
    "properties": {
        "likelihood": {"type": "integer"}, "likelihood_name": {"type": "string"},
        "impact": {"type": "integer"}, "impact_name": {"type": "string"},
        "score": {"type": "integer"}, "band": {"type": "string", "nullable": True},
        "words": {"type": "string"},
    },
}


def score_answer(matrix, likelihood, impact):
    found = score_of(matrix, likelihood, impact)
    if found is None:
        return None
    return {"likelihood": found.likelihood, "likelihood_name": found.likelihood_name, "impact": found.impact,
            "impact_name": found.impact_name, "score": found.score, "band": found.band.name if found.band else None,
            "words": found.words}


@extend_schema_field(SCORE_SCHEMA)
class ScoreField(serializers.Field):
    """A score of the risk's (`likelihood`, `impact` fields of the object)."""

    def __init__(self, likelihood, impact, risk=None, **kwargs):
        self.names, self.risk_path = (likelihood, impact), risk
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, obj):
        matrix = self.context.get("matrix")
        if matrix is None:  # read once for the answer (the views give it: WithMatrix)
            matrix = self.context["matrix"] = (getattr(obj, self.risk_path) if self.risk_path else obj).matrix
        return score_answer(matrix, getattr(obj, self.names[0]), getattr(obj, self.names[1]))


class RiskActionSerializer(Answer):
    """A planned action that brings the risk towards its target score."""

    status = Choice(RiskAction.Status.choices)

    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date", "status"]


class RiskSerializer(Answer):
    """A strategy's risk: if <cause>, then <effect>; its owner, category, inherent and target scores,
    controls, actions and the KPIs that warn of it. Its current score is its reviews'."""

    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    inherent = ScoreField("inherent_likelihood", "inherent_impact", help_text="Before the controls.")
    target = ScoreField("target_likelihood", "target_impact", help_text="After the planned actions.")
    kpis = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True,
                                        help_text="The codes of the KPIs that warn of it.")
    actions = RiskActionSerializer(many=True, read_only=True)

    class Meta:
        model = Risk
        fields = ["id", "strategy", "reference", "title", "cause", "effect", "objective_id", "sub_strand_id",
                  "owner_title", "category", "inherent", "target", "controls", "actions", "kpis",
                  "next_review_date", "exempt"]


class RiskReviewSerializer(Answer):
    """A risk's review in a reporting period: its current score, direction of travel, commentary and
    the actions' progress. Readers see approved and published reviews only."""

    risk = serializers.IntegerField(source="risk_id", read_only=True)
    reference = serializers.CharField(source="risk.reference", read_only=True)
    period = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The period's address, e.g. {slugs}.")
    state = Choice(WorkflowState.choices)
    current = ScoreField("current_likelihood", "current_impact", risk="risk", help_text="After the controls in place.")
    direction = Choice(RiskReview.Direction.choices)

    class Meta:
        model = RiskReview
        fields = ["id", "risk", "reference", "period", "state", "current", "direction", "commentary",
                  "actions_progress", "approved_at", "updated_at"]
