"""The Economy Cell's form for the risk register report's cover."""
from django import forms

from objectives.forms import GovukDateField, GovukFormMixin
from reporting.models import RiskReport

DAMAGED = "The form was damaged or is out of date. Reload the page and enter your changes again."


class RiskReportCoverForm(GovukFormMixin, forms.ModelForm):
    meeting_date = GovukDateField(label="Date of meeting (optional)", what="the meeting date", required=False,
                                  example="12 6 2024")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": DAMAGED, "invalid": DAMAGED, "min_value": DAMAGED})

    class Meta:
        model = RiskReport
        fields = ["title", "committee", "meeting_date", "summary", "recommendations", "contact_officer",
                  "contact_telephone", "contact_email", "include_exempt"]
        labels = {
            "title": "Title (optional)",
            "committee": "Report to (optional)",
            "summary": "Summary",
            "recommendations": "Recommendation(s) to members",
            "contact_officer": "Contact officer",
            "contact_telephone": "Contact officer's telephone number",
            "contact_email": "Contact officer's email address",
            "include_exempt": "Include exempt risks (not for publication)",
        }
        help_texts = {
            "summary": "Leave a blank line between paragraphs; start a line with “- ” for a bullet point.",
            "recommendations": "Leave a blank line between paragraphs.",
            "include_exempt": "Exempt risks are left out unless this is ticked. Ticked, the report says on its cover "
            "that it is not for publication: it is for members only.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("summary", "recommendations"):
            self.fields[name].widget.attrs["rows"] = 6
        self.apply_govuk_classes()
