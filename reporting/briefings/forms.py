"""The coordinator's form for the briefing's own text, and the approver's confirmation to issue it."""
from django import forms

from objectives.council import lazy_words, words
from objectives import cadence as cadences
from objectives.forms import GovukFormMixin
from reporting.models import Briefing

MAX_TEXT = 20_000
PARAGRAPH_HINT = "Leave a blank line between paragraphs."
TEXT_FIELDS = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction"]


class BriefingForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Briefing
        fields = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction",
                  "include_what_changed", "include_kpi_appendix"]
        labels = {
            "title": "Title",
            "purpose": "1.0 Purpose of Briefing Note",
            "recommendations": "2.0 Recommendations",
            "background": "3. Background",
            "governance": "4 Governance & reporting",
            "progress_introduction": "5. Progress to date: introduction",
            "include_kpi_appendix": "Include an appendix of the KPIs with a figure to report",
        }
        help_texts = {
            "title": "For example, Economic Strategy Action Plan 2023/24 – Quarter 2 progress",
            "purpose": PARAGRAPH_HINT,
            "recommendations": PARAGRAPH_HINT,
            "background": "Each paragraph is numbered (3.1, 3.2 …). " + PARAGRAPH_HINT,
            "governance": "The first paragraph comes before the governance calendar table, the rest after it. "
            "The table itself is built from the reporting periods' dates.",
            "progress_introduction": lazy_words(
                "The first paragraph comes before the table of {objective.many_lower} and {sub_strand.many_lower}, "
                "the rest after it. Each {sub_strand.one_lower}'s status and commentary come from its approved return."),
            "include_kpi_appendix": "Each KPI's latest approved figure, its target, RAG status and the period the data "
            "is for. The briefing workbook always has every KPI.",
        }
        error_messages = {
            "purpose": {"required": "Enter the purpose of the briefing note"},
            "recommendations": {"required": "Enter the recommendations"},
            "title": {"max_length": "Title must be 300 characters or fewer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_the_periods_words()
        self.fields["purpose"].required = True
        self.fields["recommendations"].required = True
        self.fields["version"].error_messages = {
            "required": "The form is missing its version: open the briefing again.",
            "invalid": "The form is missing its version: open the briefing again.",
            "min_value": "The form is missing its version: open the briefing again.",
        }
        for name in TEXT_FIELDS:
            if name != "title":
                self.fields[name].widget.attrs["rows"] = 6
        self.fields["title"].widget.attrs["maxlength"] = 300
        self.apply_govuk_classes()

    def _in_the_periods_words(self):
        """The labels and hints that name a period, in the words of the briefing's strategy: 'since last
        half-year', 'the month's summary', 'Half-year 2 progress'."""
        period = self.instance.period if self.instance.period_id else None
        term = period.term if period else cadences.term(cadences.QUARTERLY)
        if period is not None:
            self.reword("title", help_text=f"For example, {period.strategy.name} – {period.label} progress")
        self.reword("include_what_changed", label=words(
            "Include “7. What changed since last {period.one_lower}” after the {period.one_lower}'s summary", period=term),
            help_text=words("Status movements since last {period.one_lower}, KPIs that turned Red or Amber, figures still "
                            "not available and returns missing, built from the approved data.", period=term))

    def clean(self):
        data = super().clean()
        for name in TEXT_FIELDS:
            value = data.get(name) or ""
            if len(value) > MAX_TEXT:
                self.add_error(name, f"{self.fields[name].label} must be {MAX_TEXT:,} characters or fewer "
                                     f"(it has {len(value):,})")
        return data


class IssueBriefingForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={
        "required": "The form is missing its version: open the page again.",
        "invalid": "The form is missing its version: open the page again.",
    })
