"""The risk register: the council's likelihood x impact matrix (as data), the strategy's risks, their
actions, and each risk's review in each reporting period (part of reporting.models, in a file of its
own). The rules about a score (its band, appetite, words) live in reporting.risks.scoring."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse

from reporting.workflow_states import WORKFLOW_STATE_VALUES, WorkflowState

from objectives.council import council, words
from objectives.models import Council, ReportingPeriod, StrategicObjective, Strategy, SubStrand

AXES = ("likelihood", "impact")

# The default matrix, made the first time a council's matrix is asked for: 5 x 5, four bands that
# cover every score that can occur (a score is likelihood x impact: 17, 18 and 19 cannot), appetite 9
# and tolerance 15.
DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT = ["Insignificant", "Minor", "Moderate", "Major", "Severe"]
DEFAULT_BANDS = [("Low", 1, 4, "green"), ("Medium", 5, 9, "yellow"), ("High", 10, 16, "amber"),
                 ("Very high", 20, 25, "red")]
DEFAULT_APPETITE = 9
DEFAULT_TOLERANCE = 15


class RiskMatrix(models.Model):
    """The council's risk matrix: its size is its levels (likelihood and impact), its bands say how
    serious each score is, and its appetite and tolerance lines are scores in the council's words."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="risk_matrix")
    name = models.CharField(max_length=200, default="Risk matrix")
    appetite_score = models.PositiveSmallIntegerField(
        default=DEFAULT_APPETITE,
        help_text="A risk whose current score is above this is outside the council's risk appetite.")
    appetite_words = models.CharField(max_length=200, default="Within risk appetite",
                                      help_text="How the council says a risk is within its appetite.")
    tolerance_score = models.PositiveSmallIntegerField(
        default=DEFAULT_TOLERANCE, help_text="A risk whose current score is above this is beyond the council's tolerance.")
    tolerance_words = models.CharField(max_length=200, default="Within risk tolerance",
                                       help_text="How the council says a risk is within its tolerance.")

    class Meta:
        verbose_name_plural = "risk matrices"
        constraints = [
            models.CheckConstraint(condition=Q(appetite_score__gte=1), name="risk_appetite_at_least_one"),
            models.CheckConstraint(condition=Q(tolerance_score__gte=F("appetite_score")),
                                   name="risk_tolerance_not_below_appetite"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.appetite_score is not None and self.tolerance_score is not None \
                and self.tolerance_score < self.appetite_score:
            raise ValidationError({"tolerance_score": "The tolerance cannot be below the appetite: a risk beyond "
                                   "the appetite may still be within the tolerance, never the other way round."})

    @classmethod
    def for_council(cls, council=None):
        """The council's matrix, made as the default 5 x 5 the first time it is asked for."""
        if council is None or council.pk is None:
            name = getattr(council, "name", None) or "The council"
            council, _ = Council.objects.get_or_create(key=1, defaults={"name": name})
        found = cls.objects.filter(council=council).first()
        if found is not None:
            return found
        with transaction.atomic():
            matrix, created = cls.objects.get_or_create(council=council)
            if created:  # saved one by one, so that the audit and the data version see each
                for axis, names in (("likelihood", DEFAULT_LIKELIHOOD), ("impact", DEFAULT_IMPACT)):
                    for value, name in enumerate(names, start=1):
                        RiskLevel.objects.create(matrix=matrix, axis=axis, value=value, name=name)
                for order, (name, lowest, highest, colour) in enumerate(DEFAULT_BANDS, start=1):
                    RiskBand.objects.create(matrix=matrix, name=name, lowest_score=lowest, highest_score=highest,
                                            colour=colour, order=order)
        return matrix

    def likelihood_levels(self):
        return self._levels("likelihood")

    def impact_levels(self):
        return self._levels("impact")

    def _levels(self, axis):
        cached = getattr(self, "_prefetched_objects_cache", {}).get("levels")
        if cached is not None:
            return sorted((level for level in cached if level.axis == axis), key=lambda level: level.value)
        return list(self.levels.filter(axis=axis).order_by("value"))

    def size(self, axis):
        """How many levels the axis has (5 on a 5 x 5)."""
        return len(self._levels(axis))

    @property
    def highest_score(self):
        return self.size("likelihood") * self.size("impact")


class RiskLevel(models.Model):
    """One level of one axis of the matrix: 'Likely' (4) on the likelihood axis."""

    class Axis(models.TextChoices):
        LIKELIHOOD = "likelihood", "Likelihood"
        IMPACT = "impact", "Impact"

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="levels")
    axis = models.CharField(max_length=10, choices=Axis.choices)
    value = models.PositiveSmallIntegerField(help_text="1 for the lowest level, counting up.")
    name = models.CharField(max_length=100, help_text="The council's word for the level, e.g. “Likely”.")
    description = models.TextField(blank=True, help_text="What the level means, e.g. “more likely than not within "
                                   "the year”.")

    class Meta:
        ordering = ["matrix", "axis", "value"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "axis", "value"], name="one_risk_level_per_value"),
            models.CheckConstraint(condition=Q(axis__in=list(AXES)), name="risk_level_axis_valid"),
            models.CheckConstraint(condition=Q(value__gte=1), name="risk_level_value_at_least_one"),
        ]

    def __str__(self):
        return f"{self.name} ({self.value})"


class RiskBand(models.Model):
    """A band of scores (inclusive): 'High', 10 to 16, amber. Always shown by its name as well as
    its colour."""

    class Colour(models.TextChoices):
        GREEN = "green", "Green"
        YELLOW = "yellow", "Yellow"
        AMBER = "amber", "Amber"
        RED = "red", "Red"

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=100)
    lowest_score = models.PositiveSmallIntegerField()
    highest_score = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=8, choices=Colour.choices)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["matrix", "lowest_score"]
        constraints = [
            models.CheckConstraint(condition=Q(lowest_score__gte=1), name="risk_band_lowest_at_least_one"),
            models.CheckConstraint(condition=Q(highest_score__gte=F("lowest_score")), name="risk_band_in_order"),
            models.CheckConstraint(condition=Q(colour__in=["green", "yellow", "amber", "red"]),
                                   name="risk_band_colour_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.lowest_score} to {self.highest_score})"

    def clean(self):
        if self.lowest_score is not None and self.highest_score is not None and self.highest_score < self.lowest_score:
            raise ValidationError({"highest_score": "The highest score of a band cannot be below its lowest."})


class RiskCategory(models.Model):
    """A kind of risk (financial, reputational…), with its own appetite where it differs from the matrix's."""

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    appetite_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the matrix's appetite.")

    class Meta:
        ordering = ["matrix", "name"]
        verbose_name_plural = "risk categories"
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="risk_category_name_unique"),
            models.CheckConstraint(condition=Q(appetite_score__isnull=True) | Q(appetite_score__gte=1),
                                   name="risk_category_appetite_at_least_one"),
        ]

    def __str__(self):
        return self.name


SCORE_FIELDS = (("inherent_likelihood", "likelihood"), ("inherent_impact", "impact"),
                ("target_likelihood", "likelihood"), ("target_impact", "impact"))


def _check_levels(matrix, pairs):
    """{field: message} for each (field, axis, value) whose value is not a level of the matrix's axis."""
    errors = {}
    sizes = {axis: matrix.size(axis) for axis in AXES}
    for field, axis, value in pairs:
        if value is not None and not 1 <= value <= sizes[axis]:
            errors[field] = (f"The {axis} must be one of the matrix's levels, 1 to {sizes[axis]}; "
                             f"{value} is not one of them.")
    return errors


class Risk(models.Model):
    """A strategy's risk (and optionally an objective's or sub-strand's): "if <cause>, then <effect>",
    its owner, category, controls, and its inherent and target scores on the council's matrix (the
    current score is its reviews')."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="risks")
    objective = models.ForeignKey(StrategicObjective, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="risks")
    sub_strand = models.ForeignKey(SubStrand, null=True, blank=True, on_delete=models.PROTECT, related_name="risks")
    reference = models.CharField(max_length=20, help_text="e.g. SR1: unique within the strategy.")
    title = models.CharField(max_length=300)
    cause = models.TextField(blank=True, help_text="If … (what might happen)")
    effect = models.TextField(blank=True, help_text="then … (what would follow)")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_risks")
    owner_title = models.CharField(max_length=200, blank=True, help_text="The owner's role or service.")
    category = models.ForeignKey(RiskCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="risks")
    inherent_likelihood = models.PositiveSmallIntegerField(help_text="Before the controls.")
    inherent_impact = models.PositiveSmallIntegerField(help_text="Before the controls.")
    target_likelihood = models.PositiveSmallIntegerField(help_text="After the planned actions.")
    target_impact = models.PositiveSmallIntegerField(help_text="After the planned actions.")
    controls = models.TextField(blank=True, help_text="The controls in place.")
    next_review_date = models.DateField(null=True, blank=True)
    exempt = models.BooleanField(default=False, help_text="Not for publication: never on a public page or paper.")
    kpis = models.ManyToManyField("kpis.KPI", blank=True, related_name="risks",
                                  help_text="The KPIs that warn of it.")
    order = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["strategy", "order", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "reference"], name="risk_reference_unique_in_strategy"),
            *[models.CheckConstraint(condition=Q(**{f"{field}__gte": 1}), name=f"risk_{field}_at_least_one")
              for field, _ in SCORE_FIELDS],
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("risk-detail", args=[self.strategy.slug, self.reference])

    @property
    def if_then(self):
        """'If <cause>, then <effect>' (the cause or effect alone when the other is blank)."""
        cause, effect = (self.cause or "").strip(), (self.effect or "").strip()
        if cause and effect:
            return f"If {cause[:1].lower() + cause[1:]}, then {effect[:1].lower() + effect[1:]}"
        return cause or effect

    @property
    def matrix(self):
        """The council's matrix (one per deployment), read once per risk."""
        if not hasattr(self, "_matrix"):
            self._matrix = RiskMatrix.for_council(council())
        return self._matrix

    @matrix.setter
    def matrix(self, matrix):
        """Given the matrix already read (with its levels), so that many risks read it once."""
        self._matrix = matrix

    def clean(self):
        errors = {}
        if self.objective_id and self.strategy_id and self.objective.strategy_id != self.strategy_id:
            errors["objective"] = words("The {objective.one_lower} belongs to another strategy.")
        if self.sub_strand_id:
            if self.strategy_id and self.sub_strand.objective.strategy_id != self.strategy_id:
                errors["sub_strand"] = words("The {sub_strand.one_lower} belongs to another strategy.")
            elif self.objective_id and self.sub_strand.objective_id != self.objective_id:
                errors["sub_strand"] = words("The {sub_strand.one_lower} belongs to another {objective.one_lower}.")
        if self.category_id and self.category.matrix_id != self.matrix.pk:
            errors["category"] = "The category belongs to another council's matrix."
        errors.update(_check_levels(self.matrix, [(f, axis, getattr(self, f)) for f, axis in SCORE_FIELDS]))
        if errors:
            raise ValidationError(errors)


class RiskAction(models.Model):
    """A planned action that brings a risk towards its target score."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["risk", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["not_started", "in_progress", "complete"]),
                                   name="risk_action_status_valid"),
        ]

    def __str__(self):
        return self.description[:80]


class RiskReview(models.Model):
    """A risk's review in a reporting period: its current score, direction of travel, commentary and
    the actions' progress; through the same workflow as a return (reporting.workflow RISK_REVIEW).
    Every approved review is a row, so a risk's scores over time are its approved reviews; the
    changes to each are kept by the audit (django-auditlog), as a return's are."""

    class Direction(models.TextChoices):
        INCREASING = "increasing", "Risk increasing"
        STABLE = "stable", "No change"
        DECREASING = "decreasing", "Risk decreasing"

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="reviews")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="risk_reviews")
    state = models.CharField(max_length=12, choices=WorkflowState.choices, default=WorkflowState.DRAFT)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    current_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    direction = models.CharField("direction of travel", max_length=12, choices=Direction.choices, blank=True)
    commentary = models.TextField(blank=True)
    actions_progress = models.TextField("actions' progress", blank=True)
    # Each action's status as the owner gives it in this review ({action id: status}): kept with the
    # review, seen with it, and written to the actions only when the review is approved
    # (reporting.risks.services.approve_review), so readers see the statuses of the latest approved review.
    action_statuses = models.JSONField("actions' statuses", default=dict, blank=True)
    # The risk's next review date as the owner gives it in this review (None: not given, the risk's
    # stays): kept with the review and written to the risk only when the review is approved
    # (reporting.risks.services.approve_review), as each action's status is.
    next_review_date = models.DateField("next review date", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    returned_reason = models.TextField(blank=True, help_text="The approver's reason when sending it back.")

    class Meta:
        ordering = ["risk", "period"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "period"], name="one_review_per_risk_per_period"),
            models.CheckConstraint(
                condition=Q(state__in=WORKFLOW_STATE_VALUES),
                name="risk_review_state_valid"),
            models.CheckConstraint(condition=Q(current_likelihood__isnull=True) | Q(current_likelihood__gte=1),
                                   name="risk_review_likelihood_at_least_one"),
            models.CheckConstraint(condition=Q(current_impact__isnull=True) | Q(current_impact__gte=1),
                                   name="risk_review_impact_at_least_one"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"])
                | Q(current_likelihood__isnull=False, current_impact__isnull=False),
                name="submitted_risk_review_has_score"),
            models.CheckConstraint(condition=Q(direction__in=["", "increasing", "stable", "decreasing"]),
                                   name="risk_review_direction_valid"),
        ]

    def __str__(self):
        return f"{self.risk.reference} – {self.period}"

    def clean(self):
        errors = {}
        if self.risk_id and self.period_id and self.period.strategy_id != self.risk.strategy_id:
            errors["period"] = f"{self.period} is a period of another strategy."
        if self.risk_id:
            errors.update(_check_levels(self.risk.matrix, [
                ("current_likelihood", "likelihood", self.current_likelihood),
                ("current_impact", "impact", self.current_impact)]))
            problem = self._action_statuses_problem()
            if problem:
                errors["action_statuses"] = problem
        if errors:
            raise ValidationError(errors)

    def _action_statuses_problem(self):
        """What is wrong with `action_statuses` (an action of another risk, a status not listed), or ''."""
        given = self.action_statuses
        if not given:
            return ""
        if not isinstance(given, dict):
            return "The actions' statuses could not be read."
        theirs = {str(pk) for pk in RiskAction.objects.filter(risk_id=self.risk_id).values_list("pk", flat=True)}
        if not set(map(str, given)) <= theirs:
            return "An action given a status is not one of this risk's actions."
        if not set(given.values()) <= set(RiskAction.Status.values):
            return "Choose one of the statuses listed for each action."
        return ""

    def next_review_date_given(self):
        """The next review date as given in this review, else the risk's own (the latest approved)."""
        return self.next_review_date or self.risk.next_review_date

    def status_of(self, action):
        """The action's status as given in this review, else its own (the latest approved)."""
        return (self.action_statuses or {}).get(str(action.pk), action.status)

    def get_absolute_url(self):
        return reverse("risk-review", args=[self.risk.strategy.slug, self.risk.reference, self.period.slug])
