from django import forms

from objectives.forms import GovukFormMixin, LoginForm


class SampleForm(GovukFormMixin, forms.Form):
    name = forms.CharField(help_text="Your name")
    notes = forms.CharField(widget=forms.Textarea, required=False)


def test_widgets_get_govuk_classes_and_hint_links():
    form = SampleForm()
    assert form.fields["name"].widget.attrs["class"] == "govuk-input"
    assert form.fields["notes"].widget.attrs["class"] == "govuk-textarea"
    assert form.fields["name"].widget.attrs["aria-describedby"] == "id_name-hint"


def test_a_bound_form_is_not_validated_until_asked():
    form = SampleForm(data={})
    assert form._errors is None
    assert not form.is_valid()
    assert "govuk-input--error" in form.fields["name"].widget.attrs["class"]
    assert form.fields["name"].widget.attrs["aria-describedby"] == "id_name-hint id_name-error"


def test_login_form_speaks_plainly(db):
    form = LoginForm(data={})
    assert not form.is_valid()
    assert form.errors["username"] == ["Enter your username"]
    assert form.errors["password"] == ["Enter your password"]
