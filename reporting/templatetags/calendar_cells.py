"""The reporting calendar's cells (a sub-strand's return in each period of the year: its state as a
word in its colour, linked to the return; overdue or late marked) drawn in Python, a row at a time:
a large council's calendar is hundreds of cells, and a template's tags a cell were most of the page's
time. Every value is escaped here and the row marked safe once."""
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from reporting.templatetags.ses import state_tag

register = template.Library()

OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
LATE = '<strong class="govuk-tag govuk-tag--orange">Late</strong>'
NOT_OPEN = '<span class="govuk-body-s">Not open yet</span>'


@register.filter
def return_cells(row):
    """A reporting.returns.calendar.CalendarRow's cells, each a table cell."""
    name = conditional_escape(row.sub_strand.name)
    drawn, tags = [], {}  # a state's tag drawn once a row
    for cell in row.cells:
        if cell.state:
            tag = tags.get(cell.state) or tags.setdefault(cell.state, state_tag(cell.state))
            shown = (f'<a class="govuk-link" href="{conditional_escape(cell.url)}">{tag}'
                     f'<span class="govuk-visually-hidden">: {name} {conditional_escape(cell.period.label)}</span></a>')
        else:
            shown = NOT_OPEN
        marked = OVERDUE if cell.overdue else LATE if cell.late else ""
        drawn.append(f'\n      <td class="govuk-table__cell">\n        {shown}\n        {marked}\n      </td>\n      ')
    return mark_safe("".join(drawn))
