"""Forms drawn by objectives.govuk_markup in every way a return form draws a field (tests of the
markup, and the markup as it was drawn before it was made quicker: govuk_markup_before.json)."""
from decimal import Decimal

from django import forms

from objectives.forms import GovukDateField, GovukFormMixin
from reporting.returns.forms import LenientDecimalField, RAG_CHOICES


class SampleReturnForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overall_rag = forms.ChoiceField(label="Overall status", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect,
                                    help_text="Your judgement for the sub-strand this quarter.")
    commentary = forms.CharField(label="Commentary", required=False, max_length=20, widget=forms.Textarea(attrs={"rows": 10}),
                                 help_text="Progress this quarter, as it will appear in the Cabinet Member's briefing.")
    percent = LenientDecimalField(label="Value (%)", required=False, max_digits=18, decimal_places=3, code="EMP-01",
                                  percent=True, min_value=Decimal(0), max_value=Decimal(100),
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                                                "class": "govuk-input--width-10"}),
                                  error_messages={"max_value": "EMP-01: a percentage cannot be more than 100"})
    money = LenientDecimalField(label="Value (£)", required=False, max_digits=18, decimal_places=3, code="BUS-02", pounds=True,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                                              "class": "govuk-input--width-10"}))
    milestone = forms.ChoiceField(label="Milestone status", required=False,
                                  choices=[("", "Choose a status"), ("on_track", "On track"), ("at_risk", "At risk <&> \"quoted\"")],
                                  error_messages={"invalid_choice": "DIG-01: choose a milestone status from the list"})
    not_available = forms.BooleanField(label="Not yet available", required=False,
                                       help_text="The figure is expected later (for example an annual figure published next quarter).")
    expected_date = GovukDateField(label="Expected date (optional)", required=False, what="the expected date",
                                   prefix="EMP-01: ", example="31 10 2023", help_text="When the figure is expected. For example, 31 10 2023")
    data_for = forms.CharField(label="Period the data is for", required=False, max_length=100,
                               help_text="For example 2022/23, Calendar year 2022 or 2023/24 Q1.",
                               widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}))
    override = forms.BooleanField(label="Override the status by the rules", required=False,
                                  help_text="Only when the rules' status would mislead: choose the status to show and say why.")
    rag_override = forms.ChoiceField(label="Status to show", required=False, choices=[("", "Choose a status"), *RAG_CHOICES])
    override_reason = forms.CharField(label="Reason for the override", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].suffix = "%"
        self.fields["money"].prefix = "£"
        self.fields["not_available"].reveals = ["expected_date"]
        self.fields["override"].reveals = ["rag_override", "override_reason"]
        self.fields["data_for"].legend_hidden = ": EMP-01"
        self.apply_govuk_classes()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("override") and not cleaned.get("override_reason"):
            self.add_error("override_reason", "EMP-01: give a reason for overriding the status")
        return cleaned


UNBOUND_INITIAL = {"version": 3, "overall_rag": "amber", "commentary": "Line one\nLine <two> & \"three\"", "percent": "12.5",
                   "money": "", "milestone": "at_risk", "not_available": False, "data_for": "2023/24 Q1", "override": True,
                   "rag_override": "red", "override_reason": ""}
BOUND_WITH_ERRORS = {"version": "3", "overall_rag": "purple", "commentary": "x" * 25, "percent": "120", "money": "£35,000",
                     "milestone": "nonsense", "not_available": "on", "expected_date-day": "31", "expected_date-month": "13",
                     "expected_date-year": "2023", "data_for": "", "override": "on", "rag_override": "", "override_reason": ""}


def drawn(form):
    """{field name: its whole form group as drawn}."""
    return {name: str(form[name].as_field_group()) for name in form.fields}


def every_case():
    return {"unbound": drawn(SampleReturnForm(initial=UNBOUND_INITIAL)),
            "bound with errors": drawn(_validated(SampleReturnForm(data=BOUND_WITH_ERRORS)))}


def _validated(form):
    form.is_valid()
    return form
