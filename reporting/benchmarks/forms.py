"""The benchmark import's form: the KPI, the file, where it is from (source, licence, date), the
comparator group, and (only where the file's headings are not LG Inform's) which columns hold what."""
from django import forms
from django.conf import settings

from kpis.models import KPI, Licence
from objectives.forms import GovukDateField, GovukFormMixin
from objectives.models import ComparatorGroup

COLUMN_HELP = "Only if the file's heading is not one the import knows (LG Inform's “{}”)."


class BenchmarkImportForm(GovukFormMixin, forms.Form):
    kpi = forms.ModelChoiceField(label="KPI", queryset=KPI.objects.none(), to_field_name="code", empty_label="Choose a KPI",
                                 error_messages={"required": "Choose the KPI the figures are for",
                                                 "invalid_choice": "Choose the KPI the figures are for"})
    file = forms.FileField(
        label="The CSV file", help_text="Published figures by council and period, as LG Inform's “Download data” "
        "saves them (a .csv file with an area code, area name, period and value for each row).",
        error_messages={"required": "Choose the CSV file to upload", "empty": "The file is empty: choose the CSV file"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    source = forms.CharField(label="Source", max_length=300,
                             help_text="Where the figures are from, e.g. LG Inform: Employment rate - aged 16-64.",
                             error_messages={"required": "Enter where the figures are from"})
    licence = forms.ChoiceField(label="Licence", choices=Licence.choices,
                                help_text="Figures under an open licence are republished in the open data; others "
                                          "are shown on the pages only.")
    published_on = GovukDateField(label="Date of the data", what="the date of the data", example="14 11 2024",
                                  help_text="The day the source published or last updated the figures. For example, "
                                            "14 11 2024")
    group = forms.ModelChoiceField(label="Compare with", queryset=ComparatorGroup.objects.all(), required=False,
                                   empty_label="The first comparator group",
                                   help_text="The comparator group the KPI is compared with.")
    code_column = forms.CharField(label="Column of the area code", required=False, max_length=100,
                                  help_text=COLUMN_HELP.format("Area code"))
    name_column = forms.CharField(label="Column of the area name", required=False, max_length=100,
                                  help_text=COLUMN_HELP.format("Area name"))
    period_column = forms.CharField(label="Column of the period", required=False, max_length=100,
                                    help_text=COLUMN_HELP.format("Period"))
    value_column = forms.CharField(label="Column of the value", required=False, max_length=100,
                                   help_text=COLUMN_HELP.format("Value"))

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = kpis if kpis is not None else KPI.objects.filter(is_active=True)
        self.fields["kpi"].label_from_instance = lambda k: f"{k.code} {k.title}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is {upload.size / 1024 / 1024:.1f} MB: it must be smaller than "
                                        f"{settings.MAX_UPLOAD_BYTES / 1024 / 1024:.0f} MB")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The file must be a CSV file (.csv): in Excel, save it as “CSV UTF-8 (Comma "
                                        "delimited) (*.csv)”")
        return upload

    def content(self):
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(settings.MAX_UPLOAD_BYTES + 1)

    def columns(self):
        """{column: heading} the person named (none: the headings the import knows)."""
        return {key: self.cleaned_data[f"{key}_column"].strip() for key in ("code", "name", "period", "value")
                if self.cleaned_data.get(f"{key}_column", "").strip()}

    def with_problems(self, problems):
        for problem in problems:
            self.add_error("file", str(problem))
        self.apply_govuk_classes()
        return self


class ConfirmBenchmarkForm(forms.Form):
    plan = forms.CharField(widget=forms.HiddenInput, error_messages={
        "required": "The preview could not be confirmed: upload the file again"})
