"""KPI definitions, their targets and the figures reported against them."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from kpis.numbers import figure_field
from kpis.rag import CONTEXTUAL_BASIS, RAG, RAG_VALUES, Direction, MilestoneStatus, Rating, override_of, rag_label, rate
from objectives.models import ComparatorGroup, LocalAuthority, ReportingPeriod, SubStrand
from objectives.text import is_blank


NO_LATER_FIGURE = 2**31 - 1  # the next-figure key of a KPI's latest figure: later than any period


class Accumulation(models.TextChoices):
    """How a KPI's figures through a year add up (kpis.trajectory: its projection to the year's end)."""

    SNAPSHOT = "snapshot", "Snapshot: each figure stands on its own"
    CUMULATIVE = "cumulative", "Cumulative: each figure is the year to date"


class Profile(models.TextChoices):
    """How a year's target is spread across its periods (kpis.trajectory.trajectory_point)."""

    FLAT = "flat", "Flat: every period is measured against the year's target"
    LINEAR = "linear", "Linear: from a baseline at the start of the year to the target at its end"
    PERIODS = "periods", "Set period by period"


class KPI(models.Model):
    class Kind(models.TextChoices):
        """How a KPI is judged: the one answer (a milestone's unit and direction follow from it)."""

        TARGETED = "targeted", "Targeted: rated against its target"
        CONTEXTUAL = "contextual", "Contextual: its trend and variation, never rated"
        MILESTONE = "milestone", "Milestone: rated from its milestone status"

    class Unit(models.TextChoices):
        NUMBER = "number", "Number"
        PERCENT = "percent", "Per cent"
        GBP = "gbp", "£"
        SQM = "sqm", "Square metres"
        FTE = "fte", "FTE jobs"
        YEARS = "years", "Years"
        MILESTONE = "milestone", "Milestone"

    class DataCadence(models.TextChoices):
        """How often a KPI's data comes (its source's rhythm), not how often its strategy reports
        (objectives.cadence, a strategy's reporting cadence)."""

        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        HALF_YEARLY = "half_yearly", "Half-yearly"
        ANNUAL = "annual", "Annual"
        ACADEMIC_YEAR = "academic_year", "Academic year"

    sub_strand = models.ForeignKey(SubStrand, on_delete=models.PROTECT, related_name="kpis")
    code = models.SlugField(max_length=20, unique=True, help_text="Short reference, e.g. HOU-02.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(
        "kind of indicator", max_length=12, choices=Kind.choices, default=Kind.TARGETED,
        help_text="Targeted: rated Red, Amber or Green against its target. Contextual: a volume or context measure, "
                  "its trend and variation shown, never rated. Milestone: rated from its milestone status.",
    )
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(max_length=12, choices=Direction.choices, default=Direction.HIGHER)
    cadence = models.CharField(max_length=16, choices=DataCadence.choices, blank=True)
    data_lag_months = models.PositiveSmallIntegerField(
        "data lag (months)", default=0, validators=[MaxValueValidator(36)],
        help_text="How many months after the end of the period a figure is for it arrives (e.g. 6 for calendar-year "
        "figures published the next summer). With the cadence, it says when the next figure is due and when the "
        "latest is stale.",
    )
    data_source = models.CharField(max_length=300, blank=True)
    source_notes = models.TextField(blank=True, help_text="Where a detail was inferred rather than stated in the source.")
    order = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    accumulation = models.CharField(
        "how its figures add up", max_length=12, choices=Accumulation.choices, default=Accumulation.SNAPSHOT,
        help_text="Cumulative: each figure is the year to date (Q2's figure counts April to September). "
                  "Snapshot: each figure stands on its own.",
    )

    class Meta:
        ordering = ["sub_strand__objective__number", "sub_strand__order", "order"]
        verbose_name = "KPI"
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="milestone", unit="milestone") | (~Q(direction="milestone") & ~Q(unit="milestone"))),
                name="kpi_milestone_unit_iff_milestone_direction",
            ),
            models.CheckConstraint(condition=Q(direction__in=["higher", "lower", "milestone"]), name="kpi_direction_valid"),
            models.CheckConstraint(condition=Q(kind__in=["targeted", "contextual", "milestone"]), name="kpi_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="milestone", direction="milestone") | (~Q(kind="milestone") & ~Q(direction="milestone"))),
                name="kpi_milestone_kind_iff_milestone_direction",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        milestone = {self.kind == self.Kind.MILESTONE, self.unit == self.Unit.MILESTONE, self.direction == Direction.MILESTONE}
        if len(milestone) > 1:
            raise ValidationError({"kind": "A milestone KPI has the kind, unit and direction “Milestone”; any other KPI none of them."})

    def save(self, *args, **kwargs):
        """A targeted KPI written with the milestone unit and direction is a milestone (the way a KPI
        was made a milestone before it had a kind); one of the milestone kind written with the default
        unit and direction has the milestone ones. Any other mix is refused (clean, the constraints)."""
        if self.kind == self.Kind.TARGETED and self.unit == self.Unit.MILESTONE and self.direction == Direction.MILESTONE:
            self.kind = self.Kind.MILESTONE
        if self.kind == self.Kind.MILESTONE and (self.unit, self.direction) == (self.Unit.NUMBER, Direction.HIGHER):
            self.unit, self.direction = self.Unit.MILESTONE, Direction.MILESTONE
        super().save(*args, **kwargs)
        if self.kind == self.Kind.CONTEXTUAL:
            strip_ratings(self)

    @property
    def is_milestone(self):
        return self.kind == self.Kind.MILESTONE

    @property
    def is_contextual(self):
        """Never rated, never counted in a RAG total (kpis.rag.rate says "Contextual: not rated")."""
        return self.kind == self.Kind.CONTEXTUAL

    @property
    def no_rating_words(self):
        """What a page says where a figure's RAG would be when it has none ('Contextual: not rated')."""
        return rag_label(None, kind=self.kind)

    def get_absolute_url(self):
        return reverse("kpi", args=[self.code])


class Target(models.Model):
    """A KPI's target for one financial year, of a kind; a year may have several (Local Plan 640, standard method 587)."""

    class Kind(models.TextChoices):
        LOCAL_PLAN = "local_plan", "Local Plan requirement"
        STANDARD_METHOD = "standard_method", "Government standard method"
        CONTRACTUAL = "contractual", "Contractual"
        CORPORATE = "corporate", "Corporate performance"
        ASPIRATION = "aspiration", "Aspiration"

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2023 for 2023/24.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = figure_field(3, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True, help_text="e.g. Local Plan average annual requirement 2012–2030")
    amber_tolerance = models.DecimalField(
        "Amber tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="How far short of the target, in per cent of it, is still Amber rather than Red.",
    )
    is_primary = models.BooleanField(default=True, help_text="The target the RAG is measured against.")
    # The trajectory: how the year's target is spread across its periods (kpis.trajectory). Flat (the
    # default) measures every period against the year's target, as before profiles existed.
    profile = models.CharField("trajectory", max_length=8, choices=Profile.choices, default=Profile.FLAT)
    baseline = figure_field(3, null=True, blank=True, help_text="Linear trajectory: the figure at the start of the year.")
    period_points = models.JSONField(
        "points period by period", default=list, blank=True,
        help_text="Set period by period: the trajectory's point for each period but the last (the year's target), "
                  "in order, as numbers.",
    )

    class Meta:
        ordering = ["kpi", "financial_year", "-is_primary", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "financial_year", "kind"], name="one_target_per_kpi_year_kind"),
            models.UniqueConstraint(
                fields=["kpi", "financial_year"], condition=Q(is_primary=True), name="one_primary_target_per_kpi_year"
            ),
            models.CheckConstraint(condition=Q(amber_tolerance__gte=0), name="amber_tolerance_not_negative"),
            models.CheckConstraint(condition=Q(profile__in=["flat", "linear", "periods"]), name="target_profile_valid"),
            models.CheckConstraint(condition=~Q(profile="linear") | Q(baseline__isnull=False),
                                   name="linear_trajectory_has_a_baseline"),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.financial_year}: {self.value} ({self.get_kind_display()})"

    def clean(self):
        from kpis.trajectory import profile_problems

        problems = profile_problems(profile=self.profile, baseline=self.baseline, points=self.period_points)
        if problems:
            raise ValidationError(problems)


class Measurement(models.Model):
    """A KPI's figure reported in a period, with the period the data is *for* (figures often lag)."""

    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="measurements")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="measurements", help_text="The period it was reported in."
    )
    value = figure_field(3, null=True, blank=True)
    milestone_status = models.CharField(max_length=12, choices=MilestoneStatus.choices, blank=True)
    data_for = models.CharField(
        "period the data is for", max_length=100, blank=True, help_text="e.g. Calendar year 2022, 2022/23, Q1 2023/24"
    )
    data_for_end = models.DateField(null=True, blank=True, help_text="Last day of the period the data is for.")
    not_available = models.BooleanField("not yet available", default=False)
    expected_date = models.DateField(null=True, blank=True, help_text="When a figure not yet available is expected.")
    rag_calculated = models.CharField(max_length=6, choices=RAG.choices, blank=True)
    rag_basis = models.CharField(max_length=300, blank=True)
    rag_override = models.CharField(max_length=6, choices=RAG.choices, blank=True)
    override_reason = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    # The officer's forecast of the figure at the year's end, with its reason (kpis.trajectory.year_end_outlooks).
    forecast_value = figure_field(3, verbose_name="year-end forecast", null=True, blank=True)
    forecast_reason = models.TextField("reason for the forecast", blank=True)
    # Frozen when the return is approved, so that a later change of target never re-rates history.
    frozen_target = figure_field(3, null=True, blank=True)
    frozen_target_kind = models.CharField(max_length=20, blank=True)
    frozen_tolerance = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    frozen_rag = models.CharField(max_length=6, choices=RAG.choices, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False, help_text="Demonstration data, not the council's.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where the figure stands in its KPI's series, kept by save() and delete() (see `index_figures`),
    # so that "each KPI's latest figure as at a period" is a plain filter (kpis.figures.latest_as_at):
    # the period's place in time, and that of the KPI's next figure, and of its next approved figure.
    period_key = models.PositiveIntegerField(default=0, editable=False)
    next_figure_key = models.PositiveIntegerField(default=NO_LATER_FIGURE, editable=False, db_index=True)
    next_approved_key = models.PositiveIntegerField(default=NO_LATER_FIGURE, editable=False, db_index=True)

    class Meta:
        ordering = ["kpi", "period"]
        # Each KPI's latest approved figure as at a period (kpis.figures.latest_as_at: the review
        # queue's baselines, the briefing's) found by a seek per KPI rather than a walk of its series.
        indexes = [models.Index(fields=["kpi", "next_approved_key"], name="figure_kpi_next_approved")]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_measurement_per_kpi_per_period"),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(override_reason=""), name="override_needs_a_reason"
            ),
            models.CheckConstraint(
                condition=Q(not_available=False) | Q(value__isnull=True), name="not_available_has_no_value"
            ),
            models.CheckConstraint(condition=Q(forecast_value__isnull=True) | ~Q(forecast_reason=""),
                                   name="forecast_needs_a_reason"),
            models.CheckConstraint(condition=Q(rag_override__in=["", *RAG_VALUES]), name="rag_override_valid"),
            models.CheckConstraint(condition=Q(rag_calculated__in=["", *RAG_VALUES]), name="rag_calculated_valid"),
            models.CheckConstraint(condition=Q(frozen_rag__in=["", *RAG_VALUES]), name="frozen_rag_valid"),
        ]

    def __str__(self):
        return f"{self.kpi.code} in {self.period}"

    def clean(self):
        errors = {}
        if self.rag_override and is_blank(self.override_reason):
            errors["override_reason"] = "Give a reason for overriding the RAG status."
        if self.not_available and self.value is not None:
            errors["value"] = "A figure that is not yet available cannot have a value."
        if self.kpi_id and self.kpi.is_milestone and self.value is not None:
            errors["value"] = "A milestone KPI has a milestone status, not a number."
        if self.kpi_id and self.kpi.is_contextual and self.rag_override:
            errors["rag_override"] = f"{self.kpi.code} is a contextual KPI: it is not rated, so it has no status to override."
        if errors:
            raise ValidationError(errors)

    @property
    def is_frozen(self):
        return self.frozen_at is not None

    def save(self, *args, **kwargs):
        self.period_key = self.period.order_key
        super().save(*args, **kwargs)
        index_figures([self.kpi_id])

    def delete(self, *args, **kwargs):
        kpi_id = self.kpi_id
        result = super().delete(*args, **kwargs)
        index_figures([kpi_id])
        return result

    @staticmethod
    def shown_rag_expression():
        """`rag` in SQL, for filtering in the database (e.g. only the KPIs off target)."""
        from django.db.models import Case, F, Value, When
        from django.db.models.functions import Coalesce, NullIf

        return Case(
            When(frozen_at__isnull=False, then=NullIf(F("frozen_rag"), Value(""))),
            default=Coalesce(NullIf(F("rag_override"), Value("")), NullIf(F("rag_calculated"), Value(""))),
        )

    @property
    def rag(self):
        """The RAG to show: frozen at approval, else the officer's override, else the rules'."""
        if self.is_frozen:
            return self.frozen_rag or None
        return self.rag_override or self.rag_calculated or None

    @property
    def rag_label(self):
        return rag_label(self.rag)

    @property
    def override(self):
        """The officer's override behind the RAG shown (a kpis.rag.Override: its reason, and what the
        rules say), or None when the rules' RAG is shown. Every page, document, workbook, API answer
        and open-data file that shows a figure's RAG asks this, so that an override is always said."""
        return override_of(shown=self.rag, override=self.rag_override or None, reason=self.override_reason,
                           rules_rag=self.rag_calculated or None, rules_basis=self.rag_basis)

    @property
    def is_overridden(self):
        return self.override is not None

    @property
    def has_figure(self):
        return self.value is not None or bool(self.milestone_status) or self.not_available

    def rating(self, context):
        """Apply the RAG rules to this measurement (it is not saved), against what `context` (a
        kpis.figures.RatingContext) says it is compared with."""
        return rate(
            kind=self.kpi.kind,
            direction=self.kpi.direction,
            value=self.value,
            target=context.bar if context.target is not None else None,
            tolerance_percent=context.tolerance,
            previous_value=context.previous_value,
            not_available=self.not_available,
            milestone_status=self.milestone_status or None,
            target_basis=context.bar_label if context.target is not None else "Against target",
        )

    def apply_rating(self, rating: Rating):
        self.rag_calculated = rating.rag or ""
        self.rag_basis = rating.basis[:300]


REASON_MAX_LENGTH = 2_000


class ChangeOfProcess(models.Model):
    """A change of process recorded by the coordinating team: from the figure for `period`, the KPI's
    variation limits are worked out again from that figure on (kpis.spc, a recalculation point),
    with the reason said on the KPI's page. Recorded and removed through reporting.steps
    (RECORD_CHANGE_OF_PROCESS, REMOVE_CHANGE_OF_PROCESS); the history keeps who and when."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="changes_of_process")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               help_text="The limits are recalculated from this period's figure on.")
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "period__end_date"]
        verbose_name_plural = "changes of process"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_change_of_process_per_kpi_period"),
            models.CheckConstraint(condition=~Q(reason=""), name="change_of_process_has_a_reason"),
        ]

    def __str__(self):
        return f"{self.kpi.code}: change of process from {self.period.label}"

    def clean(self):
        if is_blank(self.reason):
            raise ValidationError({"reason": "Give the reason for the change of process."})
        if len(self.reason) > REASON_MAX_LENGTH:
            raise ValidationError({"reason": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."})


def index_figures(kpi_ids):
    """Recompute where each figure of these KPIs stands in its series (`next_figure_key`,
    `next_approved_key`): called by every save and delete, and by bulk writes that bypass them.
    Two queries per call (one read, one bulk update of what changed), whatever the history's length."""
    rows = list(
        Measurement.objects.filter(kpi_id__in=set(kpi_ids)).order_by("kpi_id", "-period_key")
        .only("id", "kpi_id", "period_key", "value", "milestone_status", "not_available", "frozen_at",
              "next_figure_key", "next_approved_key")
    )
    changed, kpi, next_any, next_approved = [], None, NO_LATER_FIGURE, NO_LATER_FIGURE
    for m in rows:  # newest first within each KPI
        if m.kpi_id != kpi:
            kpi, next_any, next_approved = m.kpi_id, NO_LATER_FIGURE, NO_LATER_FIGURE
        if (m.next_figure_key, m.next_approved_key) != (next_any, next_approved):
            m.next_figure_key, m.next_approved_key = next_any, next_approved
            changed.append(m)
        if m.has_figure:
            next_any = m.period_key
            if m.frozen_at is not None:
                next_approved = m.period_key
    if changed:
        Measurement.objects.bulk_update(changed, ["next_figure_key", "next_approved_key"], batch_size=500)


def strip_ratings(kpi):
    """A contextual KPI's figures carry no RAG (none by the rules, no override, none frozen at
    approval), so that no total anywhere counts them: Measurement.rag, and `shown_rag_expression` in
    SQL, are None for them. Asked when a KPI is saved as contextual; each figure changed is saved
    (the history records it). One query when there is nothing to change."""
    rated = Measurement.objects.filter(kpi=kpi).exclude(rag_calculated="", rag_override="", frozen_rag="")
    for m in rated:
        m.rag_calculated, m.rag_basis, m.rag_override, m.override_reason, m.frozen_rag = "", CONTEXTUAL_BASIS, "", "", ""
        m.save(update_fields=["rag_calculated", "rag_basis", "rag_override", "override_reason", "frozen_rag", "updated_at"])


class Licence(models.TextChoices):
    """The licence published comparison data comes under: only an open one goes into the open data."""

    OGL = "ogl-3", "Open Government Licence v3.0"
    CC_BY = "cc-by-4", "Creative Commons Attribution 4.0"
    CC0 = "cc0", "CC0 (public domain)"
    NOT_OPEN = "not-open", "Another licence (not republished in the open data)"


OPEN_LICENCES = frozenset({Licence.OGL, Licence.CC_BY, Licence.CC0})
BENCHMARK_PLACES = 6  # published figures are kept to six decimal places (rounded half to even)


class Benchmark(models.Model):
    """A KPI's published comparison data (one set per KPI): where it is from, under which licence, the
    date of the data, and the comparator group it is read against (None: the council's first group).
    Written only by the benchmark import (reporting/benchmarks/); read by kpis.benchmarks."""

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="benchmark")
    source = models.CharField(max_length=300, help_text="e.g. “LG Inform: Employment rate - aged 16-64 (metric 126)”.")
    licence = models.CharField(max_length=10, choices=Licence.choices)
    published_on = models.DateField("date of the data", help_text="The day the source published or updated it.")
    group = models.ForeignKey(ComparatorGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name="comparator group",
                              help_text="The group its figures are read against. Empty: the first comparator group.")
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["kpi"]
        constraints = [models.CheckConstraint(condition=Q(licence__in=[c.value for c in Licence]),
                                              name="benchmark_licence_valid")]

    def __str__(self):
        return f"{self.kpi.code}: {self.source}"

    @property
    def is_open(self):
        """May the open data republish it (an open licence)?"""
        return self.licence in OPEN_LICENCES


class BenchmarkFigure(models.Model):
    """One council's published figure for a period, as the source has it ("2022/23"), with the period's
    last day (the order of periods)."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="figures")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=40)
    period_end = models.DateField()
    value = figure_field(BENCHMARK_PLACES)

    class Meta:
        ordering = ["benchmark", "period_end", "authority"]
        constraints = [models.UniqueConstraint(fields=["benchmark", "authority", "period"],
                                               name="one_benchmark_figure_per_council_and_period")]

    def __str__(self):
        return f"{self.authority.code} {self.period}: {self.value}"
