"""The GOV.UK look for every form: a mixin that gives widgets their classes and ARIA links, and
draws each field in GOV.UK markup (objectives.govuk_markup); GOV.UK's date input, the one way a
date is typed in the product."""
import calendar
import datetime
import functools

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm, SetPasswordMixin
from django.forms.widgets import Input

from objectives.govuk_markup import GovukBoundField
from objectives.models import ComparatorGroup, LocalAuthority
from objectives.signin import tries_left

LAST_TRIES_WARNED = 2  # a wrong password warns when this many tries (or fewer) are left before the pause

# A date typed as text (the spreadsheet import, or a script posting one field): these are read.
DATE_TEXT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y"]
MONTH_NAMES = {name.lower(): number for number in range(1, 13)
               for name in (calendar.month_name[number], calendar.month_abbr[number])} | {"sept": 9}

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


@functools.cache
def _css_of(widget_class):
    """A widget's GOV.UK class (WIDGET_CLASSES), found once for each kind of widget."""
    for cls, css in WIDGET_CLASSES.items():
        if issubclass(widget_class, cls):
            return css
    return ""


class GovukFormMixin:
    """Adds GOV.UK classes, hint/error aria-describedby and error modifiers to every widget, and draws
    each field in GOV.UK markup (GovukBoundField)."""

    bound_field_class = GovukBoundField

    def _govuk_css(self, widget):
        return _css_of(type(widget))

    def full_clean(self):
        super().full_clean()
        if self.is_bound:  # the errors decide the classes; an unbound form has them from __init__
            self.apply_govuk_classes()

    def apply_govuk_classes(self):
        for name, field in self.fields.items():
            widget = field.widget
            css = self._govuk_css(widget)
            classes = set(widget.attrs.get("class", "").split())
            if css:
                classes.add(css)
            described = []
            if field.help_text:
                described.append(f"{self[name].auto_id}-hint")
            if self.is_bound and self._errors and self._errors.get(name):
                described.append(f"{self[name].auto_id}-error")
                if css in ERROR_CLASSES:
                    classes.add(ERROR_CLASSES[css])
            if classes:
                widget.attrs["class"] = " ".join(sorted(c for c in classes if c))
            if described and not isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, GovukDateInput)):
                widget.attrs["aria-describedby"] = " ".join(described)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_govuk_classes()

    def reword(self, name, *, label=None, help_text=None):
        """A field's label or hint set after the form is made (in the words of its period or its
        council): on the field and on its bound field, which __init__ has already drawn."""
        field, bound = self.fields[name], self[name]
        if label is not None:
            field.label = bound.label = label
        if help_text is not None:
            field.help_text = bound.help_text = help_text
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

    def clean(self):
        """A wrong password on one of the last tries before sign-in is paused says so."""
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) != "invalid_login":
                raise
            left = tries_left(self.request, self.cleaned_data.get("username"))
            if left is None or not 0 < left <= LAST_TRIES_WARNED:
                raise
            tries = "1 more try" if left == 1 else f"{left} more tries"
            raise forms.ValidationError(
                f"{self.error_messages['invalid_login']} You have {tries} before sign-in is paused for an hour. "
                "If you have forgotten your password, reset it instead.", code="invalid_login") from None

    def clean_username(self):
        """A username longer than any account's is refused before anyone is asked about it (Django sets
        the field's max_length after the field is made, so it is not checked on its own)."""
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.fields["username"].max_length or 150):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    """'Reset your password': the account's email address (Django's own reset, in GOV.UK words)."""

    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="The address your account uses. We will email a link to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):
    """'Choose a new password', from the emailed link."""

    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1="New password", label2="Confirm new password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {**self.error_messages,
                               "password_mismatch": "The two passwords do not match: enter the same password twice"}


# -- dates ---------------------------------------------------------------------------------------

def date_from_text(text):
    """A date typed as one piece of text ("31/10/2023", "2023-10-31", "31 October 2023"), or None."""
    text = " ".join(str(text or "").split())
    for fmt in DATE_TEXT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class GovukDateInput(forms.Widget):
    """GOV.UK's date input: a box each for the day, the month and the year, posted as
    ``<name>-day``, ``<name>-month`` and ``<name>-year``. A form posted with the date as one piece of
    text under ``<name>`` (the spreadsheet import) is read too. Drawn by objectives.govuk_markup."""

    govuk_date = True
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    error_parts = frozenset()  # which boxes the error is about (set by GovukDateField); none: all of them

    def value_from_datadict(self, data, files, name):
        typed = [data.get(f"{name}-{part}") for part, _, _ in self.PARTS]
        if any(typed) or (any(value is not None for value in typed) and not data.get(name)):
            return [value or "" for value in typed]
        return data.get(name)  # one piece of text (or the boxes left empty beside it)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part, _, _ in self.PARTS)

    def id_for_label(self, id_):
        """The first box with the problem (the error summary links to it), else the day."""
        if not id_:
            return id_
        part = next((p for p, _, _ in self.PARTS if p in self.error_parts), "day")
        return f"{id_}-{part}"

    def parts_of(self, value):
        """{day, month, year} to show in the boxes: as typed, or from a date (or a date's text)."""
        if isinstance(value, (list, tuple)):
            return dict(zip(("day", "month", "year"), value))
        if isinstance(value, datetime.datetime):
            value = value.date()
        if not isinstance(value, datetime.date):
            value = date_from_text(value) if value else None
        if value is None:
            return {}
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


class GovukDateField(forms.Field):
    """A date typed into GOV.UK's date input, with GOV.UK's messages: what is missing ("must include a
    month"), a year that is not 4 digits, a date that does not exist. `what` names the date in the
    messages ("the deadline"); `prefix` goes before each message ("HOU-01: "); `example` is the hint's."""

    widget = GovukDateInput

    def __init__(self, *, what="the date", prefix="", example="27 3 2024", **kwargs):
        self.what, self.prefix, self.example = what, prefix, example
        kwargs.setdefault("help_text", f"For example, {example}")
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid", self._sentence(f"enter {what} as a real date, for example {example}"))
        if self.error_messages["required"] == forms.Field.default_error_messages["required"]:
            self.error_messages["required"] = self._sentence(f"enter {what}")

    def _sentence(self, text):
        return f"{self.prefix}{text}" if self.prefix else text[:1].upper() + text[1:]

    def _refuse(self, parts, message, code):
        self.widget.error_parts = frozenset(parts)
        raise forms.ValidationError(message, code=code)

    def to_python(self, value):
        self.widget.error_parts = frozenset()
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, (list, tuple)):
            return self._from_boxes(*(str(v or "").strip() for v in (list(value) + ["", "", ""])[:3]))
        if value in self.empty_values or not str(value).strip():
            return None
        found = date_from_text(value)
        if found is None:
            self._refuse((), self.error_messages["invalid"], "invalid")
        return found

    def _from_boxes(self, day, month, year):
        if not (day or month or year):
            return None
        missing = [name for name, typed in (("day", day), ("month", month), ("year", year)) if not typed]
        if missing:
            words = " and ".join(missing) if len(missing) < 3 else "day, month and year"
            self._refuse(missing, self._sentence(f"{self.what} must include a {words}"), "incomplete")
        month_number = MONTH_NAMES.get(month.lower()) if not month.isdigit() else None
        wrong = [name for name, typed in (("day", day), ("year", year)) if not (typed.isascii() and typed.isdigit())]
        if not ((month.isascii() and month.isdigit()) or month_number):
            wrong.insert(1 if "day" in wrong else 0, "month")
        if wrong:
            self._refuse(wrong, self.error_messages["invalid"], "invalid")
        if len(year) != 4:
            self._refuse(["year"], self._sentence(f"{self.what} must have a year of 4 digits, for example "
                                                  f"{self.example.split()[-1]}"), "year")
        try:
            return datetime.date(int(year), month_number or int(month), int(day))
        except ValueError:
            self._refuse((), self.error_messages["invalid"], "invalid")

    def has_changed(self, initial, data):
        shown = self.widget.error_parts
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True
        finally:
            self.widget.error_parts = shown


class ComparatorGroupForm(forms.ModelForm):
    """A comparator group in the admin, with two boxes that add every current council of a type (in a
    region or nation) when it is saved: "all English councils of its type" in two choices."""

    add_kind = forms.ChoiceField(label="Type of council", required=False)
    add_region = forms.ChoiceField(label="Region or nation", required=False,
                                   help_text="Empty: every council of that type in the UK.")

    class Meta:
        model = ComparatorGroup
        fields = ["name", "description", "order", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = LocalAuthority.objects.filter(is_current=True)
        kinds = sorted(set(current.exclude(kind_name="").values_list("kind_name", flat=True)))
        nations = sorted(set(current.exclude(nation="").values_list("nation", flat=True)))
        regions = sorted(set(current.exclude(region="").values_list("region", flat=True)) - set(nations))
        self.fields["add_kind"].choices = [("", "None: add no councils")] + [(k, k) for k in kinds]
        self.fields["add_region"].choices = ([("", "Anywhere in the UK")] + [(f"nation:{n}", n) for n in nations]
                                             + [(f"region:{r}", f"{r} (region)") for r in regions])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("add_region") and not cleaned.get("add_kind"):
            self.add_error("add_kind", "Choose the type of council to add from that region or nation.")
        return cleaned

    def councils_to_add(self):
        """The current councils the two boxes choose (none when no type is chosen)."""
        kind, where = self.cleaned_data.get("add_kind"), self.cleaned_data.get("add_region") or ""
        if not kind:
            return []
        found = LocalAuthority.objects.filter(is_current=True, kind_name=kind)
        scope, _, name = where.partition(":")
        if scope == "nation":
            found = found.filter(nation=name)
        elif scope == "region":
            found = found.filter(region=name)
        return list(found)
