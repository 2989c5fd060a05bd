"""The risk review form (the owner's): the current likelihood and impact as radios in the matrix's
words, the direction of travel, the commentary, the actions' progress, each action's status and the
next review date; and the approver's buttons (approve, send back with a reason).

Every message says what is wrong and how to put it right, beside the field and in the summary."""
from django import forms

from objectives.forms import GovukDateField, GovukFormMixin
from reporting.models import RiskAction, RiskReview

DAMAGED = "The form was damaged or is out of date. Reload the page and enter your changes again."
TEXT_MAX_LENGTH = 10_000  # as a return's commentary
REASON_MAX_LENGTH = 5_000


def action_field(action):
    return f"action_{action.pk}_status"


class RiskReviewForm(GovukFormMixin, forms.Form):
    """A risk's review for a period. `matrix`: the council's (its levels are the choices); `actions`:
    the risk's actions, each with its status to set."""

    current_likelihood = forms.TypedChoiceField(
        label="Current likelihood", coerce=int, required=False, widget=forms.RadioSelect,
        help_text="How likely it is now, with the controls in place.",
        error_messages={"invalid_choice": "Choose one of the likelihoods listed."})
    current_impact = forms.TypedChoiceField(
        label="Current impact", coerce=int, required=False, widget=forms.RadioSelect,
        help_text="How serious it would be now, with the controls in place.",
        error_messages={"invalid_choice": "Choose one of the impacts listed."})
    direction = forms.ChoiceField(
        label="Direction of travel", required=False, widget=forms.RadioSelect,
        choices=RiskReview.Direction.choices,
        error_messages={"invalid_choice": "Choose one of the directions listed."})
    commentary = forms.CharField(
        label="Commentary", required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT_MAX_LENGTH,
        help_text="What has changed this period, and why the score is what it is.",
        error_messages={"max_length": f"The commentary must be {TEXT_MAX_LENGTH:,} characters or fewer."})
    actions_progress = forms.CharField(
        label="Actions' progress", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"max_length": f"The actions' progress must be {TEXT_MAX_LENGTH:,} characters or fewer."})
    next_review_date = GovukDateField(label="Next review date", what="the next review date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})

    def __init__(self, *args, matrix, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        self.fields["current_likelihood"].choices = [(level.value, f"{level.name} ({level.value})")
                                                     for level in matrix.likelihood_levels()]
        self.fields["current_impact"].choices = [(level.value, f"{level.name} ({level.value})")
                                                 for level in matrix.impact_levels()]
        self.fields["current_likelihood"].empty_value = None
        self.fields["current_impact"].empty_value = None
        for action in self.actions:
            self.fields[action_field(action)] = forms.ChoiceField(
                label=f"Status of “{action.description[:80]}”", choices=RiskAction.Status.choices,
                initial=action.status, widget=forms.Select,
                error_messages={"required": "Choose the action's status.",
                                "invalid_choice": "Choose one of the statuses listed."})
        self.apply_govuk_classes()

    def action_fields(self):
        return [self[action_field(action)] for action in self.actions]

    def review_data(self):
        """The cleaned data as reporting.risks.services.save_review takes it."""
        data = {name: self.cleaned_data.get(name) for name in
                ("current_likelihood", "current_impact", "direction", "commentary", "actions_progress",
                 "next_review_date", "version")}
        data["action_statuses"] = {action.pk: self.cleaned_data[action_field(action)] for action in self.actions
                                   if self.cleaned_data.get(action_field(action))}
        return data


class DecisionForm(GovukFormMixin, forms.Form):
    """Submit or approve: only the version the page was read from."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})


class SendBackForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="What needs to change?", widget=forms.Textarea(attrs={"rows": 4}), max_length=REASON_MAX_LENGTH,
        help_text="The risk's owner sees this reason with the review.",
        error_messages={"required": "Say what needs to change, so that the owner knows what to do.",
                        "max_length": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."})
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})
