"""The dashboard's filters (django-filter): objective, lead service, overall status and period.

The status filter and the dashboard's counts read one rule, `reporting.statuses.with_period_status`:
`?status=red` lists exactly the sub-strands the Red count counts (approved as Red, for this user),
`?status=not_approved` those counted as not yet approved (a status still in the workflow, for
those who may see drafts), `?status=none` those with no status. A reader never finds a sub-strand
by a draft's status.
"""
import django_filters
from django import forms

from kpis.rag import RAG
from objectives.council import lazy_words, word
from objectives.forms import GovukFormMixin
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting.access import OBJECTIVES, PERIODS, SUB_STRANDS, sees_drafts
from reporting.dashboard.choices import default_period, lead_services
from reporting.statuses import NO_STATUS, NOT_APPROVED, with_period_status
from reporting.variation.verdicts import ASSURANCE_CHOICES, VARIATION_CHOICES

STATUS_CHOICES = [*RAG.choices, (NOT_APPROVED, "Not yet approved"), (NO_STATUS, "No approved status")]
ALL_KPIS = "all"
# The KPI table's own filters: they choose its rows (reporting.dashboard.selectors.kpi_table_figures),
# not the sub-strands of the status grid.
KPI_TABLE_FILTERS = ("kpis", "variation", "assurance", "now", "year_end", "quartile")
QUARTILE_CHOICES = [("1", "Top quartile"), ("2", "Second quartile"), ("3", "Third quartile"), ("4", "Bottom quartile")]


def _table_choice(choices, label, empty_label, message):
    return django_filters.ChoiceFilter(choices=choices, method="filter_kpi_table", label=label, empty_label=empty_label,
                                       error_messages={"invalid_choice": message})


class GovukFilterForm(GovukFormMixin, forms.Form):
    """The filter form in GOV.UK markup."""


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PeriodFilter(django_filters.ModelChoiceFilter):
    field_class = PeriodChoiceField


class DashboardFilter(django_filters.FilterSet):
    period = PeriodFilter(
        queryset=ReportingPeriod.objects.order_by("-end_date"),
        to_field_name="slug",
        method="filter_period",
        label="Period",
        empty_label="Latest with approved returns",
        error_messages={"invalid_choice": "Choose a period from the list"},
    )
    objective = django_filters.ModelChoiceFilter(
        queryset=StrategicObjective.objects.order_by("strategy__name", "number"),
        field_name="objective",
        label=word("objective"),
        empty_label=word("objective", "all"),
        error_messages={"invalid_choice": lazy_words("Choose {objective.a} from the list")},
    )
    lead_service = django_filters.ChoiceFilter(
        choices=[],
        label="Lead service",
        empty_label="All lead services",
        error_messages={"invalid_choice": "Choose a lead service from the list"},
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="filter_status",
        label="Overall status in the period",
        empty_label="Any status",
        error_messages={"invalid_choice": "Choose Red, Amber, Green, Not yet approved or No approved status"},
    )

    kpis = _table_choice([(ALL_KPIS, "All KPIs")], "KPI table: which KPIs", "KPIs off target or overdue",
                         "Choose which KPIs the table lists from the list")
    variation = _table_choice(VARIATION_CHOICES, "KPI table: variation", "Any variation",
                              "Choose a variation from the list")
    assurance = _table_choice(ASSURANCE_CHOICES, "KPI table: assurance", "Any assurance",
                              "Choose an assurance from the list")
    now = _table_choice(RAG.choices, "KPI table: status now", "Any status now", "Choose Red, Amber or Green")
    year_end = _table_choice(RAG.choices, "KPI table: forecast at year end", "Any forecast",
                             "Choose Red, Amber or Green")
    quartile = _table_choice(QUARTILE_CHOICES, "KPI table: compared with similar councils", "Any quartile",
                             "Choose a quartile from the list")

    class Meta:
        model = SubStrand
        fields = []
        form = GovukFilterForm

    def __init__(self, data=None, *args, user=None, strategy=None, kpi_table=True, **kwargs):
        subs = SUB_STRANDS.filter(user, SubStrand.objects.all())  # a reader of some strategies only: theirs
        subs = subs if strategy is None else subs.filter(objective__strategy=strategy)
        super().__init__(data, *args, queryset=subs, **kwargs)
        self.user, self.strategy = user, strategy
        if not sees_drafts(user):  # a reader sees no status in the workflow: nothing to choose
            self.filters["status"].extra.update(
                choices=[c for c in STATUS_CHOICES if c[0] != NOT_APPROVED],
                error_messages={"invalid_choice": "Choose Red, Amber, Green or No approved status"})
        if not kpi_table:  # a page without the KPI table (the stale figures) has none of its filters
            for name in KPI_TABLE_FILTERS:
                del self.filters[name]
        self.filters["lead_service"].extra["choices"] = [(s, s) for s in lead_services(strategy, user=user)]
        self.filters["period"].queryset = PERIODS.filter(user, self.filters["period"].queryset)
        self.filters["objective"].queryset = OBJECTIVES.filter(user, self.filters["objective"].queryset)
        if strategy is not None:  # the strategy's own periods and objectives only
            self.filters["period"].queryset = self.filters["period"].queryset.filter(strategy=strategy)
            self.filters["objective"].queryset = self.filters["objective"].queryset.filter(strategy=strategy)
        self.selected_period = None

    def filter_queryset(self, queryset):
        """The sub-strands, each annotated with `period_status` (the one rule the counts read too)."""
        self.selected_period = self.form.cleaned_data.get("period") or default_period(self.strategy)
        if self.selected_period is not None and not PERIODS.test(self.user, self.selected_period):
            self.selected_period = None  # a reader who reads no strategy: no other strategy's period either
        queryset = with_period_status(queryset, user=self.user, period=self.selected_period)
        return super().filter_queryset(queryset)

    def filter_period(self, queryset, name, value):
        return queryset  # chooses the columns, not the rows

    def filter_kpi_table(self, queryset, name, value):
        return queryset  # chooses the KPI table's rows (`table_choices`), not the sub-strands

    @property
    def table_choices(self):
        """What the KPI table's filters chose: {name: value} of those given and valid (one not in its
        list is named on the page and left out; the others still apply)."""
        self.form.is_valid()  # cleans the form: its valid fields are in cleaned_data
        data = getattr(self.form, "cleaned_data", {})
        return {name: data[name] for name in KPI_TABLE_FILTERS if data.get(name)}

    def filter_status(self, queryset, name, value):
        return queryset.filter(period_status=value) if value else queryset

    @property
    def is_filtered(self):
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(data.get(name) for name in ("objective", "lead_service", "status", *KPI_TABLE_FILTERS))
