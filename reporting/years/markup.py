"""The targets page's KPIs, each a fieldset of eight fields (value, kind, trajectory, baseline, points),
drawn in Python rather than through a template per row and field: fifty of them a page
(selectors.TARGETS_PER_PAGE) are 400 fields. The fields themselves are drawn by objectives.govuk_markup
(``str(bound field)`` and ``as_field_group``), as on every form; this module only lays them out, with
every value escaped (`_e`) and the result marked safe once. The page's template
(templates/reporting/years/targets.html) places the rows."""
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from kpis.models import KPI, Target


def _e(value):
    return conditional_escape(value)


# The words of a KPI's unit and direction and of a target's kind, as get_FOO_display gives them, looked up
# rather than asked of the model (which builds its dict of them again at each ask: three a row).
_UNITS, _DIRECTIONS, _KINDS = (dict(model._meta.get_field(name).flatchoices)
                               for model, name in ((KPI, "unit"), (KPI, "direction"), (Target, "kind")))


def _said(words, value):
    return str(words.get(value, value))


def _figure(value):
    """A target's figure as the page writes it: up to three decimals, thousands grouped ("1,234.5")."""
    return floatformat(value, "-3g")


def field_errors(field, errors=None):
    """A field's messages (as templates/partials/field_errors.html draws them), or nothing; `errors`, the
    field's, when asked already."""
    errors = field.errors if errors is None else errors
    if not errors:
        return ""
    said = "<br>".join(f'<span class="govuk-visually-hidden">Error:</span> {_e(error)}' for error in errors)
    return f'<p id="{field.auto_id}-error" class="govuk-error-message">{said}</p>'


def _field(field, label, code):
    errors = field.errors  # asked once (Django makes the list again at each ask)
    css = "govuk-form-group govuk-form-group--error" if errors else "govuk-form-group"
    return (f'      <div class="{css}">\n'
            f'        <label class="govuk-label" for="{_e(field.id_for_label)}">{label}<span class="govuk-visually-hidden">: '
            f'{code}</span></label>\n'
            f'        {field_errors(field, errors)}\n\n'
            f'        {_e(field)}\n'
            f'      </div>\n')


def _trajectory(code, fields):
    """The target's trajectory through the year: open when it is not flat or has an error."""
    profile, baseline, points = fields["profile"], fields["baseline"], fields["points"]
    opened = " open" if profile.value() != "flat" or profile.errors or baseline.errors else ""
    opened += "".join(" open" for point in points if point.errors)
    drawn = (f'\n\n<details class="govuk-details app-trajectory"{opened}>\n'
             f'  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Trajectory through the '
             f'year<span class="govuk-visually-hidden">: {code}</span></span></summary>\n'
             f'  <div class="govuk-details__text">\n'
             f'    {profile.as_field_group()}\n'
             f'    {baseline.as_field_group()}\n    ')
    if points:
        drawn += (f'\n    <fieldset class="govuk-fieldset">\n'
                  f'      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Set period by period: the point '
                  f'for each period before the last<span class="govuk-visually-hidden"> ({code})</span></legend>\n'
                  f"      <p class=\"govuk-hint\">The last period's point is the year's target. For a cumulative KPI, give "
                  f"the year to date.</p>\n"
                  f'      {"".join(point.as_field_group() for point in points)}\n'
                  f'    </fieldset>\n    ')
    return drawn + '\n  </div>\n</details>\n\n'


def _others(row, code, *, year, year_label):
    """The KPI's other targets for the year, each with the button that makes it the one its RAG uses
    (where the step allows it: `row.choose`, a reporting.steps.Offer)."""
    items = []
    for other in row.others:
        kind, figure = _e(_said(_KINDS, other.kind)), _e(_figure(other.value))
        described = f" ({_e(other.description)})" if other.description else ""
        button = ""
        if row.choose:
            button = (f'<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-top-2 '
                      f'govuk-!-margin-bottom-2" data-module="govuk-button" '
                      f'formaction="{_e(reverse("year-target-primary", args=[str(year), other.pk]))}" name="kpi" '
                      f'value="{row.kpi.id}">Measure the RAG against this target<span class="govuk-visually-hidden">: '
                      f'{code} {kind} {figure}</span></button>')
        items.append(f'\n        <li>{kind}: {figure}{described}\n          {button}\n        </li>\n        ')
    measured = (f" (its RAG is measured against the {_e(_said(_KINDS, row.this_year.kind))} target above)"
                if row.this_year else "")
    if row.choose:
        after = ('<p class="govuk-hint govuk-!-font-size-16">Choosing another target saves only that choice: save any '
                 'other changes on this page first.</p>')
    else:
        reason = getattr(row.choose, "reason", "")
        after = f'<p class="govuk-body-s">{_e(reason)}</p>' if reason else ""
    return (f'\n    <div class="app-other-targets">\n'
            f'      <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>{code}\'s other targets for {year_label}'
            f'</strong>{measured}:</p>\n'
            f'      <ul class="govuk-list govuk-!-font-size-16">\n        {"".join(items)}\n      </ul>\n'
            f'      {after}\n    </div>\n    ')


def target_fieldset(row, value, kind, *, year, year_label, previous_label):
    """One KPI's fieldset on the targets page: its code and title, last year's target, this year's
    (value and kind), its trajectory, and its other targets for the year."""
    kpi = row.kpi
    code, year_label, previous_label = _e(kpi.code), _e(year_label), _e(previous_label)
    if row.last_year:
        before = f"{previous_label}: {_e(_figure(row.last_year.value))} ({_e(_said(_KINDS, row.last_year.kind))})"
    else:
        before = f"No target in {previous_label}"
    others = _others(row, code, year=year, year_label=year_label) if row.others else ""
    return mark_safe(
        f'<fieldset class="govuk-fieldset app-target" id="kpi-{code}">\n'
        f'    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{code} {_e(kpi.title)}</legend>\n'
        f'    <p class="govuk-hint">{before} · {_e(_said(_UNITS, kpi.unit))}, {_e(_said(_DIRECTIONS, kpi.direction).lower())}</p>\n'
        f'    <div class="app-target__fields">\n'
        f'{_field(value, f"Target for {year_label}", code)}'
        f'{_field(kind, "Kind of target", code)}'
        f'    </div>\n'
        f'    {_trajectory(code, row.trajectory_fields)}\n'
        f'    {others}\n'
        f'  </fieldset>')


def target_fieldsets(bound_rows, *, year, year_label, previous_label):
    """[(row, its fieldset)] for the page, from TargetsForm.bound_rows()."""
    return [(row, target_fieldset(row, value, kind, year=year, year_label=year_label, previous_label=previous_label))
            for row, value, kind in bound_rows]
