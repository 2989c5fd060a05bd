"""Making Data Count's icons, each with its words: `{% mdc_icon verdict %}` (a
reporting.variation.verdicts.Verdict), and `{% mdc_icon verdict short=True %}` for a table's few
words. The one way any page draws a variation or an assurance icon (templates/partials/mdc_icon.html):
the icon is ours (a circle with an arrow, a wave or a letter), hidden from screen readers, and the
words are always beside it, so nothing is said by colour or symbol alone."""
from django import template

register = template.Library()


@register.inclusion_tag("partials/mdc_icon.html")
def mdc_icon(verdict, short=False):
    return {"verdict": verdict, "words": verdict.short if short else verdict.words}
