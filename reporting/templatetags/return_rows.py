"""The return page's rows drawn in Python: the return form's KPIs, each a fieldset (last period's
figure, what the rules compare with, the status by the rules, then its fields: value or milestone
status, the period the data is for, "Not yet available", commentary, the override and the year-end
forecast), rather than through the template's tags a row: a sub-strand of twenty KPIs is 160 fields,
and the template's lookups and includes a row were half the page's time. The fields themselves are
drawn by objectives.govuk_markup, as on every form; this module only lays them out, every value
escaped (`_e`) and the result marked safe once. templates/reporting/returns/return.html places them
(`{% kpi_fieldsets %}`); a KPI's year's end (`kpi_forecast`) is drawn here for the read-only page too."""
from html import escape

from django import template
from django.utils.safestring import SafeData, SafeString

from reporting.templatetags.ses import figure_rag, rag_tag

register = template.Library()


def _e(value):
    """Escaped text, as conditional_escape (text already marked safe left as it is), without its lazy-text wrapper."""
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value), quote=True)


def _field(bound):
    return bound.as_field_group() if bound is not None else ""


@register.filter
def kpi_forecast(row):
    """A KPI's year's end: its status now and forecast at the year's end (kpis.outlook), the
    projection the product computes (always said as computed), and, on the form, the officer's own
    forecast (its field); or nothing when it has neither."""
    text = row.outlook_text
    forecast_field = row.fields.get("forecast")
    if not (text or forecast_field):
        return ""
    parts = ['\n<div class="app-forecast">\n  ']
    if text:
        outlook = row.outlook
        if outlook.forecast is not None:
            year_end = (f'forecast {rag_tag(outlook.year_end_rag)} at year end <span class="govuk-body-s">'
                        f'({_e(text["forecast_by"])}, against the target of {_e(text["target"])} for '
                        f'{_e(text["year"])})</span>')
        else:
            year_end = "no forecast for the year's end yet"
        now = f'<br><span class="govuk-body-s">{_e(text["now"])}</span>' if text["now"] else ""
        projection = (f'{_e(text["projection"])} at the year\'s end (computed)' if text["projection"] else "None")
        parts.append(
            '\n  <dl class="govuk-summary-list govuk-summary-list--no-border app-kpi__context">\n'
            '    <div class="govuk-summary-list__row">\n'
            '      <dt class="govuk-summary-list__key">Now and at the year\'s end</dt>\n'
            f'      <dd class="govuk-summary-list__value">{rag_tag(outlook.now_rag)} now, {year_end}\n'
            f'        {now}</dd>\n'
            '    </div>\n'
            '    <div class="govuk-summary-list__row">\n'
            '      <dt class="govuk-summary-list__key">Computed projection</dt>\n'
            f'      <dd class="govuk-summary-list__value">{projection}<br><span class="govuk-body-s">'
            f'{_e(text["projection_method"])}</span></dd>\n'
            '    </div>\n')
        if forecast_field is None and text["forecast"]:
            reason = f'<br><span class="govuk-body-s">Why: {_e(text["reason"])}</span>' if text["reason"] else ""
            parts.append(
                '    <div class="govuk-summary-list__row">\n'
                '      <dt class="govuk-summary-list__key">The officer\'s forecast</dt>\n'
                f'      <dd class="govuk-summary-list__value">{_e(text["forecast"])} at the year\'s end{reason}</dd>\n'
                '    </div>\n')
        parts.append('  </dl>\n  ')
    parts.append(f'\n  {_field(forecast_field)}\n</div>\n')
    return SafeString("".join(parts))


@register.simple_tag
def kpi_fieldsets(kpi_rows, period, previous_period):
    """Every KPI of the return form, a fieldset each (its fields in `row.fields`, from ReturnForm.kpi_bound_fields)."""
    last = f"Last {_e(period.word)}" + (f" ({_e(previous_period.label)})" if previous_period else "")
    drawn = []
    for row in kpi_rows:
        kpi, fields, previous, m = row.kpi, row.fields, row.previous, row.measurement
        kpi_id = int(kpi.id)
        last_rag = f" {figure_rag(previous)}" if previous is not None and not kpi.is_contextual else ""
        data_for = f" – data for {_e(previous.data_for)}" if previous is not None and previous.data_for else ""
        source = f'<br><span class="govuk-body-s">Source: {_e(kpi.data_source)}</span>' if kpi.data_source else ""
        rules = ""
        if not kpi.is_contextual:
            basis = f' <span class="govuk-body-s">{_e(m.rag_basis)}</span>' if m is not None and m.rag_basis else ""
            rules = ('\n      <div class="govuk-summary-list__row">\n'
                     '        <dt class="govuk-summary-list__key">Status by the rules</dt>\n'
                     f'        <dd class="govuk-summary-list__value" data-live-rag="{kpi_id}" aria-live="polite">'
                     f'{rag_tag(m.rag_calculated if m is not None else None)}{basis}</dd>\n'
                     '      </div>\n      ')
        figure = fields["value"] if "value" in fields else fields.get("milestone_status")
        drawn.append(
            f'\n  <fieldset class="govuk-fieldset app-kpi" id="kpi-{kpi_id}">\n'
            f'    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s"><span class="app-kpi__code">'
            f'{_e(kpi.code)}</span> {_e(kpi.title)}</legend>\n'
            '    <dl class="govuk-summary-list govuk-summary-list--no-border app-kpi__context">\n'
            '      <div class="govuk-summary-list__row">\n'
            f'        <dt class="govuk-summary-list__key">{last}</dt>\n'
            f'        <dd class="govuk-summary-list__value">{_e(row.previous_text)}{data_for}{last_rag}</dd>\n'
            '      </div>\n'
            '      <div class="govuk-summary-list__row">\n'
            '        <dt class="govuk-summary-list__key">Compared with</dt>\n'
            f'        <dd class="govuk-summary-list__value">{_e(row.bar_text)}{source}</dd>\n'
            f'      </div>\n      {rules}\n'
            '    </dl>\n'
            '    <div class="app-kpi__figure">\n'
            f'      {_field(figure)}\n'
            f'      {_field(fields.get("data_for"))}\n'
            '    </div>\n'
            f'    {_field(fields.get("not_available"))}\n'
            f'    {_field(fields.get("commentary"))}\n'
            f'    {_field(fields.get("override"))}\n'
            f'    {kpi_forecast(row)}\n'
            '  </fieldset>\n  ')
    return SafeString("".join(drawn))
