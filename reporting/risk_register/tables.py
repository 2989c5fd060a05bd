"""The risk register: its filters (django-filter) and its table (django-tables2), in GOV.UK markup.

The filters on the risk's own fields (owner, objective, sub-strand, category) choose rows in the
database; those on its current score (band, score, appetite, the heat map's cell) are asked of each
row's score (reporting.risk_rows.RiskRow, scored by reporting.risks.scoring), after the rows are
read. The CSV is the filtered rows, with the dashboard's cell safety (reporting.cell_safety).
"""
import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from objectives.council import lazy_words, word
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from objectives.roles import person_name
from reporting.access import OBJECTIVES, SUB_STRANDS
from reporting.dashboard.filters import GovukFilterForm, PeriodFilter
from reporting.dashboard.tables import GovukTable
from reporting.models import Risk, RiskCategory
from reporting.risk_rows import BAND_TAGS, appetite_words, within_and_outside
from reporting.risks import scoring

WITHIN, OUTSIDE = "within", "outside"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class SubStrandChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class RiskFilter(django_filters.FilterSet):
    period = PeriodFilter(queryset=ReportingPeriod.objects.order_by("-end_date"), to_field_name="slug",
                          method="by_score", label="Period", empty_label="Latest review of each risk",
                          error_messages={"invalid_choice": "Choose a period from the list"})
    owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), field_name="owner",
                                             label="Owner", empty_label="All owners",
                                             error_messages={"invalid_choice": "Choose an owner from the list"})
    objective = django_filters.ModelChoiceFilter(
        queryset=StrategicObjective.objects.order_by("number"), field_name="objective", label=word("objective"),
        empty_label=word("objective", "all"),
        error_messages={"invalid_choice": lazy_words("Choose {objective.a} from the list")})
    sub_strand = django_filters.ModelChoiceFilter(
        queryset=SubStrand.objects.order_by("objective__number", "order"), field_name="sub_strand",
        label=word("sub_strand"), empty_label=word("sub_strand", "all"),
        error_messages={"invalid_choice": lazy_words("Choose {sub_strand.a} from the list")})
    category = django_filters.ModelChoiceFilter(queryset=RiskCategory.objects.none(), field_name="category",
                                                label="Category", empty_label="All categories",
                                                error_messages={"invalid_choice": "Choose a category from the list"})
    band = django_filters.ChoiceFilter(choices=[], method="by_score", label="Current score's band",
                                       empty_label="Any band",
                                       error_messages={"invalid_choice": "Choose a band from the list"})
    appetite = django_filters.ChoiceFilter(choices=[], method="by_score", label="Appetite", empty_label="Within or outside",
                                           error_messages={"invalid_choice": "Choose within or outside from the list"})
    min_score = django_filters.NumberFilter(method="by_score", label="Current score at least",
                                            error_messages={"invalid": "Enter the lowest score as a whole number, "
                                                            "for example 10"})
    likelihood = django_filters.NumberFilter(method="by_score", label="Current likelihood", widget=forms.HiddenInput)
    impact = django_filters.NumberFilter(method="by_score", label="Current impact", widget=forms.HiddenInput)

    class Meta:
        model = Risk
        fields = []
        form = GovukFilterForm

    def __init__(self, data=None, *args, user=None, strategy=None, matrix=None, queryset=None, **kwargs):
        super().__init__(data, *args, queryset=queryset, **kwargs)
        self.matrix = matrix
        owners = queryset.exclude(owner__isnull=True).values("owner_id")
        self.filters["owner"].queryset = get_user_model().objects.filter(pk__in=owners).order_by("first_name", "last_name",
                                                                                                 "username")
        self.filters["objective"].queryset = OBJECTIVES.filter(user, StrategicObjective.objects.filter(strategy=strategy)
                                                               .order_by("number"))
        self.filters["sub_strand"].queryset = SUB_STRANDS.filter(
            user, SubStrand.objects.filter(objective__strategy=strategy).select_related("objective")
            .order_by("objective__number", "order"))
        self.filters["sub_strand"].field_class = SubStrandChoiceField
        self.filters["category"].queryset = RiskCategory.objects.filter(matrix=matrix).order_by("name")
        self.filters["band"].extra["choices"] = [(str(b.pk), b.name) for b in sorted(matrix.bands.all(),
                                                                                     key=lambda b: b.lowest_score)]
        within, outside = within_and_outside(matrix)
        self.filters["appetite"].extra["choices"] = [(WITHIN, within), (OUTSIDE, outside)]
        from reporting.risk_register.pages import periods_of

        self.filters["period"].queryset = ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods_of(user, strategy)]
                                                                         ).order_by("-end_date")

    def by_score(self, queryset, name, value):
        return queryset  # asked of each row's score (`keep`), not of the database

    @property
    def chosen(self):
        """The valid choices: {name: value} (a choice not in its list is named on the page and left out)."""
        self.form.is_valid()
        return {k: v for k, v in getattr(self.form, "cleaned_data", {}).items() if v not in (None, "")}

    def keep(self, row):
        """Does the row's current score meet the score filters?"""
        chosen = self.chosen
        current = row.current
        if "band" in chosen and (current is None or str(current.band.pk) != chosen["band"]):
            return False
        if "appetite" in chosen and (row.outside is None or row.outside != (chosen["appetite"] == OUTSIDE)):
            return False
        if "min_score" in chosen and (current is None or current.score < chosen["min_score"]):
            return False
        if "likelihood" in chosen and (current is None or current.likelihood != chosen["likelihood"]):
            return False
        if "impact" in chosen and (current is None or current.impact != chosen["impact"]):
            return False
        return True

    @property
    def cell_words(self):
        """The heat map's cell the register is filtered to, in the matrix's words ("Likely (4) × Major (4)"), or ""."""
        chosen = self.chosen
        if "likelihood" not in chosen and "impact" not in chosen:
            return ""
        parts = [f"{scoring.level_name(self.matrix, axis, int(chosen[axis]))} ({int(chosen[axis])})"
                 if axis in chosen else f"any {axis}" for axis in ("likelihood", "impact")]
        return " × ".join(parts)

    @property
    def is_filtered(self):
        return any(k != "period" for k in self.chosen)


def band_tag(band):
    """A band as its name in words and a colour (never the colour alone)."""
    if band is None:
        return ""
    return format_html('<strong class="govuk-tag app-risk-band {}">{}</strong>', BAND_TAGS.get(band.colour, ""), band.name)


def score_html(score):
    if score is None:
        return format_html('<span class="govuk-body-s">{}</span>', "No review yet")
    return format_html('<span class="app-risk-score">{} × {} = {}</span> {}', score.likelihood, score.impact, score.score,
                       band_tag(score.band))


def score_text(score):
    return score.words if score is not None else "No review yet"


class ScoreColumn(tables.Column):
    """A score as likelihood × impact = score and its band as a word and a colour; in the CSV, in words."""

    empty_values = ()

    def __init__(self, *args, which, **kwargs):
        super().__init__(*args, **kwargs)
        self.which = which

    def render(self, value, record):
        html = score_html(getattr(record, self.which))
        if self.which == "current" and record.is_draft:
            html = format_html('{} <strong class="govuk-tag govuk-tag--grey">Not yet approved</strong>', html)
        return html

    def value(self, value, record):
        text = score_text(getattr(record, self.which))
        return f"{text} (not yet approved)" if self.which == "current" and record.is_draft else text


class RiskTable(GovukTable):
    reference = tables.Column("Reference", accessor="risk__reference", linkify=lambda record: record.risk.get_absolute_url(),
                              order_by=("risk__order", "risk__reference"))
    title = tables.Column("Risk", accessor="risk__title")
    owner = tables.Column("Owner", accessor="owner_name")
    current = ScoreColumn("Current score", which="current", accessor="current_sort")
    direction = tables.Column("Direction of travel", accessor="direction", empty_values=())
    target = ScoreColumn("Target score", which="target", accessor="target_sort")
    appetite = tables.Column("Appetite", accessor="outside_sort", empty_values=())
    next_review = tables.Column("Next review", accessor="risk__next_review_date", empty_values=(),
                                order_by=("next_review_sort",))

    class Meta(GovukTable.Meta):
        empty_text = "No risk matches these filters."
        attrs = {**GovukTable.Meta.attrs, "class": "govuk-table app-table app-table--compact"}

    def __init__(self, *args, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix

    def render_direction(self, value, record):
        return value or "Not recorded"

    def value_direction(self, value, record):
        return value or "Not recorded"

    def render_appetite(self, value, record):
        words = appetite_words(self.matrix, record)
        if record.outside:
            return format_html("<strong>{}</strong>", words)
        return words

    def value_appetite(self, value, record):
        return appetite_words(self.matrix, record)

    def render_next_review(self, value, record):
        from django.utils.dateformat import format as date_format

        return date_format(value, "j F Y") if value else "Not set"

    def value_next_review(self, value, record):
        from django.utils.dateformat import format as date_format

        return date_format(value, "j F Y") if value else "Not set"
