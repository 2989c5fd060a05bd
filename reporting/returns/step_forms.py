"""The small forms of the returns' workflow: send back with a comment, reopen for a correction, open
a period, approve several at once."""
from django import forms

from objectives.forms import GovukDateField, GovukFormMixin
from reporting.returns.forms import too_long
from reporting.returns.services import COMMENT_MAX_LENGTH


class SendBackForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 5}), max_length=COMMENT_MAX_LENGTH,
        help_text="The officer sees this comment on their return.",
        error_messages={"required": "Write a comment saying what needs to change",
                        "max_length": too_long("The comment", COMMENT_MAX_LENGTH)},
    )


class ReopenForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="Why does the approved return need correcting?", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
        help_text="The approved version is kept as a revision; the return becomes a draft again.",
        error_messages={"required": "Say why the return needs correcting",
                        "max_length": too_long("The reason", COMMENT_MAX_LENGTH)},
    )


class OpenPeriodForm(GovukFormMixin, forms.Form):
    dashboard_deadline = GovukDateField(
        label="Dashboard update deadline", required=False, what="the deadline", example="1 9 2023",
        help_text="For example, 1 9 2023. Leave it empty to keep the current deadline.",
    )


class BulkApproveForm(GovukFormMixin, forms.Form):
    returns = forms.TypedMultipleChoiceField(
        label="Returns to approve", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one return to approve",
                        "invalid_choice": "One of the returns selected is no longer waiting for approval: reload the page"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returns"].choices = list(choices)
