"""The reporting calendar's rows of returns (a sub-strand's name, lead and "No one to remind", then its
return in each period of the year: its state as a word in its colour, linked to the return; overdue or
late marked) drawn in Python: a large council's calendar is hundreds of cells, and a template's tags a
row or a cell were most of the page's time. Every value is escaped here and the rows marked safe once."""
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from objectives.roles import person_name
from reporting.templatetags.ses import state_tag

register = template.Library()

OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
LATE = '<strong class="govuk-tag govuk-tag--orange">Late</strong>'
NOT_OPEN = '<span class="govuk-body-s">Not open yet</span>'


def return_cells(row, tags):
    """A reporting.returns.calendar.CalendarRow's cells, each a table cell; `tags`, each state's tag,
    drawn once for the page."""
    name = conditional_escape(row.sub_strand.name)
    drawn = []
    for cell in row.cells:
        if cell.state:
            tag = tags.get(cell.state) or tags.setdefault(cell.state, state_tag(cell.state))
            shown = (f'<a class="govuk-link" href="{conditional_escape(cell.url)}">{tag}'
                     f'<span class="govuk-visually-hidden">: {name} {conditional_escape(cell.period.label)}</span></a>')
        else:
            shown = NOT_OPEN
        marked = OVERDUE if cell.overdue else LATE if cell.late else ""
        drawn.append(f'\n      <td class="govuk-table__cell">\n        {shown}\n        {marked}\n      </td>\n      ')
    return "".join(drawn)


def _heading(row, nobody):
    """The row's heading: the sub-strand's name (its objective's, where it reports as the objective), its
    lead officer, and "No one to remind" where a reminder would reach nobody."""
    sub = row.sub_strand
    drawn = conditional_escape(sub.objective.name if sub.reports_as_objective else sub.name)
    if sub.lead_officer_id:
        drawn += f'\n        <br><span class="govuk-body-s">{conditional_escape(person_name(sub.lead_officer))}</span>'
    if row.nobody_to_remind:
        drawn += nobody
    return f'<th scope="row" class="govuk-table__header">{drawn}</th>'


@register.filter
def return_rows(rows, sub_strand_word):
    """The calendar's rows of returns, each a table row; `sub_strand_word`, what the council calls a
    sub-strand mid-sentence ("sub-strand"), for the words said to screen readers."""
    nobody = ('\n        <br><strong class="govuk-tag govuk-tag--orange app-nobody">No one to remind</strong>'
              f'<span class="govuk-visually-hidden">: this {conditional_escape(sub_strand_word)} has no lead officer or '
              'editor with an email address</span>')
    tags = {}  # a state's tag drawn once for the page
    return mark_safe("".join(
        f'\n    <tr class="govuk-table__row" id="row-{conditional_escape(row.sub_strand.slug)}">\n      '
        f'{_heading(row, nobody)}\n      {return_cells(row, tags)}\n    </tr>\n    '
        for row in rows))
