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
                  "include_attention", "attention_text", "include_risks", "risks_text", "include_what_changed",
                  "include_kpi_appendix"]
        labels = {
            "title": "Title",
            "purpose": "1.0 Purpose of Briefing Note",
            "recommendations": "2.0 Recommendations",
            "background": "3. Background",
            "governance": "4 Governance & reporting",
            "progress_introduction": "5. Progress to date: introduction",
            "include_kpi_appendix": "Include an appendix of the KPIs with a figure to report",
            "include_attention": "Include “7. What needs attention” after the summary",
            "attention_text": "What needs attention: its text",
            "include_risks": "Include “Risks that need attention” after the summary",
            "risks_text": "Risks that need attention: its text",
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
            "include_attention": "A short ranked list of the KPIs that need attention, each line made by a rule from the "
            "approved figures and citing them: a special-cause concern, Red two periods running, a shift or trend the "
            "wrong way, consistently failing its target, a milestone slipping, Red or concerning with no commentary, a "
            "stale figure. “What changed” follows it as section 8.",
            "attention_text": "The rules' lines as the approved figures stand now. Edit them as you need: one numbered "
            "line a KPI, starting with its code (which links to its page). Left as the rules wrote them, they follow "
            "the figures until the briefing is issued; issuing keeps the text as issued.",
            "include_risks": "The risks outside appetite and those whose score rose, each with its score and band in "
            "words, from the approved risk reviews of the period. Exempt risks are never in it. It is numbered with the "
            "other sections.",
            "risks_text": "The lines as the approved risk reviews stand now. Edit them as you need: one numbered line a "
            "risk, starting with its reference (which links to its page). Left as they are, they follow the reviews "
            "until the briefing is issued; issuing keeps the text as issued.",
            "include_kpi_appendix": "Each KPI's latest approved figure, its target, RAG status and the period the data "
            "is for. The briefing workbook always has every KPI.",
        }
        error_messages = {
            "purpose": {"required": "Enter the purpose of the briefing note"},
            "recommendations": {"required": "Enter the recommendations"},
            "title": {"max_length": "Title must be 300 characters or fewer"},
        }

    def __init__(self, *args, suggested_attention="", suggested_risks="", **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested_attention = suggested_attention
        self.suggested_risks = suggested_risks
        self._in_the_periods_words()
        self.fields["purpose"].required = True
        self.fields["recommendations"].required = True
        self.fields["version"].error_messages = {
            "required": "The form is missing its version: open the briefing again.",
            "invalid": "The form is missing its version: open the briefing again.",
            "min_value": "The form is missing its version: open the briefing again.",
        }
        for name in [*TEXT_FIELDS, "attention_text", "risks_text"]:
            if name not in ("title", "risks_text"):
                self.fields[name].widget.attrs["rows"] = 6
        self.fields["title"].widget.attrs["maxlength"] = 300
        self.fields["attention_text"].widget.attrs["rows"] = 12
        self.fields["risks_text"].widget.attrs["rows"] = 8
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

    def clean_attention_text(self):
        """The rules' lines left as they are saved as nothing, so that they follow the figures until issue."""
        text = self.cleaned_data.get("attention_text") or ""
        if _lines(text) == _lines(self.suggested_attention):
            return ""
        return text

    def clean_risks_text(self):
        """The lines as the reviews wrote them, left as they are, saved as nothing: they follow the reviews until issue."""
        text = self.cleaned_data.get("risks_text") or ""
        if _lines(text) == _lines(self.suggested_risks):
            return ""
        return text

    def clean(self):
        data = super().clean()
        for name in [*TEXT_FIELDS, "attention_text", "risks_text"]:
            value = data.get(name) or ""
            if len(value) > MAX_TEXT:
                self.add_error(name, f"{self.fields[name].label} must be {MAX_TEXT:,} characters or fewer "
                                     f"(it has {len(value):,})")
        return data


def _lines(text):
    return [line.strip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


class IssueBriefingForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={
        "required": "The form is missing its version: open the page again.",
        "invalid": "The form is missing its version: open the page again.",
    })
