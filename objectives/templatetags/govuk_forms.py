"""{% govuk_field field %}: a form field's whole GOV.UK form group (objectives.govuk_markup), for a
form drawn without GovukFormMixin (templates/django/forms/field.html)."""
from django import template

from objectives.govuk_markup import render_field

register = template.Library()


@register.simple_tag
def govuk_field(bound_field):
    return render_field(bound_field)
