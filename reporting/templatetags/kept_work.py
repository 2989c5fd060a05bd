"""{% kept_work_note %} inside a form that keeps work (reporting.kept_work.keeps_work): the hidden,
signed note of whose the form is and on which page, so that what is typed is kept for that person even
when the browser has lost its cookies by the time it is posted."""
from django import template
from django.utils.html import format_html

from reporting.kept_work import FORM_NOTE, form_note

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_work_note(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_NOTE, form_note(request))
