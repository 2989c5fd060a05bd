"""The form that records a KPI's change of process: the period the limits are recalculated from,
and why. Every check of what was typed is here; who may record one is reporting.steps'."""
from django import forms

from kpis.models import REASON_MAX_LENGTH
from objectives.forms import GovukFormMixin
from objectives.text import is_blank


class ChangeOfProcessForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(label="The change of process took effect from", choices=())
    reason = forms.CharField(
        label="Why the process changed", max_length=REASON_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the service moved to a new case system in April, which counts cases differently.",
        error_messages={"required": "Give the reason for the change of process",
                        "max_length": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, kpi, periods, recorded=(), **kwargs):
        """`periods`: the periods of the KPI's figures, oldest first (the first cannot start a
        change: limits need figures before it); `recorded`: the periods already holding one."""
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        taken = {p.pk for p in recorded}
        self.periods = {str(p.pk): p for p in periods[1:] if p.pk not in taken}
        field = self.fields["period"]
        field.choices = [("", "Choose the period"), *((key, p.label) for key, p in self.periods.items())]
        field.error_messages = {
            "required": "Choose the period from which the process changed",
            "invalid_choice": (f"Choose a period with a figure of {kpi.code}, after its first, that has no change of "
                               "process recorded already"),
        }
        self.fields["reason"].widget.attrs.pop("maxlength", None)  # the server says when it is too long
        self.apply_govuk_classes()

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if is_blank(reason):
            raise forms.ValidationError("Give the reason for the change of process")
        return reason

    @property
    def chosen_period(self):
        return self.periods.get(self.cleaned_data.get("period"))
