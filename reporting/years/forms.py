"""Forms for setting up a year: the four quarters' dates, and the KPIs' targets."""
from decimal import Decimal

from django import forms

from objectives.council import mid_sentence
from kpis.formatting import plain_number
from kpis.models import Target
from objectives.forms import GovukDateField, GovukFormMixin
from reporting.years.selectors import DATE_FIELDS




def date_field(label, example, *, quarter_label):
    """A quarter's governance date: its label on the page, and the quarter for screen readers and messages."""
    words = mid_sentence(str(label))  # "the Q2 Economy Cell meeting", but "the Q2 dashboard update deadline"
    field = GovukDateField(label=label, required=False, what=f"the {quarter_label} {words}", example=example)
    field.legend_hidden = f" for {quarter_label}"
    return field


class SetUpYearForm(GovukFormMixin, forms.Form):
    """One date field per governance date per quarter still to set up: q1-dashboard_deadline …"""

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = [q for q in quarters if q.existing is None]
        for q in self.quarters:
            q.fields = []
            for name, label in DATE_FIELDS:
                key = f"q{q.quarter}-{name}"
                self.fields[key] = date_field(label, f"{q.end.day} {q.end.month} {q.end.year}", quarter_label=q.label)
                self.initial.setdefault(key, q.dates.get(name))
                q.fields.append(key)

    def bound_quarters(self):
        """[(ProposedQuarter, [bound fields])] for the template."""
        return [(q, [self[key] for key in q.fields]) for q in self.quarters]

    def dates(self):
        """{quarter: {field: date or None}} from the cleaned data."""
        return {q.quarter: {name: self.cleaned_data.get(f"q{q.quarter}-{name}") for name, _ in DATE_FIELDS}
                for q in self.quarters}


KIND_CHOICES = [("", "Choose a kind of target")] + list(Target.Kind.choices)


class TargetsForm(GovukFormMixin, forms.Form):
    """Each KPI's primary target for the year (value and kind), pre-filled with this year's, or
    last year's carried forward."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            kpi, shown = row.kpi, row.this_year or row.last_year
            value, kind = f"target-{kpi.id}-value", f"target-{kpi.id}-kind"
            self.fields[value] = forms.DecimalField(
                label=f"{kpi.code} target", required=False, max_digits=16, decimal_places=3, min_value=Decimal("-1e12"),
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
                error_messages={"invalid": f"Enter the {kpi.code} target as a number, like 640 or 12.5"},
            )
            self.fields[kind] = forms.ChoiceField(label=f"{kpi.code} kind of target", required=False, choices=KIND_CHOICES)
            if row.this_year is not None:
                self.initial.setdefault(value, plain_number(row.this_year.value) if row.this_year.value is not None else "")
                self.initial.setdefault(kind, row.this_year.kind)
            elif shown is not None:
                self.initial.setdefault(kind, shown.kind)
            row.value_field, row.kind_field = value, kind

    def clean(self):
        data = super().clean()
        for row in self.rows:
            if data.get(row.value_field) is not None and not data.get(row.kind_field):
                self.add_error(row.kind_field, f"Choose what kind of target the {row.kpi.code} target is")
        return data

    def bound_rows(self):
        return [(row, self[row.value_field], self[row.kind_field]) for row in self.rows]

    def values(self):
        """{kpi id: (value or None, kind)} from the cleaned data."""
        return {row.kpi.id: (self.cleaned_data.get(row.value_field), self.cleaned_data.get(row.kind_field) or "")
                for row in self.rows}
