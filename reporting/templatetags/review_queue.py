"""The review queue's waiting returns drawn in Python (issue 24): ten returns of twenty KPIs are 200
table rows of five cells and ten sections around them, which template nodes drew in about half of the
page's time. The same markup as the template it replaces (tested), every value escaped as ``{{ }}``
escapes it, each RAG by the tags that draw a RAG everywhere (ses.rag_tag, ses.figure_rag), typed
text by ses.typed_text, the result marked safe once."""
from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

from objectives.roles import person_name
from reporting.templatetags.ses import figure_rag, rag_tag, typed_text

register = template.Library()


def _e(value):
    """Escaped as conditional_escape escapes (html.escape; text already marked safe left as it is),
    without its wrapping of each result: a thousand values a page."""
    return str(value) if isinstance(value, SafeData) else escape(str(value), quote=True)


# Each KPI's row as the template's loop wrote it, its indentation included (the page is unchanged byte for byte).
KPI_ROW = ('\n        <tr class="govuk-table__row">'
           '\n          <th scope="row" class="govuk-table__header">{code} {title}</th>'
           '\n          <td class="govuk-table__cell">{before}</td>'
           '\n          <td class="govuk-table__cell">{now}</td>'
           '\n          <td class="govuk-table__cell">{rag}</td>'
           '\n          <td class="govuk-table__cell app-movement">{movement}</td>'
           '\n        </tr>\n        ')


@register.simple_tag
def kpi_change_rows(changes):
    """A table row for each KPI of a waiting return (reporting.returns.review.KpiChange): the KPI,
    its baseline's figure, this period's figure, its RAG as a word and a colour, its movement."""
    return mark_safe("".join(
        KPI_ROW.format(code=_e(change.kpi.code), title=_e(change.kpi.title), before=_e(change.before_text),
                       now=_e(change.now_text), rag=figure_rag(change.now, change.kpi.no_rating_words),
                       movement=_e(change.movement_word))
        for change in changes))


SECTION = """<section class="app-review" aria-labelledby="review-{pk}">
    <h2 class="govuk-heading-m" id="review-{pk}">
      <a class="govuk-link" href="{url}">{full_name}</a>
      <span class="govuk-caption-m">{period}{submitted}</span>
    </h2>
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Overall status</dt>
        <dd class="govuk-summary-list__value">{rag}
          <span class="govuk-body-s app-movement">{movement}{earlier}</span></dd>
      </div>
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Commentary</dt>
        <dd class="govuk-summary-list__value">{commentary_change}
          <details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Read the commentary</span></summary>
          <div class="govuk-details__text">{commentary}</div></details></dd>
      </div>
      {explanation}
    </dl>
    {kpis}
    {choice}
    <div class="govuk-button-group app-review__actions">
      {approve}
      <a class="govuk-button govuk-button--secondary" data-module="govuk-button" href="{send_back}">Return it for changes<span class="govuk-visually-hidden">: {name} {period}</span></a>
    </div>
  </section>"""

EXPLANATION = """
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Why the status differs from the KPIs</dt>
        <dd class="govuk-summary-list__value">{explanation}</dd>
      </div>
      """

KPI_TABLE = """
    <div class="app-scroll-region" role="region" aria-label="KPIs of {name}: this {word} against last {word} (scrolls sideways)" tabindex="0">
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--s">KPIs: this {word} against last {word}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">KPI</th>
          <th scope="col" class="govuk-table__header">Last {word}</th>
          <th scope="col" class="govuk-table__header">This {word}</th>
          <th scope="col" class="govuk-table__header">Status</th>
          <th scope="col" class="govuk-table__header">Movement</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows}
      </tbody>
    </table>
    </div>
    """

CHOICE = """
    <input type="hidden" name="version-{pk}" value="{version}">
    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input app-approve-choice" id="approve-{pk}" name="returns" type="checkbox" value="{pk}"{checked}>
        <label class="govuk-label govuk-checkboxes__label" for="approve-{pk}">Select {name} {period} to approve with others</label>
      </div>
    </div>
    """

APPROVE = """
      <button type="submit" class="govuk-button" data-module="govuk-button" formaction="{url}" name="version" value="{version}">Approve<span class="govuk-visually-hidden"> {name} {period}</span></button>
      """


@register.simple_tag
def review_section(row, approvable, selected):
    """A waiting return's section of the queue (a reporting.returns.review.ReviewRow): its heading
    and when it was submitted, by whom; its overall status against its baseline; how its commentary
    changed, and the commentary; its KPIs (`kpi_change_rows`); its box to approve it with others and
    its Approve button where the person may approve it (`approvable`, the ids; `selected`, those
    ticked when the form came back); its "Return it for changes"."""
    ret = row.ret
    pk, sub_strand, period = str(ret.pk), ret.sub_strand, ret.period
    name, label, version = _e(sub_strand.name), _e(period.label), str(ret.version)
    submitted = ""
    if ret.submitted_at:
        submitted = f", submitted {_e(date_format(template_localtime(ret.submitted_at), 'j F Y'))}"
        if ret.submitted_by:
            submitted += f" by {_e(person_name(ret.submitted_by))}"
    earlier = f": {_e(row.earlier.period.label)} was {rag_tag(row.earlier.overall_rag)}" if row.earlier else ""
    change_words = _e(row.commentary_change_words)
    if row.commentary_change == "unchanged":
        change_words = f"<strong>{change_words}</strong>"
    explanation = EXPLANATION.format(explanation=typed_text(ret.rag_explanation)) if ret.rag_explanation else ""
    kpis = ""
    if row.kpi_changes:
        kpis = KPI_TABLE.format(name=name, word=_e(period.word), rows=kpi_change_rows(row.kpi_changes))
    may_approve = ret.pk in approvable
    urls = row.urls
    return mark_safe(SECTION.format(
        pk=pk, url=_e(urls["return"]), full_name=_e(sub_strand.full_name), period=label, submitted=submitted,
        rag=rag_tag(ret.overall_rag), movement=_e(row.overall_movement), earlier=earlier,
        commentary_change=change_words, commentary=typed_text(ret.commentary), explanation=explanation, kpis=kpis,
        choice=CHOICE.format(pk=pk, version=version, name=name, period=label,
                             checked=" checked" if ret.pk in selected else "") if may_approve else "",
        approve=APPROVE.format(url=_e(urls["return-approve"]), version=version, name=name,
                               period=label) if may_approve else "",
        send_back=_e(urls["return-send-back"]), name=name))
