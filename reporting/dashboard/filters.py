"""The dashboard's filters (django-filter): objective, lead service, overall status and period.

The status filter looks only at the returns the user may see (`visible_returns(user)`), so a
reader asking for `?status=red` never finds a sub-strand by a draft's status.
"""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from kpis.rag import RAG
from objectives.council import lazy_words, word
from objectives.forms import GovukFormMixin
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting.access import SEEN_BY_READERS, visible_returns

NO_STATUS = "none"
STATUS_CHOICES = [*RAG.choices, (NO_STATUS, "No approved status")]


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
        error_messages={"invalid_choice": "Choose Red, Amber, Green or No approved status"},
    )

    class Meta:
        model = SubStrand
        fields = []
        form = GovukFilterForm

    def __init__(self, data=None, *args, user=None, strategy=None, **kwargs):
        subs = SubStrand.objects.all() if strategy is None else SubStrand.objects.filter(objective__strategy=strategy)
        super().__init__(data, *args, queryset=subs, **kwargs)
        from reporting.dashboard.selectors import lead_services

        self.user, self.strategy = user, strategy
        self.filters["lead_service"].extra["choices"] = [(s, s) for s in lead_services(strategy)]
        if strategy is not None:  # the strategy's own periods and objectives only
            self.filters["period"].queryset = self.filters["period"].queryset.filter(strategy=strategy)
            self.filters["objective"].queryset = self.filters["objective"].queryset.filter(strategy=strategy)
        self.selected_period = None

    def filter_queryset(self, queryset):
        from reporting.dashboard.selectors import default_period

        self.selected_period = self.form.cleaned_data.get("period") or default_period(self.strategy)
        return super().filter_queryset(queryset)

    def filter_period(self, queryset, name, value):
        return queryset  # chooses the columns, not the rows

    def filter_status(self, queryset, name, value):
        if not value or self.selected_period is None:
            return queryset
        shown = visible_returns(self.user).filter(period=self.selected_period, sub_strand_id=OuterRef("pk"))
        if value == NO_STATUS:
            return queryset.exclude(Exists(shown.filter(state__in=SEEN_BY_READERS).exclude(overall_rag="")))
        return queryset.filter(Exists(shown.filter(overall_rag=value)))

    @property
    def is_filtered(self):
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(data.get(name) for name in ("objective", "lead_service", "status"))
