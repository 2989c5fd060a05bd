"""objectives.govuk_markup draws every field in GOV.UK markup in Python, quickly (issue 24: a return
of 20 KPIs is 160 fields). Made quicker, it draws exactly what it drew before (govuk_markup_before.json,
drawn by the code before the change; since issue 27 govuk-frontend 6's markup with GOV.UK's rules: a
character count on a limited text box, radios stacked when there are three or more), and each element
exactly as Django's own widget templates do."""
import json
import re
from pathlib import Path

import pytest
from django import forms

from objectives.govuk_markup import render_field, render_widget
from tests.objectives.markup_cases import every_case

BEFORE = json.loads((Path(__file__).parent / "govuk_markup_before.json").read_text())


@pytest.mark.parametrize("case", ["unbound", "bound with errors"])
def test_every_kind_of_field_is_drawn_exactly_as_before(case):
    now = every_case()[case]
    assert now.keys() == BEFORE[case].keys()
    for name in now:
        assert now[name] == BEFORE[case][name], name


def test_a_field_with_an_error_a_hint_a_percentage_and_a_milestone_say_what_they_should():
    drawn = every_case()["bound with errors"]
    percent = drawn["percent"]
    assert 'class="govuk-form-group govuk-form-group--error"' in percent
    assert '<p id="id_percent-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ' \
           'EMP-01: a percentage cannot be more than 100</p>' in percent
    assert 'aria-describedby="id_percent-error" aria-invalid="true"' in percent
    assert '<div class="govuk-input__suffix" aria-hidden="true">%</div>' in percent
    hint = every_case()["unbound"]["data_for"]
    assert '<div id="id_data_for-hint" class="govuk-hint">For example 2022/23' in hint
    assert 'aria-describedby="id_data_for-hint"' in hint and '<span class="govuk-visually-hidden">: EMP-01</span>' in hint
    milestone = drawn["milestone"]
    assert "DIG-01: choose a milestone status from the list" in milestone and "govuk-select--error" in milestone
    assert '<option value="at_risk">At risk &lt;&amp;&gt; &quot;quoted&quot;</option>' in milestone
    assert "govuk-checkboxes__conditional--hidden" not in drawn["not_available"]  # an error is never hidden
    assert "govuk-checkboxes__conditional--hidden" in every_case()["unbound"]["not_available"]


class Choices(forms.Form):
    two = forms.ChoiceField(label="Two", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect)
    three = forms.ChoiceField(label="Three", choices=[("red", "Red"), ("amber", "Amber"), ("green", "Green")],
                              widget=forms.RadioSelect)
    limited = forms.CharField(label="Limited", max_length=1234, widget=forms.Textarea)
    unlimited = forms.CharField(label="Unlimited", widget=forms.Textarea)
    line = forms.CharField(label="One line", max_length=50)


def test_radios_are_side_by_side_only_when_there_are_two():
    form = Choices()
    assert 'class="govuk-radios govuk-radios--small govuk-radios--inline"' in render_field(form["two"])
    three = render_field(form["three"])
    assert 'class="govuk-radios govuk-radios--small"' in three and "govuk-radios--inline" not in three


def test_a_text_box_with_a_limit_counts_its_characters_to_its_fields_limit():
    form = Choices(data={"limited": "x" * 1300})
    drawn = render_field(form["limited"])
    assert drawn.startswith('<div class="govuk-form-group govuk-character-count govuk-form-group--error" id="id_limited-group" '
                            'data-module="govuk-character-count" data-maxlength="1234">')
    assert '<div id="id_limited-info" class="govuk-hint govuk-character-count__message">You can enter up to 1,234 characters</div>' in drawn
    assert "govuk-js-character-count" in drawn and 'aria-describedby="id_limited-info' in drawn
    assert " maxlength=" not in drawn  # a browser would cut pasted text silently: the count says it instead
    assert "govuk-character-count" not in render_field(form["unlimited"])  # no limit, no count
    assert "govuk-character-count" not in render_field(form["line"])  # a one-line box keeps its maxlength


WIDGETS = [
    (forms.TextInput(attrs={"class": "govuk-input", "inputmode": "decimal"}), "v", "12.5"),
    (forms.TextInput(), "v", None),
    (forms.TextInput(attrs={"placeholder": 'say "<hi>" & go'}), "v", 'a "b" <c> & \'d\''),
    (forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 10}), "v", 0),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "e", "a@b.example"),
    (forms.NumberInput(), "n", 5),
    (forms.PasswordInput(), "p", "secret"),
    (forms.PasswordInput(render_value=True), "p", "secret"),
    (forms.HiddenInput(), "version", 7),
    (forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}), "c", True),
    (forms.CheckboxInput(), "c", False),
    (forms.CheckboxInput(), "c", "on"),
    (forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}), "t", "line one\nline <two> & \"three\""),
    (forms.Textarea(), "t", ""),
    (forms.Textarea(), "t", None),
    (forms.Select(choices=[("", "Choose"), ("red", "Red"), ("amber", "Amber <&>")]), "s", "amber"),
    (forms.Select(choices=[("", "Choose"), ("red", "Red")]), "s", None),
    (forms.Select(choices=[("", "Choose"), ("red", "Red")]), "s", ""),
    (forms.Select(choices=[(1, "One"), (2, "Two")]), "s", 2),
    (forms.Select(choices=[("Group <a>", [("x", "X"), ("y", "Y")]), ("z", "Z")]), "s", "y"),
    (forms.Select(choices=[("red", "Red"), ("red", "Red again")]), "s", "red"),
]


@pytest.mark.parametrize("widget, name, value", WIDGETS, ids=[f"{type(w[0]).__name__}-{i}" for i, w in enumerate(WIDGETS)])
def test_each_element_is_drawn_as_djangos_own_widget_template_draws_it(widget, name, value):
    """The same element, attribute for attribute (a select's options without the template's line breaks between them)."""
    attrs = {"id": f"id_{name}", "aria-describedby": f"id_{name}-hint"}
    between_tags = re.compile(r">\s+<")
    ours, djangos = str(render_widget(widget, name, value, attrs)), str(widget.render(name, value, attrs))
    assert between_tags.sub("><", ours) == between_tags.sub("><", djangos).strip()


def test_selects_of_choices_fixed_for_good_each_show_their_own_value_chosen():
    """Options kept drawn for choices fixed for good (with a `drawn_options` dict, as
    reporting.years.forms.FixedChoices) are kept for each value chosen: a select never shows another's
    choice, and a value that is none of the options selects none."""
    from django.utils.choices import BaseChoiceIterator

    class Fixed(BaseChoiceIterator):
        def __init__(self, choices):
            self.choices, self.drawn_options = list(choices), {}

        def __iter__(self):
            return iter(self.choices)

    fixed = Fixed([("", "Choose"), ("a", "Apples <&>"), ("b", "Pears")])
    drawn = {value: render_widget(forms.Select(choices=fixed), "fruit", value, {"id": "id_fruit"})
             for value in ["a", "b", "a", "zzz", None]}
    assert drawn["a"] == render_widget(forms.Select(choices=list(fixed)), "fruit", "a", {"id": "id_fruit"})
    assert '<option value="a" selected>Apples &lt;&amp;&gt;</option>' in drawn["a"]
    assert '<option value="b" selected>Pears</option>' in drawn["b"] and "a\" selected" not in drawn["b"]
    assert " selected" not in drawn["zzz"]
    assert '<option value="" selected>Choose</option>' in drawn[None]
    assert len(fixed.drawn_options) == 4  # "a", "b", "zzz" and nothing chosen, each drawn once
