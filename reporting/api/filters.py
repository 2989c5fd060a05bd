"""The query parameters each list takes (django-filter): by slug or code, as the pages' addresses are."""
import django_filters

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting.models import ActionUpdate, QuarterlyReturn, WorkflowState


def by(field, help_text):
    return django_filters.CharFilter(field_name=field, help_text=help_text)


class ObjectiveFilter(django_filters.FilterSet):
    strategy = by("strategy__slug", "A strategy's slug.")

    class Meta:
        model = StrategicObjective
        fields = ["strategy"]


class SubStrandFilter(django_filters.FilterSet):
    strategy = by("objective__strategy__slug", "A strategy's slug.")
    objective_id = django_filters.NumberFilter(field_name="objective_id", help_text="An objective's id.")

    class Meta:
        model = SubStrand
        fields = ["strategy", "objective_id"]


class KpiFilter(django_filters.FilterSet):
    code = by("code", "A KPI's code, e.g. HOU-02.")
    sub_strand = by("sub_strand__slug", "A sub-strand's slug, e.g. housing.")

    class Meta:
        model = KPI
        fields = ["code", "sub_strand"]


class PeriodFilter(django_filters.FilterSet):
    financial_year = django_filters.NumberFilter(help_text="The year the financial year starts: 2023 for 2023/24.")
    state = django_filters.ChoiceFilter(choices=ReportingPeriod.State.choices)

    class Meta:
        model = ReportingPeriod
        fields = ["financial_year", "state"]


class ReturnFilter(django_filters.FilterSet):
    period = by("period__slug", "The reporting period's slug, e.g. 2023-24-q1.")
    sub_strand = by("sub_strand__slug", "A sub-strand's slug, e.g. housing.")
    state = django_filters.ChoiceFilter(choices=WorkflowState.choices)

    class Meta:
        model = QuarterlyReturn
        fields = ["period", "sub_strand", "state"]


class FigureFilter(django_filters.FilterSet):
    reported_in = by("period__slug", "The reporting period the figure was reported in, e.g. 2023-24-q1.")
    kpi = by("kpi__code", "A KPI's code, e.g. HOU-02.")
    sub_strand = by("kpi__sub_strand__slug", "A sub-strand's slug, e.g. housing.")

    class Meta:
        model = Measurement
        fields = ["reported_in", "kpi", "sub_strand"]


class PlanUpdateFilter(django_filters.FilterSet):
    plan = by("action__plan__slug", "An action plan's slug, e.g. employment.")
    round = by("plan_update__slug", "An update round's slug, e.g. 2017-12.")
    state = django_filters.ChoiceFilter(choices=WorkflowState.choices)

    class Meta:
        model = ActionUpdate
        fields = ["plan", "round", "state"]
