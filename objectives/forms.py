"""The GOV.UK look for every form: a mixin that gives widgets their classes and ARIA links."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.widgets import Input

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    Input: "govuk-input",
}
ERROR_CLASSES = {
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-input": "govuk-input--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukFormMixin:
    """Adds GOV.UK classes, hint/error aria-describedby and error modifiers to every widget."""

    def _govuk_css(self, widget):
        for cls, css in WIDGET_CLASSES.items():
            if isinstance(widget, cls):
                return css
        return ""

    def full_clean(self):
        super().full_clean()
        self.apply_govuk_classes()

    def apply_govuk_classes(self):
        for name, field in self.fields.items():
            widget = field.widget
            css = self._govuk_css(widget)
            classes = set(widget.attrs.get("class", "").split())
            if css:
                classes.add(css)
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if self.is_bound and self._errors and self._errors.get(name):
                described.append(f"{bound.auto_id}-error")
                if css in ERROR_CLASSES:
                    classes.add(ERROR_CLASSES[css])
            if classes:
                widget.attrs["class"] = " ".join(sorted(c for c in classes if c))
            if described and not isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                widget.attrs["aria-describedby"] = " ".join(described)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_govuk_classes()


class LoginForm(GovukFormMixin, AuthenticationForm):
    """Django's sign-in form in GOV.UK markup, with messages a council officer understands."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask the administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["username"].widget.attrs["spellcheck"] = "false"

    def clean_username(self):
        """A username longer than any account's is refused before anyone is asked about it (Django sets
        the field's max_length after the field is made, so it is not checked on its own)."""
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.fields["username"].max_length or 150):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username
