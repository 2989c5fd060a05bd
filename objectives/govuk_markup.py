"""Every form field in GOV.UK Design System markup, written in Python: the one home of that markup.

A form with GovukFormMixin (objectives.forms) has GovukBoundField for its fields, so
``{{ field.as_field_group }}`` and ``{{ form }}`` come here; a form without it reaches the same code
through templates/django/forms/field.html. Building the markup in Python rather than through a
template per field and one per widget is what keeps a long form (a return of 20 KPIs: 160 fields)
quick to draw: every value is escaped here (`_e`), and the result marked safe once.

What a field may carry, besides Django's own label, help text and errors:

- ``prefix`` / ``suffix``: GOV.UK's input prefix and suffix (a unit: "£", "%", "sq m"); shown to
  the eye only, so the label says the unit in words too.
- ``reveals``: names of fields of the same form shown as a GOV.UK conditional reveal under a
  checkbox (hidden until it is ticked when JavaScript runs; always shown without it).
- ``legend_hidden``: words after the label or legend for screen readers only (" for Quarter 1").
- ``label_class``: an extra class for the label.
"""
from html import escape as _escape

from django import forms
from django.forms import BoundField
from django.forms.widgets import Input
from django.utils.safestring import SafeData, mark_safe

__all__ = ["GovukBoundField", "render_field"]


def _e(value):
    """Escaped text (as Django's conditional_escape: text already marked safe is left as it is)."""
    if isinstance(value, SafeData):
        return str(value)
    return _escape(str(value), quote=True)


def _attrs(attrs):
    """HTML attributes as Django's widget templates write them: True alone, False and None left out."""
    return "".join(f" {k}" if v is True else f' {k}="{_e(v)}"' for k, v in attrs.items() if v is not None and v is not False)


def _input(ctx):
    value = ctx["value"]
    value_attr = f' value="{_e(value)}"' if value is not None else ""
    return f'<input type="{ctx["type"]}" name="{_e(ctx["name"])}"{value_attr}{_attrs(ctx["attrs"])}>'


def _textarea(ctx):
    value = ctx["value"]
    return f'<textarea name="{_e(ctx["name"])}"{_attrs(ctx["attrs"])}>\n{_e(value) if value else ""}</textarea>'


def _select(ctx):
    parts = []
    for group_name, options, _index in ctx["optgroups"]:
        rendered = "".join(f'<option value="{_e(o["value"])}"{_attrs(o["attrs"])}>{_e(o["label"])}</option>' for o in options)
        parts.append(f'<optgroup label="{_e(group_name)}">{rendered}</optgroup>' if group_name else rendered)
    return f'<select name="{_e(ctx["name"])}"{_attrs(ctx["attrs"])}>{"".join(parts)}</select>'


def render_widget(widget, name, value, attrs):
    """The widget's own element in Python for the common widgets; any other through its template."""
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget,
                           forms.ClearableFileInput)) or not isinstance(widget, (Input, forms.Textarea, forms.Select)):
        return widget.render(name, value, attrs)
    ctx = widget.get_context(name, value, attrs)["widget"]
    if isinstance(widget, forms.Textarea):
        return mark_safe(_textarea(ctx))
    if isinstance(widget, forms.Select):
        return mark_safe(_select(ctx))
    return mark_safe(_input(ctx))


class GovukBoundField(BoundField):
    """A bound field drawn by render_field (its group) and render_widget (its element)."""

    def as_field_group(self):
        return render_field(self)

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if self.field.localize:
            widget.is_localized = True
        attrs = self.build_widget_attrs(attrs or {}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.html_initial_id if only_initial else self.auto_id)
        if only_initial and self.html_initial_name in self.form.data:
            value = self.form._widget_data_value(self.field.hidden_widget(), self.html_initial_name)
        else:
            value = self.value()
        if getattr(widget, "govuk_date", False):
            return mark_safe(_date_inputs(self, widget, value))
        return render_widget(widget, self.html_initial_name if only_initial else self.html_name, value, attrs)


# -- the parts of a field group --------------------------------------------------------------------

def _errors(bf):
    errors = bf.errors
    if not errors:
        return ""
    lines = "<br>".join(f'<span class="govuk-visually-hidden">Error:</span> {_e(e)}' for e in errors)
    return f'<p id="{bf.auto_id}-error" class="govuk-error-message">{lines}</p>'


def _hint(bf, extra_class=""):
    if not bf.help_text:
        return ""
    return f'<div id="{bf.auto_id}-hint" class="govuk-hint{extra_class}">{_e(bf.help_text)}</div>'


def _label_text(bf):
    hidden = getattr(bf.field, "legend_hidden", "")
    if hidden:
        return f'{_e(bf.label)}<span class="govuk-visually-hidden">{_e(hidden)}</span>'
    return _e(bf.label)


def _described_by(bf):
    ids = []
    if bf.help_text:
        ids.append(f"{bf.auto_id}-hint")
    if bf.errors:
        ids.append(f"{bf.auto_id}-error")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _choices(bf, radios):
    kind = "radios" if radios else "checkboxes"
    kind_input = "radio" if radios else "checkbox"
    items = []
    for index, choice in enumerate(bf.subwidgets):
        data = choice.data
        choice_id = bf.auto_id if index == 0 else choice.id_for_label
        checked = " checked" if data["selected"] else ""
        items.append(
            f'<div class="govuk-{kind}__item"><input class="govuk-{kind}__input" id="{choice_id}" name="{_e(bf.html_name)}" '
            f'type="{kind_input}" value="{_e(data["value"])}"{checked}>'
            f'<label class="govuk-label govuk-{kind}__label" for="{choice_id}">{_e(choice.choice_label)}</label></div>')
    modifier = "govuk-radios govuk-radios--small govuk-radios--inline" if radios else "govuk-checkboxes govuk-checkboxes--small"
    return (f'<fieldset class="govuk-fieldset"{_described_by(bf)}><legend class="govuk-fieldset__legend '
            f'govuk-fieldset__legend--s">{_label_text(bf)}</legend>{_hint(bf)}{_errors(bf)}'
            f'<div class="{modifier}" data-module="govuk-{kind}">{"".join(items)}</div></fieldset>')


def _checkbox(bf):
    reveals = [bf.form[name] for name in getattr(bf.field, "reveals", ()) if name in bf.form.fields]
    attrs = {}
    conditional = ""
    if reveals:
        conditional_id = f"conditional-{bf.auto_id}"
        attrs["data-aria-controls"] = conditional_id
        shown = bf.field.widget.check_test(bf.value()) or any(r.errors for r in reveals)  # an error is never hidden
        hidden = "" if shown else " govuk-checkboxes__conditional--hidden"
        conditional = (f'<div class="govuk-checkboxes__conditional{hidden}" id="{conditional_id}">'
                       f'{"".join(render_field(r) for r in reveals)}</div>')
    return (f'{_errors(bf)}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            f'<div class="govuk-checkboxes__item">{bf.as_widget(attrs=attrs)}<label class="govuk-label '
            f'govuk-checkboxes__label" for="{bf.id_for_label}">{_label_text(bf)}</label>'
            f'{_hint(bf, " govuk-checkboxes__hint")}</div>{conditional}</div>')


def _date_inputs(bf, widget, value):
    """GOV.UK's date input: a box each for the day, the month and the year."""
    parts = widget.parts_of(value)
    wrong = widget.error_parts if bf.errors else set()
    boxes = []
    for part, label, width in widget.PARTS:
        in_error = bool(bf.errors) and (not wrong or part in wrong)
        css = f"govuk-input govuk-date-input__input govuk-input--width-{width}{' govuk-input--error' if in_error else ''}"
        box_id = f"{bf.auto_id}-{part}"
        typed = parts.get(part)
        value_attr = f' value="{_e(typed)}"' if typed not in (None, "") else ""
        invalid = ' aria-invalid="true"' if in_error else ""
        boxes.append(
            f'<div class="govuk-date-input__item"><div class="govuk-form-group">'
            f'<label class="govuk-label govuk-date-input__label" for="{box_id}">{label}</label>'
            f'<input class="{css}" id="{box_id}" name="{_e(bf.html_name)}-{part}" type="text" inputmode="numeric" '
            f'spellcheck="false"{value_attr}{invalid}></div></div>')
    return f'<div class="govuk-date-input" id="{bf.auto_id}">{"".join(boxes)}</div>'


def _date(bf):
    return (f'<fieldset class="govuk-fieldset" role="group"{_described_by(bf)}><legend class="govuk-fieldset__legend '
            f'govuk-fieldset__legend--s">{_label_text(bf)}</legend>{_hint(bf)}{_errors(bf)}'
            f'{_date_inputs(bf, bf.field.widget, bf.value())}</fieldset>')


def _input_with_unit(bf):
    element = bf.as_widget()
    prefix, suffix = getattr(bf.field, "prefix", ""), getattr(bf.field, "suffix", "")
    if not (prefix or suffix):
        return element
    before = f'<div class="govuk-input__prefix" aria-hidden="true">{_e(prefix)}</div>' if prefix else ""
    after = f'<div class="govuk-input__suffix" aria-hidden="true">{_e(suffix)}</div>' if suffix else ""
    return f'<div class="govuk-input__wrapper">{before}{element}{after}</div>'


def render_field(bf):
    """A field's whole GOV.UK form group: label or legend, hint, errors and the input(s)."""
    widget = bf.field.widget
    if widget.is_hidden:
        return bf.as_widget()
    if isinstance(widget, forms.RadioSelect):
        inner = _choices(bf, radios=True)
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        inner = _choices(bf, radios=False)
    elif isinstance(widget, forms.CheckboxInput):
        inner = _checkbox(bf)
    elif getattr(widget, "govuk_date", False):
        inner = _date(bf)
    else:
        label_class = getattr(bf.field, "label_class", "")
        inner = (f'<label class="govuk-label{" " + label_class if label_class else ""}" for="{bf.id_for_label}">'
                 f'{_label_text(bf)}</label>{_hint(bf)}{_errors(bf)}{_input_with_unit(bf)}')
    css = "govuk-form-group govuk-form-group--error" if bf.errors else "govuk-form-group"
    return mark_safe(f'<div class="{css}" id="{bf.auto_id}-group">{inner}</div>')
