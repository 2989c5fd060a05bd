"""My returns' rows drawn in Python (issue 24): the Economy Cell's table is a row for each
sub-strand, sixty on a large council, of five cells, and the template's tags a row drew were about
a third of the page's time. The same markup as the template's loop it replaces (tested), every value
escaped as ``{{ }}`` escapes it, each state by the tag that draws a state everywhere (ses.state_tag),
"what is missing" by ses.list_items, the CSRF field by Django's own {% csrf_token %}; the result
marked safe once."""
from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeData, mark_safe

from reporting.templatetags.ses import list_items, state_tag
from reporting.models import WorkflowState

register = template.Library()

_SUB_STRAND = "sub-strand-slug"  # stands for a sub-strand's slug in a return's address
APPROVED_STATES = (WorkflowState.APPROVED, WorkflowState.PUBLISHED)  # the cell says "Approved" (after approval, published or not)


def _e(value):
    """Escaped as conditional_escape escapes (html.escape; text already marked safe left as it is)."""
    return str(value) if isinstance(value, SafeData) else escape(str(value), quote=True)


ROW = """
    <tr class="govuk-table__row" id="{row_id}">
      <th scope="row" class="govuk-table__header">
        <a class="govuk-link" href="{url}">{name}<span class="govuk-visually-hidden"> return{late_for}</span></a>
        <br><span class="govuk-body-s">{objective}</span>
      </th>
      <td class="govuk-table__cell app-nowrap" data-label="{when_label}">{when}</td>
      <td class="govuk-table__cell" data-label="State">{state}{marked}</td>
      
      <td class="govuk-table__cell"{missing_label}>{missing}</td>
      {chase}
    </tr>
    """

CHASE = '<td class="govuk-table__cell" data-label="Chase">{}</td>'
NOBODY = '<strong class="govuk-tag govuk-tag--orange">No one to remind</strong>'
REMIND = """
        <form method="post" action="{url}">{csrf}
          <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Send a reminder<span class="govuk-visually-hidden"> about {name} {period}</span></button>
        </form>"""
OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
LATE = ' <strong class="govuk-tag govuk-tag--orange">Late</strong>'
MISSING = '<ul class="govuk-list govuk-list--bullet govuk-!-font-size-16 govuk-!-margin-bottom-0">{}</ul>'


@register.simple_tag(takes_context=True)
def my_return_rows(context, rows, late, may_chase):
    """A table row for each of My returns' rows (reporting.returns.selectors.MyReturnRow): the
    sub-strand linked to its return, its deadline (or, `late`, its period), its state (overdue or
    late marked), what it still lacks or where it stands, and (`may_chase`) "Send a reminder", or
    "No one to remind", or why not where the period is why (row.chase: reporting.steps.REMIND_RETURN)."""
    drawn, tags, deadlines, addresses = [], {}, {}, {}
    csrf = None
    for row in rows:
        sub, period, state = row.sub_strand, row.period, row.state
        # The return's address and its reminder's reversed once a period, the sub-strand's slug put in
        # its place (a slug needs no quoting), as the calendar does (reporting.returns.calendar).
        urls = addresses.get(period.slug)
        if urls is None:
            urls = addresses[period.slug] = (reverse("return", args=[period.slug, _SUB_STRAND]),
                                             reverse("return-remind", args=[period.slug, _SUB_STRAND]))
        label = _e(period.label)
        if late:
            when = label
        elif period.dashboard_deadline:
            when = deadlines.get(period.dashboard_deadline)
            if when is None:
                when = deadlines[period.dashboard_deadline] = _e(date_format(period.dashboard_deadline, "j F Y"))
        else:
            when = "Not set"
        if row.missing:
            missing = MISSING.format(list_items(row.missing))
        elif state == WorkflowState.SUBMITTED:
            missing = "Waiting for approval"
        elif state in APPROVED_STATES:
            missing = "Approved"
        else:
            missing = "Ready to submit"
        chase = ""
        if may_chase:
            offer = row.chase
            if offer is not None and offer.shown:
                if row.nobody_to_remind:
                    shown = NOBODY
                else:
                    if csrf is None:
                        csrf = CsrfTokenNode().render(context)
                    shown = REMIND.format(url=_e(urls[1].replace(_SUB_STRAND, sub.slug)), csrf=csrf, name=_e(sub.name),
                                          period=label)
            elif offer is not None and offer.check == "period":
                shown = f'<span class="govuk-body-s">{_e(offer.reason)}</span>'
            else:
                shown = "–"
            chase = CHASE.format(shown)
        tag = tags.get(state) or tags.setdefault(state, state_tag(state))
        objective = _e(sub.objective.name)
        drawn.append(ROW.format(
            row_id=f"late-{_e(period.slug)}-{_e(sub.slug)}" if late else _e(sub.slug),
            url=_e(urls[0].replace(_SUB_STRAND, sub.slug)), name=objective if sub.reports_as_objective else _e(sub.name),
            late_for=f" for {label}" if late else "", objective=objective,
            when_label="Period" if late else "Deadline", when=when,
            state=tag, marked=OVERDUE if row.overdue else LATE if late else "",
            missing_label=' data-label="Still missing"' if row.missing else "", missing=missing, chase=chase))
    return mark_safe("".join(drawn))
