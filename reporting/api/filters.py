"""The query parameters each list takes (django-filter): by slug or code, as the pages' addresses are."""
import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting.models import ActionUpdate, QuarterlyReturn, Risk, RiskReview, WorkflowState


BIGGEST_ID = 2**63 - 1


class WholeNumber(django_filters.NumberFilter):
    """A whole number between bounds, documented as such (django-filter's own takes any decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, least, most, **kwargs):
        super().__init__(*args, min_value=least, max_value=most, **kwargs)
        self.least, self.most = least, most


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGGEST_ID})
class IdFilter(WholeNumber):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, least=1, most=BIGGEST_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2999})
class YearFilter(WholeNumber):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, least=1900, most=2999, **kwargs)


class Strict(django_filters.FilterSet):
    """A choice or number given empty (`?state=`) is refused, not taken as no filter: the OpenAPI
    document allows no empty value for them. Text parameters given empty are no filter."""

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if not isinstance(filter_, django_filters.CharFilter) and self.data.get(name) == "":
                self.form.add_error(name, "Give a value, or leave this parameter out.")
                valid = False
        return valid


def by(field, help_text):
    return django_filters.CharFilter(field_name=field, help_text=help_text)


class ObjectiveFilter(Strict):
    strategy = by("strategy__slug", "A strategy's slug.")

    class Meta:
        model = StrategicObjective
        fields = ["strategy"]


class SubStrandFilter(Strict):
    strategy = by("objective__strategy__slug", "A strategy's slug.")
    objective_id = IdFilter(field_name="objective_id", help_text="{objective.A}'s id.")

    class Meta:
        model = SubStrand
        fields = ["strategy", "objective_id"]


class KpiFilter(Strict):
    code = by("code", "A KPI's code, e.g. HOU-02.")
    sub_strand = by("sub_strand__slug", "{sub_strand.A}'s slug, e.g. housing.")

    class Meta:
        model = KPI
        fields = ["code", "sub_strand"]


class PeriodFilter(Strict):
    financial_year = YearFilter(help_text="The year the financial year starts: 2023 for 2023/24.")
    state = django_filters.ChoiceFilter(choices=ReportingPeriod.State.choices)
    strategy = by("strategy__slug", "The strategy's slug, e.g. the first strategy's.")

    class Meta:
        model = ReportingPeriod
        fields = ["financial_year", "state", "strategy"]


class ReturnFilter(Strict):
    period = by("period__slug", "The reporting period's slug, e.g. {slugs}.")
    sub_strand = by("sub_strand__slug", "{sub_strand.A}'s slug, e.g. housing.")
    state = django_filters.ChoiceFilter(choices=WorkflowState.choices)

    class Meta:
        model = QuarterlyReturn
        fields = ["period", "sub_strand", "state"]


class FigureFilter(Strict):
    reported_in = by("period__slug", "The reporting period the figure was reported in, e.g. {slugs}.")
    kpi = by("kpi__code", "A KPI's code, e.g. HOU-02.")
    sub_strand = by("kpi__sub_strand__slug", "{sub_strand.A}'s slug, e.g. housing.")

    class Meta:
        model = Measurement
        fields = ["reported_in", "kpi", "sub_strand"]


class PlanUpdateFilter(Strict):
    plan = by("action__plan__slug", "An action plan's slug, e.g. employment.")
    round = by("plan_update__slug", "An update round's slug, e.g. 2017-12.")
    state = django_filters.ChoiceFilter(choices=WorkflowState.choices)

    class Meta:
        model = ActionUpdate
        fields = ["plan", "round", "state"]


class RiskFilter(Strict):
    strategy = by("strategy__slug", "A strategy's slug.")
    reference = by("reference", "A risk's reference, e.g. SR1.")

    class Meta:
        model = Risk
        fields = ["strategy", "reference"]


class RiskReviewFilter(Strict):
    strategy = by("risk__strategy__slug", "A strategy's slug.")
    risk = IdFilter(field_name="risk_id", help_text="A risk's id.")
    period = by("period__slug", "A period's slug, e.g. {slugs}.")
    state = django_filters.ChoiceFilter(choices=WorkflowState.choices, help_text="A review's state.")

    class Meta:
        model = RiskReview
        fields = ["strategy", "risk", "period", "state"]
