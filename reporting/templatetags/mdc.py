"""Making Data Count's icons, each with its words: `{% mdc_icon verdict %}` (a
reporting.variation.verdicts.Verdict), and `{% mdc_icon verdict short=True %}` for a table's few
words. The one way any page or table draws a variation or an assurance icon (`icon_html`): the icon
is ours (a circle with an arrow, a wave or a letter), hidden from screen readers, and the words are
always beside it, so nothing is said by colour or symbol alone. Written in Python, not a template:
the dashboard's table draws two a row."""
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

WHITE = "#ffffff"
GLYPHS = {
    "up": f'<path d="M12 5.5 L17.5 12 H14 V18.5 H10 V12 H6.5 Z" fill="{WHITE}"/>',
    "down": f'<path d="M12 18.5 L17.5 12 H14 V5.5 H10 V12 H6.5 Z" fill="{WHITE}"/>',
    "wave": (f'<path d="M4.5 12 C6.5 8 8.5 8 10.5 12 S14.5 16 16.5 12 S19 9 19.5 10" fill="none" stroke="{WHITE}" '
             'stroke-width="2.2" stroke-linecap="round"/>'),
}
LETTER = ('<text x="12" y="16.6" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="13" '
          'font-weight="700" fill="#ffffff">{}</text>')


def icon_html(verdict, short=False):
    """The verdict's icon (none for a verdict without one) and its words beside it, as HTML."""
    words = verdict.short if short else verdict.words
    icon = ""
    if verdict.has_icon:
        glyph = mark_safe(GLYPHS[verdict.glyph]) if verdict.glyph in GLYPHS else format_html(LETTER, verdict.glyph)
        icon = format_html('<svg class="app-mdc__icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" '
                           'focusable="false"><circle cx="12" cy="12" r="11" fill="{}"/>{}</svg>', verdict.colour, glyph)
    return format_html('<span class="app-mdc app-mdc--{}">{}<span class="app-mdc__words">{}</span></span>',
                       verdict.key, icon, words)


@register.simple_tag
def mdc_icon(verdict, short=False):
    return icon_html(verdict, short)
