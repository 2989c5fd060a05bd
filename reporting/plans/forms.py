"""Forms for action-plan updates: a recommendation's narrative, status and output figures (with
breakdown rows), a new update round, its committee report's cover, and the workflow buttons.

Every message says what is wrong and how to put it right, and appears beside the field and in
the error summary at the top of the page.
"""
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import RegexValidator
from django.forms.utils import ErrorDict

from objectives.forms import GovukFormMixin
from objectives.models import Action
from reporting.models import OutputFigure, PlanUpdate
from reporting.plans.selectors import format_number
from reporting.plans.services import COVER_FIELDS, breakdown_problem

DATE_FORMATS = ["%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
MAX_FIGURES = 30
MAX_BREAKDOWN_ITEMS = 40
BLANK_FIGURES = 2
BLANK_BREAKDOWN_ROWS = 3


class AmountField(forms.CharField):
    """A number as a person types it: '1,470', '£35,000,000' and ' 860000 ' are all accepted."""

    def __init__(self, *args, what="the figure", **kwargs):
        self.what = what
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cleaned = value.replace(",", "").replace("£", "").replace(" ", "")
        if len(cleaned) > 30:
            raise forms.ValidationError(f"Enter {self.what} as a number of no more than 30 characters", code="too_long")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise forms.ValidationError(
                f"Enter {self.what} as a number, like 1470 or 35000000 (not words such as “{value[:30]}”)",
                code="invalid",
            )
        if not number.is_finite():
            raise forms.ValidationError(f"Enter {self.what} as a number, like 1470 or 35000000", code="invalid")
        if number < 0:
            raise forms.ValidationError(f"{self.what[0].upper()}{self.what[1:]} cannot be negative", code="negative")
        if number >= Decimal(10) ** 14:
            raise forms.ValidationError(f"{self.what[0].upper()}{self.what[1:]} is too large", code="too_large")
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(f"Give {self.what} to no more than 2 decimal places", code="decimals")
        return number


class DateTextField(forms.DateField):
    def __init__(self, *args, what="the date", **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(format="%-d %B %Y"))
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = f"Enter {what} as a real date, like 31 May 2018"
        self.error_messages["required"] = f"Enter {what}"


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action):
        text = action.title or action.wording
        return f"({action.number}) {text[:120]}{'…' if len(text) > 120 else ''}"


STATUS_CHOICES = [("", "No status given")] + [
    (value, label) for value, label in Action.Status.choices if value != Action.Status.UNASSESSED
]


class ActionUpdateForm(GovukFormMixin, forms.Form):
    """The narrative and status of one recommendation's update; `recommendation` only when starting one."""

    recommendation = RecommendationChoiceField(
        queryset=Action.objects.none(),
        to_field_name="number",
        empty_label="Choose a recommendation",
        error_messages={
            "required": "Choose the recommendation this update is for",
            "invalid_choice": "Choose one of your recommendations that has no update in this round yet",
        },
    )
    narrative = forms.CharField(
        label="Progress in this period",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text="Write it as it should appear in the committee report. Leave a blank line between paragraphs; "
        "start a line with “- ” for a bullet point.",
    )
    status = forms.ChoiceField(
        label="Status", choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the statuses listed"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, recommendations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if recommendations is None:
            del self.fields["recommendation"]
        else:
            self.fields["recommendation"].queryset = recommendations
        self.apply_govuk_classes()


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


class _FigureFormSetBase(forms.BaseFormSet):
    saved = 0  # how many of the rows are figures already saved (they get a "Remove" box)

    def get_form_kwargs(self, index):
        return {"number": index + 1, "has_saved": index < self.saved}


class _BreakdownFormSetBase(forms.BaseFormSet):
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

DAMAGED = "The form was damaged or is out of date. Reload the page and enter your changes again."


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
        self.form = ActionUpdateForm(data, initial=initial, recommendations=recommendations)
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


class PlanUpdateStartForm(GovukFormMixin, forms.Form):
    """A new update round; its report's cover is carried forward from the previous round."""

    title = forms.CharField(
        label="Title", max_length=300, help_text="As the committee report will be headed, for example "
        "“Sefton MBC – Action Plan for Employment – update at June 2018”",
        error_messages={"required": "Enter the report's title"},
    )
    slug = forms.CharField(
        label="Short name for the address", max_length=20,
        help_text="The year and month it reports to, like 2018-06",
        validators=[RegexValidator(r"^[0-9]{4}-[0-9]{2}$", "Enter the year and month as four digits, a hyphen and two digits, like 2018-06")],
        error_messages={"required": "Enter the year and month it reports to, like 2018-06"},
    )
    as_at = DateTextField(label="Progress reported up to", what="the date progress is reported up to",
                          help_text="For example, 31 May 2018")
    committee = forms.CharField(label="Committee (optional)", max_length=300, required=False,
                                help_text="Left empty, it is the same as the previous report's")
    meeting_date = DateTextField(label="Meeting date (optional)", what="the meeting date", required=False,
                                 help_text="For example, 12 June 2018")


class PlanReportCoverForm(GovukFormMixin, forms.ModelForm):
    """The cover of a round's committee report, in the council's template, field by field."""

    as_at = DateTextField(label="Progress reported up to", what="the date progress is reported up to",
                          help_text="For example, 31 May 2018")
    meeting_date = DateTextField(label="Meeting date (optional)", what="the meeting date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanUpdate
        fields = ["title", "as_at", "meeting_date", *COVER_FIELDS]
        labels = {
            "committee": "Committee",
            "summary": "Summary",
            "recommendations": "Recommendation(s) to members",
            "reasons": "Reasons for the recommendation(s)",
            "alternative_options": "Alternative options considered and rejected",
            "costs": "What will it cost and how will it be financed?",
            "revenue_costs": "(A) Revenue costs",
            "capital_costs": "(B) Capital costs",
            "resource_implications": "Resource implications (financial, IT, staffing and assets)",
            "legal_implications": "Legal implications",
            "equality_implications": "Equality implications",
            "consultations_internal": "(A) Internal consultations",
            "consultations_external": "(B) External consultations",
            "implementation_date": "Implementation date for the decision",
            "contact_officer": "Contact officer",
            "contact_telephone": "Contact officer's telephone number",
            "contact_email": "Contact officer's email address",
            "appendices": "Appendices",
            "background_papers": "Background papers",
            "introduction": "Introduction / background",
        }
        error_messages = {"title": {"required": "Enter the report's title"},
                          "contact_email": {"invalid": "Enter the email address in the right format, like name@sefton.gov.uk"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 12 if name == "introduction" else 4
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.apply_govuk_classes()

    def validate_unique(self):
        """Uniqueness is the service's job; the form only checks what was typed."""


class WorkflowForm(GovukFormMixin, forms.Form):
    """The submit and approve buttons: only the version the page was rendered from."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})


class SendBackForm(GovukFormMixin, forms.Form):
    comment = forms.CharField(
        label="What needs to change?", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
        help_text="The officer sees this comment with the update.",
        error_messages={"required": "Say what needs to change, so that the officer knows what to do"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})
