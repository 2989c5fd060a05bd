"""The forms of the Excel import: the upload, and the confirmation of a previewed import."""
import copy

from django import forms
from django.conf import settings

from objectives.forms import GovukFormMixin


def _megabytes(size):
    return f"{size / 1024 / 1024:.0f} MB"


class ImportWorkbookForm(GovukFormMixin, forms.Form):
    workbook = forms.FileField(
        label="The filled-in workbook",
        help_text=f"The return template (or the briefing workbook) as an Excel workbook (.xlsx), smaller than "
        f"{_megabytes(settings.MAX_UPLOAD_BYTES)}.",
        error_messages={
            "required": "Choose the filled-in workbook (.xlsx) to upload",
            "empty": "The file is empty: choose the filled-in workbook (.xlsx)",
            "invalid": "Choose the filled-in workbook (.xlsx) to upload",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: it must be smaller than {_megabytes(limit)}"
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "The file must be an Excel workbook (.xlsx): save it in Excel as “Excel Workbook (.xlsx)” and upload it again"
            )
        return upload

    @classmethod
    def with_problems(cls, problems, form=None):
        """The upload form showing each problem beside the file field (and so in the error summary)."""
        if form is None:
            form = cls(data={}, files={})
            form.full_clean()
            form.errors.clear()
        for problem in problems:
            form.add_error("workbook", str(problem))
        form.apply_govuk_classes()
        return form

    def content(self):
        """The uploaded file's bytes (at most the upload limit; the size was checked in clean)."""
        upload = self.cleaned_data["workbook"]
        upload.seek(0)
        return upload.read(settings.MAX_UPLOAD_BYTES + 1)


class ConfirmImportForm(GovukFormMixin, forms.Form):
    plan = forms.CharField(widget=forms.HiddenInput, error_messages={
        "required": "The preview could not be confirmed: upload the workbook again",
    })


def _onboarding_field(what="The onboarding workbook"):
    found = copy.deepcopy(ImportWorkbookForm.base_fields["workbook"])
    found.help_text = f"{what} as an Excel workbook (.xlsx), smaller than {_megabytes(settings.MAX_UPLOAD_BYTES)}."
    return found


class OnboardingWorkbookForm(ImportWorkbookForm):
    """The upload of the onboarding workbook (reporting/workbooks/onboarding.py): the same checks."""

    workbook = _onboarding_field()


class RiskRegisterWorkbookForm(ImportWorkbookForm):
    """The upload of the risk register workbook (reporting/workbooks/risk_register.py): the same checks."""

    workbook = _onboarding_field("The risk register workbook")
