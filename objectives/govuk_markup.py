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

GOV.UK's rules drawn here, once for every form: radios side by side only when there are two
(`govuk-radios--inline`), three or more stacked; a text box whose field has a ``max_length`` is a
GOV.UK character count, its limit asked from the field (which has it from the model or the form),
never written into a template.
"""
from functools import lru_cache
from html import escape as _escape

from django import forms
from django.forms import BoundField
from django.forms.widgets import Input
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, SafeString

__all__ = ["GovukBoundField", "render_field"]


def _e(value):
    """Escaped text (as Django's conditional_escape: text already marked safe is left as it is)."""
    if isinstance(value, SafeData):
        return str(value)
    text = str(value)
    return _escaped(text) if len(text) <= 100 else _escape(text, quote=True)


@lru_cache(maxsize=8192)
def _escaped(text):
    """Short text escaped, kept: the same few thousand names, ids, classes, labels and figures are escaped
    on every long form drawn (the long texts people write are escaped each time, never kept)."""
    return _escape(text, quote=True)


def _attrs(attrs):
    """HTML attributes as Django's widget templates write them: True alone, False and None left out."""
    drawn = []
    for k, v in attrs.items():
        if v is True:
            drawn.append(f" {k}")
        elif v is not None and v is not False:
            drawn.append(f' {k}="{_e(v)}"')
    return "".join(drawn)


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
    """The widget's own element in Python for the common widgets; any other through its template.
    The common ones are drawn straight from the widget, as its get_context would give them, without
    building the context (a select's options, a dict each) that only a template needs."""
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget,
                           forms.ClearableFileInput)) or not isinstance(widget, (Input, forms.Textarea, forms.Select)):
        return widget.render(name, value, attrs)
    drawn = type(widget).get_context
    if drawn is forms.Select.get_context and not widget.allow_multiple_selected:
        return SafeString(_select_of(widget, name, value, attrs))
    if drawn in _PLAIN_CONTEXTS:
        if drawn is forms.PasswordInput.get_context and not widget.render_value:
            value = None
        if drawn is forms.CheckboxInput.get_context and widget.check_test(value):
            attrs = {**(attrs or {}), "checked": True}
        ctx = {"name": name, "value": widget.format_value(value), "attrs": widget.build_attrs(widget.attrs, attrs)}
        if isinstance(widget, forms.Textarea):
            return SafeString(_textarea(ctx))
        return SafeString(_input({**ctx, "type": widget.input_type}))
    ctx = widget.get_context(name, value, attrs)["widget"]
    if isinstance(widget, forms.Textarea):
        return SafeString(_textarea(ctx))
    if isinstance(widget, forms.Select):
        return SafeString(_select(ctx))
    return SafeString(_input(ctx))


# Widgets whose get_context is only Django's own for an input or a textarea: drawn without it.
_PLAIN_CONTEXTS = {forms.Widget.get_context, Input.get_context, forms.CheckboxInput.get_context,
                   forms.PasswordInput.get_context}


def _select_of(widget, name, value, attrs):
    """A single select as Django's optgroups draw it: the first option whose value is the value selected.
    Choices fixed for good (with a `drawn_options` dict, reporting.years.forms.FixedChoices: a hundred
    selects of the same few options on the targets page) keep their options drawn for each value chosen."""
    wanted = widget.format_value(value)
    drawn = getattr(widget.choices, "drawn_options", None)
    if drawn is None:
        options = _options_of(widget.choices, wanted)
    else:
        key = tuple(wanted)
        options = drawn.get(key)
        if options is None:
            options = _options_of(widget.choices, wanted)
            if len(drawn) < 64:  # a value posted that is none of them is drawn, not kept
                drawn[key] = options
    return f'<select name="{_e(name)}"{_attrs(widget.build_attrs(widget.attrs, attrs))}>{options}</select>'


def _options_of(choices, wanted):
    parts, chosen = [], False
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        group = isinstance(option_label, (list, tuple))
        options = []
        for sub_value, sub_label in (option_label if group else [(option_value, option_label)]):
            selected = not chosen and str(sub_value) in wanted
            chosen = chosen or selected
            options.append(f'<option value="{_e(sub_value)}"{" selected" if selected else ""}>{_e(sub_label)}</option>')
        parts.append(f'<optgroup label="{_e(option_value)}">{"".join(options)}</optgroup>' if group else options[0])
    return "".join(parts)


class GovukBoundField(BoundField):
    """A bound field drawn by render_field (its group) and render_widget (its element). Its id and, for
    a field with none, its empty list of errors are worked out once (Django works them out again on
    every ask, several times a field)."""

    @cached_property
    def auto_id(self):
        return super().auto_id

    @property
    def errors(self):
        found = self.form.errors.get(self.name)
        if found is not None:
            return found
        try:
            return self._no_errors
        except AttributeError:
            self._no_errors = self.form.error_class(renderer=self.form.renderer)
            return self._no_errors

    def as_field_group(self):
        return render_field(self)

    def build_widget_attrs(self, attrs, widget=None):
        """Django's, quicker for the common field (not required, not disabled, its widget's own
        aria-describedby given, as GovukFormMixin gives one to every field with a hint): the field's
        errors asked once. Any other field goes to Django's."""
        widget = widget or self.field.widget
        field = self.field
        if field.required or field.disabled or not (widget.attrs.get("aria-describedby") or not self.help_text):
            return super().build_widget_attrs(attrs, widget)
        attrs = dict(attrs)
        hidden = widget.is_hidden
        errors = None if hidden else self.errors
        if errors:
            attrs["aria-invalid"] = "true"
        if errors and not attrs.get("aria-describedby") and not widget.use_fieldset and not widget.attrs.get(
                "aria-describedby") and self.auto_id:
            attrs["aria-describedby"] = f"{self.auto_id}_error"
        return attrs

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
            return SafeString(_date_inputs(self, widget, value))
        return render_widget(widget, self.html_initial_name if only_initial else self.html_name, value, attrs)


# -- the parts of a field group --------------------------------------------------------------------

class _Field:
    """What a field group is drawn from, each asked of the bound field once (Django works each out
    again on every ask: the errors as a new list, the id from the form's format)."""

    __slots__ = ("bf", "field", "errors", "auto_id", "help_text")

    def __init__(self, bf):
        self.bf, self.field = bf, bf.field
        self.errors, self.auto_id, self.help_text = bf.errors, bf.auto_id, bf.help_text


def _errors(f):
    if not f.errors:
        return ""
    lines = "<br>".join(f'<span class="govuk-visually-hidden">Error:</span> {_e(e)}' for e in f.errors)
    return f'<p id="{f.auto_id}-error" class="govuk-error-message">{lines}</p>'


def _hint(f, extra_class=""):
    if not f.help_text:
        return ""
    return f'<div id="{f.auto_id}-hint" class="govuk-hint{extra_class}">{_e(f.help_text)}</div>'


def _label_text(f):
    hidden = getattr(f.field, "legend_hidden", "")
    if hidden:
        return f'{_e(f.bf.label)}<span class="govuk-visually-hidden">{_e(hidden)}</span>'
    return _e(f.bf.label)


def _described_by(f):
    ids = []
    if f.help_text:
        ids.append(f"{f.auto_id}-hint")
    if f.errors:
        ids.append(f"{f.auto_id}-error")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _choices(f, radios):
    bf = f.bf
    kind = "radios" if radios else "checkboxes"
    kind_input = "radio" if radios else "checkbox"
    items = []
    for index, choice in enumerate(bf.subwidgets):
        data = choice.data
        choice_id = f.auto_id if index == 0 else choice.id_for_label
        checked = " checked" if data["selected"] else ""
        items.append(
            f'<div class="govuk-{kind}__item"><input class="govuk-{kind}__input" id="{choice_id}" name="{_e(bf.html_name)}" '
            f'type="{kind_input}" value="{_e(data["value"])}"{checked}>'
            f'<label class="govuk-label govuk-{kind}__label" for="{choice_id}">{_e(choice.choice_label)}</label></div>')
    if radios:  # GOV.UK: inline radios only with two options; three or more are stacked
        modifier = "govuk-radios govuk-radios--small" + (" govuk-radios--inline" if len(items) == 2 else "")
    else:
        modifier = "govuk-checkboxes govuk-checkboxes--small"
    return (f'<fieldset class="govuk-fieldset"{_described_by(f)}><legend class="govuk-fieldset__legend '
            f'govuk-fieldset__legend--s">{_label_text(f)}</legend>{_hint(f)}{_errors(f)}'
            f'<div class="{modifier}" data-module="govuk-{kind}">{"".join(items)}</div></fieldset>')


def _checkbox(f):
    bf = f.bf
    reveals = [bf.form[name] for name in getattr(f.field, "reveals", ()) if name in bf.form.fields]
    attrs = {}
    conditional = ""
    if reveals:
        conditional_id = f"conditional-{f.auto_id}"
        attrs["data-aria-controls"] = conditional_id
        shown = f.field.widget.check_test(bf.value()) or any(r.errors for r in reveals)  # an error is never hidden
        hidden = "" if shown else " govuk-checkboxes__conditional--hidden"
        conditional = (f'<div class="govuk-checkboxes__conditional{hidden}" id="{conditional_id}">'
                       f'{"".join(render_field(r) for r in reveals)}</div>')
    return (f'{_errors(f)}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            f'<div class="govuk-checkboxes__item">{bf.as_widget(attrs=attrs)}<label class="govuk-label '
            f'govuk-checkboxes__label" for="{bf.id_for_label}">{_label_text(f)}</label>'
            f'{_hint(f, " govuk-checkboxes__hint")}</div>{conditional}</div>')


def _date_inputs(bf, widget, value, errors=None):
    """GOV.UK's date input: a box each for the day, the month and the year."""
    errors = bf.errors if errors is None else errors
    parts = widget.parts_of(value)
    wrong = widget.error_parts if errors else set()
    boxes = []
    auto_id, name = bf.auto_id, _e(bf.html_name)
    for part, label, width in widget.PARTS:
        in_error = bool(errors) and (not wrong or part in wrong)
        css = f"govuk-input govuk-date-input__input govuk-input--width-{width}{' govuk-input--error' if in_error else ''}"
        box_id = f"{auto_id}-{part}"
        typed = parts.get(part)
        value_attr = f' value="{_e(typed)}"' if typed not in (None, "") else ""
        invalid = ' aria-invalid="true"' if in_error else ""
        boxes.append(
            f'<div class="govuk-date-input__item"><div class="govuk-form-group">'
            f'<label class="govuk-label govuk-date-input__label" for="{box_id}">{label}</label>'
            f'<input class="{css}" id="{box_id}" name="{name}-{part}" type="text" inputmode="numeric" '
            f'spellcheck="false"{value_attr}{invalid}></div></div>')
    return f'<div class="govuk-date-input" id="{auto_id}">{"".join(boxes)}</div>'


def _date(f):
    return (f'<fieldset class="govuk-fieldset" role="group"{_described_by(f)}><legend class="govuk-fieldset__legend '
            f'govuk-fieldset__legend--s">{_label_text(f)}</legend>{_hint(f)}{_errors(f)}'
            f'{_date_inputs(f.bf, f.field.widget, f.bf.value(), f.errors)}</fieldset>')


def _input_with_unit(f):
    element = f.bf.as_widget()
    prefix, suffix = getattr(f.field, "prefix", ""), getattr(f.field, "suffix", "")
    if not (prefix or suffix):
        return element
    before = f'<div class="govuk-input__prefix" aria-hidden="true">{_e(prefix)}</div>' if prefix else ""
    after = f'<div class="govuk-input__suffix" aria-hidden="true">{_e(suffix)}</div>' if suffix else ""
    return f'<div class="govuk-input__wrapper">{before}{element}{after}</div>'


def character_limit(field):
    """The most characters a text box takes (its field's max_length), or None: a character count's limit."""
    if isinstance(field.widget, forms.Textarea) and isinstance(field, forms.CharField):
        return field.max_length
    return None


def _character_count(f, limit):
    """GOV.UK's character count: the limit said under the box, counted down as one types (govuk-frontend's JS)."""
    bf = f.bf
    widget = f.field.widget
    info = f"{f.auto_id}-info"
    described = " ".join([info, *widget.attrs.get("aria-describedby", "").split()])
    classes = " ".join([*widget.attrs.get("class", "govuk-textarea").split(), "govuk-js-character-count"])
    attrs = {**widget.attrs, **bf.build_widget_attrs({}, widget), "id": widget.attrs.get("id") or f.auto_id,
             "class": classes, "aria-describedby": described}
    attrs.pop("maxlength", None)  # a browser silently cuts pasted text at it; the count and the server say it is too long
    element = _textarea({"name": bf.html_name, "value": widget.format_value(bf.value()), "attrs": attrs})
    label_class = getattr(f.field, "label_class", "")
    return (f'<label class="govuk-label{" " + label_class if label_class else ""}" for="{bf.id_for_label}">'
            f'{_label_text(f)}</label>{_hint(f)}{_errors(f)}{element}'
            f'<div id="{info}" class="govuk-hint govuk-character-count__message">You can enter up to {limit:,} characters</div>')


def render_field(bf):
    """A field's whole GOV.UK form group: label or legend, hint, errors and the input(s)."""
    widget = bf.field.widget
    if widget.is_hidden:
        return bf.as_widget()
    f = _Field(bf)
    if isinstance(widget, forms.CheckboxSelectMultiple):  # first: Django's is a kind of RadioSelect
        inner = _choices(f, radios=False)
    elif isinstance(widget, forms.RadioSelect):
        inner = _choices(f, radios=True)
    elif isinstance(widget, forms.CheckboxInput):
        inner = _checkbox(f)
    elif getattr(widget, "govuk_date", False):
        inner = _date(f)
    elif (limit := character_limit(bf.field)) is not None:
        css = "govuk-form-group govuk-character-count" + (" govuk-form-group--error" if f.errors else "")
        return SafeString(f'<div class="{css}" id="{f.auto_id}-group" data-module="govuk-character-count" '
                         f'data-maxlength="{limit}">{_character_count(f, limit)}</div>')
    else:
        label_class = getattr(f.field, "label_class", "")
        inner = (f'<label class="govuk-label{" " + label_class if label_class else ""}" for="{bf.id_for_label}">'
                 f'{_label_text(f)}</label>{_hint(f)}{_errors(f)}{_input_with_unit(f)}')
    css = "govuk-form-group govuk-form-group--error" if f.errors else "govuk-form-group"
    return SafeString(f'<div class="{css}" id="{f.auto_id}-group">{inner}</div>')
