"""Making Data Count's icons, each with its words: `{% mdc_icon verdict %}` (a
reporting.variation.verdicts.Verdict), and `{% mdc_icon verdict short=True %}` for a table's few
words. The one way any page or table draws a variation or an assurance icon (`icon_html`, drawing
templates/partials/mdc_icon.html): the icon is ours (a circle with an arrow, a wave or a letter),
hidden from screen readers, and the words are always beside it, so nothing is said by colour or
symbol alone."""
from django import template
from django.template.loader import get_template

register = template.Library()


def icon_html(verdict, short=False):
    """The verdict's icon and words, as HTML (the dashboard's table cells draw it too)."""
    return get_template("partials/mdc_icon.html").render({"verdict": verdict, "words": verdict.short if short else verdict.words})


@register.simple_tag
def mdc_icon(verdict, short=False):
    return icon_html(verdict, short)
