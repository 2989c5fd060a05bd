"""A recommendation's update as one entry: its narrative and status with its output figures and their
breakdowns (formsets), validated together."""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.utils import ErrorDict

from objectives.forms import GovukFormMixin
from reporting.models import OutputFigure
from reporting.plans.forms import (
    BLANK_BREAKDOWN_ROWS,
    BLANK_FIGURES,
    DAMAGED,
    MAX_BREAKDOWN_ITEMS,
    MAX_FIGURES,
    ActionUpdateForm,
    AmountField,
)
from reporting.plans.report import format_number
from reporting.plans.services import breakdown_problem


class FigureForm(GovukFormMixin, forms.Form):
    label = forms.CharField(
        label="What it counts", max_length=300, required=False,
        help_text="For example: job opportunities secured, attracted or created",
    )
    qualifier = forms.ChoiceField(
        label="Is the figure exact?", choices=OutputFigure.Qualifier.choices, required=False,
        error_messages={"invalid_choice": "Choose exactly, more than, over, nearly or up to"},
    )
    value = AmountField(label="Figure", help_text="A number, like 1470. Leave it empty if you give only a breakdown.")
    unit = forms.CharField(
        label="Unit (optional)", max_length=40, required=False, help_text="For example: jobs, businesses, people, £, £ a year"
    )
    rising_to = AmountField(label="Rising to (optional)", help_text="For example, 200 jobs rising to 400: enter 400")
    is_projected = forms.BooleanField(label="This figure is a projection", required=False)
    period_covered = forms.CharField(
        label="Period it covers (optional)", max_length=200, required=False,
        help_text="For example: since the start of the ESF programme",
    )
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    remove = forms.BooleanField(label="Remove this figure", required=False)

    def __init__(self, *args, number=1, has_saved=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["value"].what = f"figure {number}"
        self.fields["rising_to"].what = f"the “rising to” figure of figure {number}"
        if not has_saved:
            del self.fields["remove"]
        self.breakdown = None
        self.apply_govuk_classes()

    def is_blank(self):
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "", False) for k in ("label", "value", "unit", "rising_to", "period_covered", "note"))


class BreakdownForm(GovukFormMixin, forms.Form):
    label = forms.CharField(label="Item", max_length=200, required=False)
    value = AmountField(label="Number")

    def __init__(self, *args, figure_number=1, number=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["label"].label = f"Item {number}"
        self.fields["value"].label = f"Number for item {number}"
        self.fields["value"].what = f"the number for item {number} of figure {figure_number}'s breakdown"
        self.apply_govuk_classes()

    def clean(self):
        data = super().clean()
        label, value = data.get("label"), data.get("value")
        if label and value is None and "value" not in self.errors:
            self.add_error("value", f"Enter the number for “{label[:40]}”")
        if value is not None and not label:
            self.add_error("label", f"Say what item {self.number} is")
        return data


class _CountedFormSet(forms.BaseFormSet):
    """A formset whose counts must be the page's own: no fewer rows than it showed (a forged
    TOTAL_FORMS of -1 or 0 once removed every saved figure: a saved row goes only when its "Remove"
    box is ticked, or a breakdown row's item is emptied)."""

    def clean(self):
        super().clean()
        if not self.is_bound:
            return
        counts = self.management_form.cleaned_data
        total, shown = counts.get(TOTAL_FORM_COUNT), counts.get(INITIAL_FORM_COUNT)
        saved = len(self.initial or [])
        if total is None or shown is None or total < saved or shown < 0:
            raise ValidationError(DAMAGED, code="damaged")


class _FigureFormSetBase(_CountedFormSet):
    saved = 0  # how many of the rows are figures already saved (they get a "Remove" box)

    def get_form_kwargs(self, index):
        return {"number": index + 1, "has_saved": index < self.saved}


class _BreakdownFormSetBase(_CountedFormSet):
    figure_number = 1

    def get_form_kwargs(self, index):
        return {"figure_number": self.figure_number, "number": index + 1}


FigureFormSet = forms.formset_factory(
    FigureForm, formset=_FigureFormSetBase, extra=BLANK_FIGURES, max_num=MAX_FIGURES, validate_max=True,
    absolute_max=MAX_FIGURES,
)
BreakdownFormSet = forms.formset_factory(
    BreakdownForm, formset=_BreakdownFormSetBase, extra=BLANK_BREAKDOWN_ROWS, max_num=MAX_BREAKDOWN_ITEMS,
    validate_max=True, absolute_max=MAX_BREAKDOWN_ITEMS,
)



class ActionUpdateEntry:
    """The whole update form: narrative and status, then each figure with its breakdown rows.

    `is_valid()` checks every part, including that a breakdown adds up to its total;
    `figures_data()` gives the figures as the service takes them; `error_list()` gives every
    message as (anchor, text) for the error summary.
    """

    def __init__(self, data=None, *, action_update=None, recommendations=None, initial=None):
        initial = dict(initial or {})
        figures_initial, breakdown_initial = [], []
        if action_update is not None:
            initial.update(narrative=action_update.narrative, status=action_update.status, version=action_update.version)
            for fig in action_update.figures.all():
                figures_initial.append({
                    "label": fig.label, "qualifier": fig.qualifier,
                    "value": _plain(fig.value), "unit": fig.unit, "rising_to": _plain(fig.rising_to),
                    "is_projected": fig.is_projected, "period_covered": fig.period_covered, "note": fig.note,
                })
                breakdown_initial.append([{"label": b.label, "value": _plain(b.value)} for b in fig.breakdown.all()])
        self.form = ActionUpdateForm(data, initial=initial, recommendations=recommendations,
                                     editing=action_update is not None)
        self.figures = FigureFormSet(data, initial=figures_initial, prefix="figures")
        self.figures.saved = len(figures_initial)
        for form in self.figures.forms:
            index = form.number - 1
            breakdown = BreakdownFormSet(
                data, initial=breakdown_initial[index] if index < len(breakdown_initial) else [],
                prefix=f"figures-{index}-breakdown",
            )
            breakdown.figure_number = form.number
            form.breakdown = breakdown
        self._figures_data = None

    def is_valid(self):
        ok = self.form.is_valid()
        self.figures.is_valid()  # runs every check, including the management form's
        if self.figures.non_form_errors():
            return False
        figures = []
        for form in self.figures.forms:
            if form.is_bound and form.data.get(form.add_prefix("remove")) and "remove" in form.fields:
                # A figure being removed is not checked: clear anything said about it.
                form._errors = ErrorDict()
                for b in form.breakdown.forms:
                    b._errors = ErrorDict()
                continue
            breakdown_ok = form.breakdown.is_valid()
            if not form.is_valid() or not breakdown_ok:
                ok = False
                continue
            data = form.cleaned_data
            items = [(b.cleaned_data["label"], b.cleaned_data["value"]) for b in form.breakdown.forms
                     if b.cleaned_data.get("label")]
            if form.is_blank() and not items:
                continue
            if not data.get("label"):
                form.add_error("label", f"Say what figure {form.number} counts")
                ok = False
                continue
            if data.get("value") is None and not items:
                form.add_error("value", f"Enter figure {form.number} as a number, or give its breakdown below")
                ok = False
                continue
            if data.get("rising_to") is not None:
                if data.get("value") is None:
                    form.add_error("rising_to", f"Enter figure {form.number} itself as well as what it rises to")
                    ok = False
                    continue
                if data["rising_to"] <= data["value"]:
                    form.add_error("rising_to", f"The “rising to” figure must be more than {format_number(data['value'])}")
                    ok = False
                    continue
            total = sum((v for _, v in items), Decimal(0)) if items else None
            problem = breakdown_problem(data.get("value"), data.get("qualifier") or "", total)
            if problem:
                form.add_error("value", f"Figure {form.number}: {problem}")
                ok = False
                continue
            figures.append({
                "label": data["label"], "qualifier": data.get("qualifier") or "", "value": data.get("value"),
                "unit": data.get("unit") or "", "rising_to": data.get("rising_to"),
                "is_projected": data.get("is_projected", False), "period_covered": data.get("period_covered") or "",
                "note": data.get("note") or "", "breakdown": items,
            })
        self._figures_data = figures
        return ok

    def figures_data(self):
        return self._figures_data

    @property
    def cleaned_data(self):
        return self.form.cleaned_data

    def add_error(self, field, message):
        if field is not None and field not in self.form.fields:
            field = None
        self.form.add_error(field, message)

    def error_list(self):
        errors = []
        for message in self.form.non_field_errors():
            errors.append(("main-content", message))
        for field in self.form:
            errors.extend((field.auto_id, e) for e in field.errors)
        if self.figures.non_form_errors():
            errors.append(("figures", DAMAGED))
        for form in self.figures.forms:
            for field in form:
                errors.extend((field.auto_id, e) for e in field.errors)
            bd = form.breakdown
            if bd.non_form_errors():
                errors.append((f"figure-{form.number}", DAMAGED))
            for b in bd.forms:
                for field in b:
                    errors.extend((field.auto_id, e) for e in field.errors)
        return errors

    @property
    def has_errors(self):
        return bool(self.error_list())


def _plain(value):
    """A stored Decimal as a person would type it: 1470.00 → '1470', 2.50 → '2.5'."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
