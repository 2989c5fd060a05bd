"""Forms for action-plan updates: a recommendation's narrative, status and output figures (with
breakdown rows), a new update round, its committee report's cover, and the workflow buttons.

Every message says what is wrong and how to put it right, and appears beside the field and in
the error summary at the top of the page."""
from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.functional import lazy

from kpis.numbers import NumberError, check_figure, figure_limit, parse_number
from objectives.council import mail_domain
from objectives.forms import GovukDateField, GovukFormMixin
from objectives.models import Action
from reporting.models import PlanUpdate
from reporting.plans.services import COVER_FIELDS

MAX_FIGURES = 30
DAMAGED = "The form was damaged or is out of date. Reload the page and enter your changes again."
MAX_BREAKDOWN_ITEMS = 40
BLANK_FIGURES = 2
BLANK_BREAKDOWN_ROWS = 3
FIGURE_PLACES = 2  # an output figure is to the penny (reporting.models.OutputFigure)
NARRATIVE_MAX_LENGTH = 10_000  # as a return's commentary
COVER_TEXT_MAX_LENGTH = 20_000  # each of a committee report's cover fields, as the briefing's
EMAIL_EXAMPLE = lazy(lambda: f"Enter the email address in the right format, like name@{mail_domain()}", str)()


class AmountField(forms.CharField):
    """A number as a person types it in en-GB (kpis.numbers.parse_number): '1,470', '£35,000,000' and
    ' 860000 ' are accepted; within the range the database holds (two decimal places)."""

    def __init__(self, *args, what="the figure", **kwargs):
        self.what = what
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        what = self.what
        try:
            number = parse_number(value, pounds=True)
            check_figure(number, places=FIGURE_PLACES)
        except NumberError as exc:
            if exc.code == "invalid":
                raise forms.ValidationError(
                    f"Enter {what} as a number, like 1470 or 35000000 (not words such as “{value[:30]}”)", code="invalid")
            if exc.code == "negative":
                raise forms.ValidationError(f"{what[0].upper()}{what[1:]} cannot be negative", code="negative")
            if exc.code == "too_large":
                raise forms.ValidationError(
                    f"{what[0].upper()}{what[1:]} is too large: the largest it can be is {figure_limit(FIGURE_PLACES):,f}",
                    code="too_large")
            if exc.code == "decimals":
                raise forms.ValidationError(f"Give {what} to no more than {FIGURE_PLACES} decimal places", code="decimals")
            raise forms.ValidationError(f"{what[0].upper()}{what[1:]}: {exc.message}", code=exc.code)
        return number


def date_field(label, *, what, required=True, example="31 5 2018"):
    """A date of a round (GOV.UK's date input, objectives.forms.GovukDateField)."""
    return GovukDateField(label=label, what=what, required=required, example=example)


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
        required=False, max_length=NARRATIVE_MAX_LENGTH,
        error_messages={"max_length": f"The progress must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"},
        help_text="Write it as it should appear in the committee report, figures included. Leave a blank line between "
        "paragraphs; start a line with “- ” for a bullet point, “# ” for a heading.",
    )
    status = forms.ChoiceField(
        label="Status", choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the statuses listed"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, error_messages={
        "required": DAMAGED, "invalid": DAMAGED, "min_value": DAMAGED})

    def __init__(self, *args, recommendations=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = editing  # changing a saved update: the version it was opened at
        self.fields["narrative"].widget.attrs.pop("maxlength", None)  # the server says it is too long, not the browser
        if recommendations is None:
            del self.fields["recommendation"]
        else:
            self.fields["recommendation"].queryset = recommendations
        self.apply_govuk_classes()


class PlanUpdateStartForm(GovukFormMixin, forms.Form):
    """A new update round; its report's cover is carried forward from the previous round."""

    title = forms.CharField(
        label="Title", max_length=300, help_text="As the committee report will be headed, for example "
        "“Action Plan for Employment – update at June 2018”",
        error_messages={"required": "Enter the report's title"},
    )
    slug = forms.CharField(
        label="Short name for the address", max_length=20,
        help_text="The year and month it reports to, like 2018-06",
        validators=[RegexValidator(r"^[0-9]{4}-[0-9]{2}$", "Enter the year and month as four digits, a hyphen and two digits, like 2018-06")],
        error_messages={"required": "Enter the year and month it reports to, like 2018-06"},
    )
    as_at = date_field("Progress reported up to", what="the date progress is reported up to")
    committee = forms.CharField(label="Committee (optional)", max_length=300, required=False,
                                help_text="Left empty, it is the same as the previous report's")
    meeting_date = date_field("Meeting date (optional)", what="the meeting date", required=False, example="12 6 2018")


class PlanReportCoverForm(GovukFormMixin, forms.ModelForm):
    """The cover of a round's committee report, in the council's template, field by field."""

    as_at = date_field("Progress reported up to", what="the date progress is reported up to")
    meeting_date = date_field("Meeting date (optional)", what="the meeting date", required=False, example="12 6 2018")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": DAMAGED, "invalid": DAMAGED, "min_value": DAMAGED})

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
                          "contact_email": {"invalid": EMAIL_EXAMPLE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 12 if name == "introduction" else 4
                field.max_length = COVER_TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(COVER_TEXT_MAX_LENGTH))
                field.error_messages["max_length"] = (
                    f"{field.label} must be {COVER_TEXT_MAX_LENGTH:,} characters or fewer")
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.apply_govuk_classes()

    def validate_unique(self):
        """Uniqueness is the service's job; the form only checks what was typed."""


class AttachmentForm(GovukFormMixin, forms.Form):
    """A paper attached to an update: a file, or the address where it is published."""

    name = forms.CharField(
        label="Name", max_length=300, required=False,
        help_text="As the narrative names it, for example “mrg september 17 minutes.docx”. A line of the narrative that "
        "is exactly this name becomes the link to it. Left empty, the file's name is used.",
    )
    file = forms.FileField(label="File (optional)", required=False,
                           help_text="A PDF, Word, Excel, PowerPoint, OpenDocument, text or CSV file")
    url = forms.URLField(label="Or its web address (optional)", required=False, max_length=500, assume_scheme="https",
                         error_messages={"invalid": "Enter the web address in full, like https://www.example.gov.uk/minutes.pdf"})

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            message = ("Choose the file to attach, or enter its web address" if not data.get("file")
                       else "Attach a file or give a web address, not both")
            self.add_error("file", message)
        return data


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
