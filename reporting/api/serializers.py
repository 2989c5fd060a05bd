"""What each answer holds. Provenance notes (KPI source notes, governance notes) are for the
administrator and never leave through the API; nor do the approver's comments on returns sent back."""
from drf_spectacular.types import OpenApiTypes
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kpis.formatting import measurement_text
from kpis.freshness import State
from kpis.models import KPI, Measurement, Target
from kpis.rag import RAG, MilestoneStatus, rag_label
from objectives.council import council_name
from objectives.models import Action, GovernanceEvent, ReportingPeriod, StrategicObjective, Strategy, SubStrand
from reporting import access, statuses
from reporting.kpi_summaries import ASSURANCES, CAUSES, VARIATIONS, kpi_summaries
from reporting.models import ActionUpdate, FigureBreakdownItem, OutputFigure, QuarterlyReturn

class Choice(serializers.ChoiceField):
    """A choice's value, null for none: never an empty string (which no enum in the document has)."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices=[(value, label) for value, label in choices if value], allow_null=True,
                         read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None

    def get_attribute(self, instance):
        return super().get_attribute(instance) or None


class RagField(Choice):
    """A RAG status as its value (red, amber, green), null for none."""

    def __init__(self, **kwargs):
        super().__init__(RAG.choices, **kwargs)


@extend_schema_field({"type": "string", "nullable": True, "description": "Red, Amber or Green in words; null for none."})
class RagLabelField(serializers.Field):
    def to_representation(self, value):
        return rag_label(value) if value else None

    def get_attribute(self, instance):
        return super().get_attribute(instance) or None


class Answer(serializers.ModelSerializer):
    """Every field read-only, so that the OpenAPI document says each is always in the answer."""

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra


class StrategySerializer(Answer):
    """A council strategy; `council` is the council's name."""

    council = serializers.SerializerMethodField()

    class Meta:
        model = Strategy
        fields = ["id", "slug", "name", "council", "approved_on", "approved_by", "description"]

    def get_council(self, obj) -> str:
        return council_name()


class ObjectiveSerializer(Answer):
    """{objective.A} of a strategy."""

    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = StrategicObjective
        fields = ["id", "strategy", "number", "slug", "name", "description"]


class SubStrandSerializer(Answer):
    """{sub_strand.A}: the unit that reports each period."""

    objective_id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True, help_text="As the briefing note writes it.")
    reports_as_objective = serializers.BooleanField(
        read_only=True, help_text="{objective.The} has no {sub_strand.many_lower} and reports as one "
        "{sub_strand.one_lower} of its own name.")

    class Meta:
        model = SubStrand
        fields = ["id", "slug", "name", "full_name", "objective_id", "order", "reports_as_objective", "lead_service"]


class TargetSerializer(Answer):
    """A KPI's target for one financial year, of a kind."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Target
        fields = ["financial_year", "kind", "kind_label", "value", "description", "amber_tolerance", "is_primary"]


class KpiList(serializers.ListSerializer):
    """A page of KPIs, what their figures say read for the whole page at once (reporting.kpi_summaries)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.summaries = summaries_for(self.context["request"].user, items)
        return super().to_representation(items)


def summaries_for(user, kpis):
    """What the KPIs' figures say, from the figures this user may see (a reader: approved ones only), and
    their targets read with them (KpiViewSet)."""
    return kpi_summaries(kpis, figures=access.visible_measurements(user), today=timezone.localdate(),
                         targets=[t for kpi in kpis for t in kpi.targets.all()])


SUMMARY_FIELDS = {
    "variation": ([(v, v) for v in VARIATIONS],
                  "The variation verdict of the latest figure, as NHS England's Making Data Count gives it, from the figures "
                  "the token's user may see: common_cause, improving (special cause improving), concerning (special cause "
                  "concerning), neither (a special cause where the KPI has no better direction); not_enough_figures with "
                  "fewer than 13 figures (a run chart, no verdict); null for a milestone KPI."),
    "variation_words": ({"type": "string", "nullable": True},
                        "The variation verdict as the KPI page says it: 'Common cause variation: no significant change', "
                        "'Special cause variation: concerning', 'not enough figures yet (9 of 13)'; null for a milestone KPI."),
    "variation_figures": ({"type": "integer", "nullable": True},
                          "How many figures the variation is judged on (13 are needed); null for a milestone KPI."),
    "assurance": ([(a, a) for a in ASSURANCES],
                  "For a KPI with a target and a better direction, with 13 figures or more: passing (the target lies beyond "
                  "the process limits on the good side: consistently passing), hit_or_miss (between them), failing (beyond "
                  "them on the bad side: consistently failing); null for none."),
    "assurance_words": ({"type": "string", "nullable": True},
                        "The assurance verdict as the KPI page says it, or why there is none ('No verdict: there is no "
                        "target for the latest figure'); null with fewer than 13 figures or for a milestone KPI."),
    "next_figure_due": ({"type": "string", "format": "date", "nullable": True},
                        "When the KPI's next figure is due: the end of the period its latest figure is for, plus its "
                        "cadence and its data lag (for a figure not yet available, the date the officer expects it); "
                        "null with no figure."),
    "stale": ({"type": "boolean"}, "True when the next figure's due date has passed: the latest figure is out of date. "
                                   "A figure not yet available is never stale."),
    "freshness": ([(s.value, s.value) for s in State],
                  "due (up to date), stale, not_yet_available (the officer gave an expected date), no_figure; never null."),
    "freshness_words": ({"type": "string"}, "The freshness as the KPI page says it: 'Next figure due: 31 October 2023'."),
    "outlook_year": ({"type": "string", "nullable": True},
                     "The financial year the two statuses are for (the year the latest figure is for), e.g. 2023/24; "
                     "null where the KPI has none (a milestone, a contextual KPI, or no target for that year)."),
    "status_now": (RAG.choices,
                   "Now: the RAG the latest figure of the year shows, against its trajectory point: red, amber or green; "
                   "null where there is none (never for a contextual KPI)."),
    "status_now_label": ({"type": "string", "nullable": True}, "status_now in words: Red, Amber or Green."),
    "status_year_end": (RAG.choices,
                        "At the year's end: the forecast (year_end_forecast) rated against the year's target: red, amber "
                        "or green; null with no forecast or no target (never for a contextual KPI)."),
    "status_year_end_label": ({"type": "string", "nullable": True}, "status_year_end in words: Red, Amber or Green."),
    "year_end_forecast": ({"type": "number", "nullable": True},
                          "The figure the year's end is judged on: the officer's forecast where given, else the computed "
                          "projection; null for none."),
    "forecast_by": ([("officer", "officer"), ("computed", "computed")],
                    "Who forecast the year's end: officer (the officer's forecast on the return) or computed (the "
                    "product's projection: the run rate, or a straight line through the latest figures); null for none."),
    "outlook_words": ({"type": "string", "nullable": True},
                      "The two statuses as the pages say them: 'Amber now, forecast Green at year end (the officer's "
                      "forecast)'; null where the KPI has none."),
    # compared with similar councils (kpis.benchmarks: the KPI's published benchmark, its comparator group)
    "benchmark_period": ({"type": "string", "nullable": True},
                         "Compared with similar councils: the period of the comparison, the latest for which the council "
                         "and another council of its comparator group both have a published figure (as the source writes "
                         "it: 2022/23, 2023/24 Q1, 2023); null where there is no comparison (no benchmark, no comparator "
                         "group, no council code, or a milestone)."),
    "benchmark_group": ({"type": "string", "nullable": True}, "The comparator group's name; null without a comparison."),
    "benchmark_value": ({"type": "number", "nullable": True},
                        "The council's own published figure for that period; null without a comparison."),
    "benchmark_rank": ({"type": "integer", "nullable": True},
                       "The council's rank in its group, 1 the best by the KPI's direction (where lower is better, the "
                       "lowest); councils with the same figure share a rank; null without a comparison."),
    "benchmark_of": ({"type": "integer", "nullable": True},
                     "How many councils of the group (the council included) have a figure for that period."),
    "benchmark_quartile": ({"type": "integer", "nullable": True},
                           "The council's quartile, direction-aware: 1 the top (best) quartile, 4 the bottom; a figure "
                           "on a boundary is in the better quartile; null without a comparison."),
    "benchmark_median": ({"type": "number", "nullable": True}, "The group's median for that period (the council included)."),
    "benchmark_lower_quartile": ({"type": "number", "nullable": True},
                                 "The group's lower quartile, by the inclusive method (Excel's QUARTILE.INC)."),
    "benchmark_upper_quartile": ({"type": "number", "nullable": True},
                                 "The group's upper quartile, by the inclusive method (Excel's QUARTILE.INC)."),
    "benchmark_words": ({"type": "string", "nullable": True},
                        "The comparison as the KPI page says it: '4th of 16, second quartile; the group's median 61.2%'."),
    "benchmark_source": ({"type": "string", "nullable": True}, "Where the published figures are from."),
    "benchmark_licence": ({"type": "string", "nullable": True}, "The licence the published figures are under."),
}


SUMMARY_ATTRIBUTES = {"stale": "is_stale", "freshness": "freshness_state"}  # else the field's own name


def summary_of(field, kpi):
    """What a KPI's figures say (reporting.kpi_summaries.KPISummary), read for the whole page at once
    (KpiList), or for the one KPI asked for."""
    summaries = getattr(field.parent, "summaries", None)
    if summaries is None or kpi.id not in summaries:  # one KPI, not a page of them
        summaries = field.parent.summaries = summaries_for(field.context["request"].user, [kpi])
    return getattr(summaries[kpi.id], SUMMARY_ATTRIBUTES.get(field.field_name, field.field_name))


class SummaryField(serializers.Field):
    """One thing a KPI's figures say, its schema given with it (summary_field)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, kpi):
        return summary_of(self, kpi)


class SummaryChoice(Choice):
    """One thing a KPI's figures say, as one of its choices (an enum in the document), null for none."""

    def get_attribute(self, instance):
        return summary_of(self, instance)


def summary_field(name):
    """The field, with its description (and its schema, or its choices) in the OpenAPI document."""
    schema, help_text = SUMMARY_FIELDS[name]
    if isinstance(schema, list):
        return SummaryChoice(schema, help_text=help_text)
    return extend_schema_field({**schema, "description": help_text})(SummaryField(help_text=help_text))


class KpiSerializer(Answer):
    """A KPI with its targets, and what its figures say (from the figures the token's user may see): its variation
    and assurance (NHS England's Making Data Count), when its next figure is due or that its latest is stale, and its
    two statuses, now and at the year's end."""

    sub_strand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cadence = Choice(KPI.DataCadence.choices, help_text="How often the figure comes; null where the source does not say.")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = KPI
        list_serializer_class = KpiList
        fields = ["id", "code", "title", "description", "sub_strand", "kind", "unit", "direction", "cadence", "data_source",
                  "order", "is_active", "targets"]
        extra_kwargs = {"kind": {"help_text": "targeted: rated red, amber or green against its target; contextual: a volume "
                                              "or context measure, its trend and variation shown, never rated (its figures' "
                                              "rag is always null); milestone: rated from its milestone status."}}

    def get_fields(self):
        """The model's fields, then what the KPI's figures say (SUMMARY_FIELDS, each described)."""
        return {**super().get_fields(), **{name: summary_field(name) for name in SUMMARY_FIELDS}}


class GovernanceEventSerializer(Answer):
    """One of a period's governance events: a meeting or briefing, its date (or how often it recurs)
    and who it is for."""

    class Meta:
        model = GovernanceEvent
        fields = ["name", "date", "frequency", "audience"]


class PeriodSerializer(Answer):
    """A strategy's reporting period (a financial-year {kinds}, as the strategy's cadence says), its
    deadline and its governance events."""

    slug = serializers.SlugField(read_only=True, help_text="Its address, e.g. {slugs}.")
    label = serializers.CharField(read_only=True, help_text="e.g. {labels}")
    number = serializers.IntegerField(read_only=True, help_text="Its place in the financial year: {numbers}.")
    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    events = GovernanceEventSerializer(many=True, read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "slug", "label", "strategy", "cadence", "financial_year", "number", "start_date", "end_date",
                  "state", "dashboard_deadline", "events"]


class ReturnList(serializers.ListSerializer):
    """A page of returns, their baselines found in one query (reporting.statuses.baselines_of)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.baselines = statuses.baselines_of(self.context["request"].user, items)
        return super().to_representation(items)


class ReturnSerializer(Answer):
    """{sub_strand.A}'s return for a period: overall status, commentary and where it is in the workflow,
    and its movement against its baseline, as every page tells it."""

    period = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The period's address, e.g. {slugs}.")
    sub_strand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    overall_status = RagField(source="overall_rag")
    overall_status_label = RagLabelField(source="overall_rag")
    movement = serializers.SerializerMethodField(
        help_text="How the overall status moved against its baseline: the latest earlier status that the "
                  "token's user may see as approved (never a draft): up, down or same; null with no status or no baseline.")
    movement_words = serializers.SerializerMethodField(
        help_text="The movement as the pages write it: 'Improved', 'No change', or 'Worsened since' and the period it is compared with.")
    compared_with = serializers.SerializerMethodField(help_text="The reporting period of the baseline; null for none.")

    class Meta:
        model = QuarterlyReturn
        list_serializer_class = ReturnList
        fields = ["id", "period", "sub_strand", "state", "overall_status", "overall_status_label", "commentary",
                  "rag_explanation", "revision", "submitted_at", "approved_at", "updated_at", "is_synthetic",
                  "movement", "movement_words", "compared_with"]

    def _movement(self, ret):
        baselines = getattr(self, "baselines", None)
        if baselines is None or ret.id not in baselines:  # one return, not a page of them
            baselines = statuses.baselines_of(self.context["request"].user, [ret])
        return statuses.movement(ret, baselines[ret.id])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_movement(self, ret):
        return self._movement(ret).direction

    @extend_schema_field({"type": "string", "nullable": True})
    def get_movement_words(self, ret):
        move = self._movement(ret)
        return move.words if move.direction else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_compared_with(self, ret):
        baseline = self._movement(ret).baseline
        return baseline.slug if baseline is not None else None


class FigureList(serializers.ListSerializer):
    """A page of figures, their KPIs' charts read for the whole page at once (reporting.kpi_summaries)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.summaries = figure_summaries(self.context["request"].user, items)
        return super().to_representation(items)


def figure_summaries(user, figures):
    """What the figures' KPIs' figures say, from the figures this user may see."""
    kpis = list({m.kpi_id: m.kpi for m in figures}.values())
    return kpi_summaries(kpis, figures=access.visible_measurements(user), today=timezone.localdate())


class FigureSerializer(Answer):
    """A KPI's figure: reported in one period, for the period the data is for, with the RAG shown, and
    its point on the KPI's chart (special cause or common cause)."""

    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sub_strand = serializers.SlugRelatedField(source="kpi.sub_strand", slug_field="slug", read_only=True)
    reported_in = serializers.SlugRelatedField(source="period", slug_field="slug", read_only=True,
                                               help_text="The reporting period the figure was reported in.")
    value_text = serializers.SerializerMethodField(help_text="The figure as the pages write it: '£35m', 'Not yet available'.")
    milestone_status = Choice(MilestoneStatus.choices, help_text="For a milestone KPI; null for the others.")
    rag = RagField(help_text="The RAG shown: frozen at approval, else the officer's override, else the rules'.")
    rag_label = RagLabelField(source="rag")
    rag_overridden = serializers.SerializerMethodField(
        help_text="True when an officer set the RAG shown by judgement instead of the rules (the reason is in "
                  "override_reason, what the rules say in rag_by_rules); false when the rules set it.")
    override_reason = serializers.SerializerMethodField(
        help_text="Why the officer set the RAG shown, as they wrote it; null when the rules set it.")
    rag_by_rules = RagField(
        source="rag_calculated", help_text="The RAG the rules give (target, direction and tolerance), whether or not an officer set another: "
                  "red, amber or green; null where the rules give none (rag_basis says why).")
    rag_note = serializers.SerializerMethodField(
        help_text="The override in words, as the pages show it beside the RAG: 'Set by the officer: <reason>. The rules "
                  "say Amber.'; null when the rules set the RAG.")
    approved = serializers.SerializerMethodField(help_text="Approved with its return (and frozen).")
    special_cause = serializers.SerializerMethodField(
        help_text="The figure's point on the KPI's XmR chart (NHS England's Making Data Count), drawn from every figure of "
                  "the KPI the token's user may see: common_cause, improvement, concern or neither (a special cause where "
                  "the KPI has no better direction); null where the KPI has fewer than 13 figures, is a milestone, or the "
                  "figure is not yet available.")
    special_cause_words = serializers.SerializerMethodField(
        help_text="special_cause as the KPI page's variation table says it: 'Common cause', 'Special cause: concern'; null "
                  "where special_cause is.")

    class Meta:
        model = Measurement
        list_serializer_class = FigureList
        fields = ["id", "kpi", "sub_strand", "reported_in", "value", "value_text", "milestone_status", "not_available",
                  "expected_date", "data_for", "data_for_end", "rag", "rag_label", "rag_overridden", "override_reason",
                  "rag_by_rules", "rag_basis", "rag_note", "commentary", "approved", "frozen_target", "is_synthetic",
                  "updated_at", "special_cause", "special_cause_words"]
        extra_kwargs = {"data_for": {"help_text": "The period the data is for, e.g. Calendar year 2022."},
                        "rag_basis": {"help_text": "How the rules reached their RAG (rag_by_rules), or why they give "
                                                   "none, e.g. No target and no previous year to compare with."}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_value_text(self, measurement):
        return measurement_text(measurement, missing="")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_approved(self, measurement):
        return measurement.frozen_at is not None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_rag_overridden(self, measurement):
        return measurement.is_overridden

    @extend_schema_field({"type": "string", "nullable": True})
    def get_override_reason(self, measurement):
        override = measurement.override
        return override.reason if override else None

    def _cause(self, measurement):
        summaries = getattr(self, "summaries", None)
        if summaries is None or measurement.kpi_id not in summaries:  # one figure, not a page of them
            summaries = self.summaries = figure_summaries(self.context["request"].user, [measurement])
        return summaries[measurement.kpi_id].cause_of(measurement.id)

    @extend_schema_field({"type": "string", "nullable": True, "enum": [*CAUSES, None]})
    def get_special_cause(self, measurement):
        return self._cause(measurement)[0]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_special_cause_words(self, measurement):
        return self._cause(measurement)[1]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_rag_note(self, measurement):
        override = measurement.override
        return override.note if override else None


class BreakdownSerializer(Answer):
    """One line of an output figure's breakdown."""

    class Meta:
        model = FigureBreakdownItem
        fields = ["label", "value"]


class OutputFigureSerializer(Answer):
    """An output figure of an action-plan update: 'over 1,532 job opportunities'."""

    qualifier = Choice(OutputFigure.Qualifier.choices, help_text="more_than, over, nearly, up_to; null for an exact figure.")
    breakdown = BreakdownSerializer(many=True, read_only=True)

    class Meta:
        model = OutputFigure
        fields = ["label", "qualifier", "value", "unit", "rising_to", "is_projected", "period_covered", "note", "breakdown"]


class ActionSerializer(Answer):
    """A numbered recommendation or action of a plan."""

    class Meta:
        model = Action
        fields = ["id", "number", "title", "wording", "owner", "timescale"]


class PlanUpdateSerializer(Answer):
    """Progress on one action of an action plan in one update round."""

    plan = serializers.SlugRelatedField(source="action.plan", slug_field="slug", read_only=True)
    round = serializers.SlugRelatedField(source="plan_update", slug_field="slug", read_only=True)
    round_title = serializers.CharField(source="plan_update.title", read_only=True)
    as_at = serializers.DateField(source="plan_update.as_at", read_only=True)
    action = ActionSerializer(read_only=True)
    status = Choice(Action.Status.choices, help_text="The action's status in this update; null where none was given.")
    figures = OutputFigureSerializer(many=True, read_only=True)

    class Meta:
        model = ActionUpdate
        fields = ["id", "plan", "round", "round_title", "as_at", "action", "status", "state", "narrative",
                  "approved_at", "updated_at", "figures"]
