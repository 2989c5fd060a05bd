"""The quarterly return form, and the small forms of the workflow (send back, reopen, open a period).

All validation of a return is here (and in the services it calls), never in a view, so that the
spreadsheet import can build the same POST-style dict from a row and validate it with this form."""
import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from kpis.models import KPI, Measurement
from kpis.outlook import has_trajectory
from kpis.numbers import FIGURE_DIGITS, NumberError, decimal_places_of, figure_limit, parse_number
from kpis.rag import RAG, MilestoneStatus
from objectives.council import words
from objectives.forms import GovukDateField, GovukFormMixin
from objectives.models import Action
from objectives.text import is_blank
from reporting.returns.completeness import action_field, kpi_field
from reporting.returns.selectors import prefill

COMMENTARY_MAX_LENGTH = 10_000
SHORT_TEXT_MAX_LENGTH = 2_000
# The largest value a measurement holds exactly on every database (kpis.numbers).
MAX_VALUE = figure_limit(3)
# Each value's unit: in words in its label, and beside the box as GOV.UK's prefix or suffix.
UNIT_WORDS = {KPI.Unit.NUMBER: "number", KPI.Unit.PERCENT: "%", KPI.Unit.GBP: "£", KPI.Unit.SQM: "sq m",
              KPI.Unit.FTE: "FTE", KPI.Unit.YEARS: "years"}
UNIT_PREFIX = {KPI.Unit.GBP: "£"}
UNIT_SUFFIX = {KPI.Unit.PERCENT: "%", KPI.Unit.SQM: "sq m", KPI.Unit.FTE: "FTE", KPI.Unit.YEARS: "years"}
RAG_CHOICES = list(RAG.choices)
NOT_READY_MESSAGE = (
    "The return is not ready to submit, and nothing has been saved. Complete the items below, "
    "or choose “Save as draft” to keep your changes."
)
FIELD_RE = re.compile(r"^(kpi|action)-([^-]*)-(.+)$")
FORECAST_PARTS = {"forecast", "forecast_value", "forecast_reason"}  # a KPI's year-end forecast (kpis.trajectory)
KPI_PARTS = {"value", "milestone_status", "not_available", "expected_date", "data_for", "override", "rag_override",
             "override_reason", "commentary", *FORECAST_PARTS}
DATE_BOXES = {"expected_date-day", "expected_date-month", "expected_date-year"}  # GOV.UK's date input
NOT_FOR_MILESTONES = {"not_available", "expected_date", *DATE_BOXES, *FORECAST_PARTS}
# a contextual KPI is never rated, and has no trajectory to forecast against
NOT_FOR_CONTEXTUAL = {"override", "rag_override", "override_reason", *FORECAST_PARTS}
ACTION_PARTS = {"status", "narrative"}


def too_long(label, limit):
    return f"{label} must be {limit:,} characters or fewer"


class LenientDecimalField(forms.DecimalField):
    """A number as officers type it in en-GB (kpis.numbers.parse_number): '1,532', '12.5' and ' 640 ';
    '£35,000' for money and '12.5%' for a percentage. Anything else is refused with its reason
    ("1,2,3", "5%" for a number, digits other than 0 to 9), in the field's own words where it has them."""

    def __init__(self, *args, code="", percent=False, pounds=False, **kwargs):
        self.code, self.percent, self.pounds = code, percent, pounds
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value, percent=self.percent, pounds=self.pounds)
        except NumberError as exc:
            message = self.error_messages["invalid"] if exc.code == "invalid" else f"{self.code}: {exc.message}"
            raise ValidationError(message, code=exc.code) from None

    def validate(self, value):
        """Too many decimals is said as such (not as "too large", as counting all the digits says
        of "123.4567890123456"), unless the number is too large as well."""
        super().validate(value)
        if (value is not None and value.is_finite() and self.decimal_places is not None
                and decimal_places_of(value) > self.decimal_places
                and (self.max_digits is None or abs(value) < Decimal(10) ** (self.max_digits - self.decimal_places))):
            raise ValidationError(self.error_messages["max_decimal_places"], code="max_decimal_places",
                                  params={"max": self.decimal_places})


def _text(label, *, limit, rows=5, required=False, help_text=""):
    field = forms.CharField(
        label=label, required=required, max_length=limit, strip=True, help_text=help_text,
        widget=forms.Textarea, error_messages={"max_length": too_long(label, limit)},
    )
    field.widget.attrs["rows"] = rows  # as Textarea(attrs={"rows": rows}) would have it, without Field copying it
    return field


def _with_attrs(field, attrs):
    """The field's widget with these attributes first, as a widget made with them and given to the field
    would have them: set on the widget the field made itself, which a field would otherwise copy (a
    return's 160 fields)."""
    field.widget.attrs = {**attrs, **field.widget.attrs}
    return field


class ReturnForm(GovukFormMixin, forms.Form):
    """One quarterly return: overall status, commentary, every active KPI's measurement and every
    action's progress. Build it as ``ReturnForm(quarterly_return=..., user=..., data=None)``.

    POST field names (``kpi_id`` and ``action_id`` are database ids of the sub-strand's own KPIs and
    actions; any other id is refused):

    ==================================  ==============================================================
    ``version``                         the return's version the form was rendered from (0: not started)
    ``intent``                          ``save`` (a draft, the default) or ``submit`` (checks completeness)
    ``overall_rag``                     ``red``, ``amber``, ``green`` or empty
    ``commentary``                      text, up to 10,000 characters
    ``rag_explanation``                 why the overall status differs from what the KPIs suggest
    ``kpi-<kpi_id>-value``              a number (not for milestone KPIs): not negative; 0–100 for %
    ``kpi-<kpi_id>-milestone_status``   milestone KPIs only: not_started, on_track, at_risk, achieved, missed
    ``kpi-<kpi_id>-not_available``      ``on`` when the figure is not yet available (no value then); not for milestones
    ``kpi-<kpi_id>-expected_date-day``  when a figure not yet available is expected: GOV.UK's date input,
    ``…-expected_date-month``, ``-year``  31, 10, 2023; or ``kpi-<kpi_id>-expected_date`` as one text, 31/10/2023
    ``kpi-<kpi_id>-data_for``           the period the data is for, e.g. "2022/23", "Calendar year 2022"
    ``kpi-<kpi_id>-override``           ``on`` to override the rules' RAG with the two below (refused without it)
    ``kpi-<kpi_id>-rag_override``       ``red``, ``amber``, ``green`` or empty (the rules' RAG)
    ``kpi-<kpi_id>-override_reason``    required with an override
    ``kpi-<kpi_id>-commentary``         text, up to 10,000 characters; required on submit for a KPI rated Red
    ``kpi-<kpi_id>-forecast``           ``on`` to give a year-end forecast with the two below (not for milestones)
    ``kpi-<kpi_id>-forecast_value``     the figure expected at the year's end, read as the value is
    ``kpi-<kpi_id>-forecast_reason``    why: required with a forecast
    ``action-<action_id>-status``       not_started, on_track, at_risk, complete, superseded or empty
    ``action-<action_id>-narrative``    text, up to 10,000 characters
    ==================================  ==============================================================

    ``initial_form_data(quarterly_return)`` gives the current values as such a dict.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": "The form is missing its version: reload the page and enter your changes again",
        "invalid": "The form's version is not valid: reload the page and enter your changes again",
        "min_value": "The form's version is not valid: reload the page and enter your changes again",
    })
    overall_rag = forms.ChoiceField(
        label="Overall status", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose Red, Amber or Green for the overall status"},
    )
    commentary = _text("Commentary", limit=COMMENTARY_MAX_LENGTH, rows=10)  # its help, in __init__: the period's word
    rag_explanation = _text(
        "Why the overall status differs from what the KPIs suggest", limit=SHORT_TEXT_MAX_LENGTH, rows=3,
        help_text="Needed only when your overall status is not the one the KPIs' statuses suggest.",
    )

    def __init__(self, *, quarterly_return, user, data=None, kpis=None, actions=None, measurements=None, updates=None):
        """`kpis`, `actions`, `measurements` and `updates` may be given when the page has read them (selectors.return_page)."""
        self.quarterly_return = quarterly_return
        self.user = user
        self.kpis = kpis if kpis is not None else list(
            KPI.objects.filter(sub_strand_id=quarterly_return.sub_strand_id, is_active=True).order_by("order", "code"))
        self.actions = actions if actions is not None else list(
            Action.objects.filter(sub_strand_id=quarterly_return.sub_strand_id).select_related("plan").order_by("plan__name", "number")
        )
        initial = None if data is not None else initial_form_data(
            quarterly_return, kpis=self.kpis, actions=self.actions, measurements=measurements, updates=updates)
        super().__init__(data=data, initial=initial)
        period = quarterly_return.period.term  # this quarter, this half-year, this month
        # reword: the bound fields are drawn already, so a hint set on the field alone would not show
        self.reword("overall_rag", help_text=words("Your judgement for the {sub_strand.one_lower} this {period.one_lower}.", period=period))
        self.reword("commentary", help_text=words("Progress this {period.one_lower}, as it will appear in the {reader.one} briefing.",
                                                  period=period))
        for kpi in self.kpis:
            self._add_kpi_fields(kpi)
        for action in self.actions:
            self._add_action_fields(action)
        for form_field in self.fields.values():
            # A browser silently cuts pasted text at maxlength: let the server say it is too long instead.
            if isinstance(form_field.widget, forms.Textarea):
                form_field.widget.attrs.pop("maxlength", None)
        self.apply_govuk_classes()

    @property
    def intent(self):
        return "submit" if (self.data or {}).get("intent") == "submit" else "save"

    # -- fields ------------------------------------------------------------------------------

    def _add_kpi_fields(self, kpi):
        """A KPI's fields. A milestone has a status and no "not yet available"; the expected date is
        revealed by ticking "Not yet available", and the status to show and its reason by ticking
        "Override" (GOV.UK conditional reveals: objectives.govuk_markup)."""
        code, period = kpi.code, self.quarterly_return.period
        f = self.fields
        if kpi.is_milestone:
            f[kpi_field(kpi.id, "milestone_status")] = forms.ChoiceField(
                label="Milestone status", required=False, choices=[("", "Choose a status"), *MilestoneStatus.choices],
                error_messages={"invalid_choice": f"{code}: choose a milestone status from the list"},
            )
        else:
            self._add_value_field(kpi)
            f[kpi_field(kpi.id, "not_available")] = forms.BooleanField(
                label="Not yet available", required=False,
                help_text=f"The figure is expected later (for example an annual figure published next {period.word}).",
            )
            f[kpi_field(kpi.id, "not_available")].reveals = [kpi_field(kpi.id, "expected_date")]
            f[kpi_field(kpi.id, "expected_date")] = GovukDateField(
                label="Expected date (optional)", required=False, what="the expected date", prefix=f"{code}: ",
                example="31 10 2023", help_text="When the figure is expected. For example, 31 10 2023",
            )
            if has_trajectory(kpi):
                self._add_forecast_fields(kpi)
        f[kpi_field(kpi.id, "data_for")] = _with_attrs(forms.CharField(
            label="Period the data is for", required=False, max_length=100,
            help_text=f"For example 2022/23, Calendar year 2022 or {period.label}.", widget=forms.TextInput,
            error_messages={"max_length": f"{code}: the period the data is for must be 100 characters or fewer"},
        ), {"class": "govuk-input--width-20"})
        f[kpi_field(kpi.id, "commentary")] = _text("Commentary on this KPI", limit=COMMENTARY_MAX_LENGTH, rows=3)
        f[kpi_field(kpi.id, "commentary")].error_messages["max_length"] = (
            f"{code}: the commentary must be {COMMENTARY_MAX_LENGTH:,} characters or fewer"
        )
        if kpi.is_contextual:
            return  # its figure, never a status (kpis.rag.rate: "Contextual: not rated")
        f[kpi_field(kpi.id, "override")] = forms.BooleanField(
            label="Override the status by the rules", required=False,
            help_text="Only when the rules' status would mislead: choose the status to show and say why.",
        )
        f[kpi_field(kpi.id, "override")].reveals = [kpi_field(kpi.id, "rag_override"), kpi_field(kpi.id, "override_reason")]
        f[kpi_field(kpi.id, "rag_override")] = forms.ChoiceField(
            label="Status to show", required=False, choices=[("", "Choose a status"), *RAG_CHOICES],
            error_messages={"invalid_choice": f"{code}: choose Red, Amber or Green, or no override"},
        )
        f[kpi_field(kpi.id, "override_reason")] = _text("Reason for the override", limit=SHORT_TEXT_MAX_LENGTH, rows=2)
        f[kpi_field(kpi.id, "override_reason")].error_messages["max_length"] = (
            f"{code}: the reason must be {SHORT_TEXT_MAX_LENGTH:,} characters or fewer"
        )

    def _add_value_field(self, kpi, *, part="value", label="Value", what_it_is="the value"):
        """A figure of the KPI (its value; the forecast reads the same way, with the same checks)."""
        code = kpi.code
        percent = kpi.unit == KPI.Unit.PERCENT
        unit = UNIT_WORDS.get(kpi.unit, "number")
        limits = {"min_value": Decimal("0"), "max_value": Decimal("100") if percent else MAX_VALUE}
        what = "a percentage from 0 to 100" if percent else "a number, like 640 or 12.5"
        if part != "value":
            what = f"{what_it_is} as {what}"
        field = self.fields[kpi_field(kpi.id, part)] = LenientDecimalField(
            label=f"{label} ({unit})", required=False, max_digits=FIGURE_DIGITS, decimal_places=3,
            code=code, percent=percent, pounds=kpi.unit == KPI.Unit.GBP, widget=forms.TextInput,
            error_messages={
                "invalid": f"{code}: enter {what}",
                "min_value": f"{code}: {what_it_is} cannot be negative",
                "max_value": (f"{code}: a percentage cannot be more than 100" if percent
                              else f"{code}: {what_it_is} is too large: the largest it can be is {MAX_VALUE:,f}"),
                "max_digits": f"{code}: {what_it_is} is too large: the largest it can be is {MAX_VALUE:,f}",
                "max_decimal_places": f"{code}: use no more than 3 decimal places",
                "max_whole_digits": f"{code}: {what_it_is} is too large: the largest it can be is {MAX_VALUE:,f}",
            },
            **limits,
        )
        _with_attrs(field, {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"})
        field.prefix, field.suffix = UNIT_PREFIX.get(kpi.unit, ""), UNIT_SUFFIX.get(kpi.unit, "")

    def _add_forecast_fields(self, kpi):
        """The officer's year-end forecast: "Give a year-end forecast" reveals the figure expected at
        the end of the financial year and why (a GOV.UK conditional reveal). The product's own
        projection is shown beside it, as computed (reporting.templatetags.return_rows.kpi_forecast)."""
        code, f = kpi.code, self.fields
        year = self.quarterly_return.period.financial_year_label
        f[kpi_field(kpi.id, "forecast")] = forms.BooleanField(
            label="Give a year-end forecast", required=False,
            help_text=f"Do you expect to meet the target for {year}? Say what you expect the figure to be at the end "
                      "of the year, and why.",
        )
        f[kpi_field(kpi.id, "forecast")].reveals = [kpi_field(kpi.id, "forecast_value"), kpi_field(kpi.id, "forecast_reason")]
        self._add_value_field(kpi, part="forecast_value", label=f"Your forecast for the end of {year}",
                              what_it_is="the forecast")
        f[kpi_field(kpi.id, "forecast_reason")] = _text("Why you expect this", limit=SHORT_TEXT_MAX_LENGTH, rows=2,
                                                        help_text="For example, two schemes due to complete in March.")
        f[kpi_field(kpi.id, "forecast_reason")].error_messages["max_length"] = (
            f"{code}: the reason for the forecast must be {SHORT_TEXT_MAX_LENGTH:,} characters or fewer"
        )

    def _add_action_fields(self, action):
        label = f"({action.number})"
        self.fields[action_field(action.id, "status")] = forms.ChoiceField(
            label="Status", required=False,
            choices=[("", "No status given"), *[(v, l) for v, l in Action.Status.choices if v != Action.Status.UNASSESSED]],
            error_messages={"invalid_choice": f"Action {label}: choose a status from the list"},
        )
        self.fields[action_field(action.id, "narrative")] = _text(
            f"Progress this {self.quarterly_return.period.word}", limit=COMMENTARY_MAX_LENGTH, rows=4)
        self.fields[action_field(action.id, "narrative")].error_messages["max_length"] = (
            f"Action {label}: the progress must be {COMMENTARY_MAX_LENGTH:,} characters or fewer"
        )

    # -- validation --------------------------------------------------------------------------

    def _check_foreign_fields(self):
        """Refuse KPI or action fields that are not this sub-strand's (a forged or stale form)."""
        kpis = {str(k.id): k for k in self.kpis}
        action_ids = {str(a.id) for a in self.actions}
        for key in self.data or {}:
            match = FIELD_RE.match(key)
            if not match:
                continue
            kind, ident, part = match.groups()
            if kind == "kpi" and ident in kpis and kpis[ident].is_milestone and part in NOT_FOR_MILESTONES:
                if self.data.get(key) not in (None, "", "off", "false", "False"):
                    self.add_error(kpi_field(ident, "milestone_status"), f"{kpis[ident].code} is a milestone, which has no "
                                   "“not yet available”: choose its status (“Not started” if it has not begun)")
                continue  # a milestone's empty "not yet available" (an old page, an empty cell): nothing to refuse
            if kind == "kpi" and ident in kpis and kpis[ident].is_contextual and part in NOT_FOR_CONTEXTUAL:
                if self.data.get(key) not in (None, "", "off", "false", "False"):
                    self.add_error(kpi_field(ident, "value"), f"{kpis[ident].code} is a contextual KPI: it is not rated, "
                                   "so it has no status to override and no year-end forecast")
                continue
            own = kpis if kind == "kpi" else action_ids
            parts = KPI_PARTS | DATE_BOXES if kind == "kpi" else ACTION_PARTS
            field_name = key.rsplit("-", 1)[0] if part in DATE_BOXES else key
            if ident not in own or part not in parts or field_name not in self.fields:
                name = "a KPI" if kind == "kpi" else "an action"
                raise ValidationError(
                    f"The form included {name} that is not part of {self.quarterly_return.sub_strand.name} "
                    f"(“{key[:60]}”). Nothing was saved: reload the page and enter your changes again.",
                    code="foreign_field",
                )

    def clean(self):
        cleaned = super().clean()
        self._check_foreign_fields()
        for kpi in self.kpis:
            self._clean_kpi(kpi, cleaned)
        # Whether a submitted return is complete is the submit step's question (reporting.steps),
        # asked once by the service on what it saves: the form reads what was typed, nothing more.
        return cleaned

    def _clean_kpi(self, kpi, cleaned):
        code = kpi.code
        value = cleaned.get(kpi_field(kpi.id, "value"))
        not_available = cleaned.get(kpi_field(kpi.id, "not_available"))
        expected = cleaned.get(kpi_field(kpi.id, "expected_date"))
        overriding = cleaned.get(kpi_field(kpi.id, "override"))
        override = cleaned.get(kpi_field(kpi.id, "rag_override"))
        reason = cleaned.get(kpi_field(kpi.id, "override_reason"))
        if not_available and value is not None:
            self.add_error(kpi_field(kpi.id, "value"),
                           f"{code}: either enter a value or tick “not yet available”, not both")
        if expected and not not_available:
            self.add_error(kpi_field(kpi.id, "expected_date"),
                           f"{code}: an expected date goes with “not yet available”: tick it, or remove the date")
        if expected and not (datetime.date(2000, 1, 1) <= expected <= datetime.date(2100, 12, 31)):
            self.add_error(kpi_field(kpi.id, "expected_date"), f"{code}: enter an expected date between 2000 and 2100")
        if overriding:
            if not override and kpi_field(kpi.id, "rag_override") not in self.errors:
                self.add_error(kpi_field(kpi.id, "rag_override"), f"{code}: choose the status to show: Red, Amber or Green")
            if is_blank(reason):
                self.add_error(kpi_field(kpi.id, "override_reason"), f"{code}: give a reason for overriding the status")
        elif override:
            self.add_error(kpi_field(kpi.id, "rag_override"), f"{code}: tick “Override the status by the rules” to show "
                                                               f"{RAG(override).label}, or choose “Choose a status”")
        elif not is_blank(reason):
            self.add_error(kpi_field(kpi.id, "override_reason"), f"{code}: a reason goes with an override: tick “Override "
                                                                  "the status by the rules”, or remove the reason")
        if kpi_field(kpi.id, "forecast") in self.fields:
            self._clean_forecast(kpi, cleaned)

    def _clean_forecast(self, kpi, cleaned):
        """A forecast is a figure and its reason, both or neither, with “Give a year-end forecast” ticked."""
        code, value_field = kpi.code, kpi_field(kpi.id, "forecast_value")
        forecasting = cleaned.get(kpi_field(kpi.id, "forecast"))
        value, reason = cleaned.get(value_field), cleaned.get(kpi_field(kpi.id, "forecast_reason"))
        if forecasting:
            if value is None and value_field not in self.errors:
                self.add_error(value_field, f"{code}: enter the figure you expect at the end of the year")
            if is_blank(reason):
                self.add_error(kpi_field(kpi.id, "forecast_reason"), f"{code}: say why you expect this figure at the "
                                                                      "end of the year")
        elif value is not None:
            self.add_error(value_field, f"{code}: tick “Give a year-end forecast” to give a forecast, or remove the figure")
        elif not is_blank(reason):
            self.add_error(kpi_field(kpi.id, "forecast_reason"), f"{code}: a reason goes with a forecast: tick “Give a "
                                                                  "year-end forecast”, or remove the reason")

    # -- for the template --------------------------------------------------------------------

    def kpi_bound_fields(self, kpi):
        """{part: BoundField} for one KPI (value or milestone_status, not_available, ...)."""
        return {part: self[kpi_field(kpi.id, part)] for part in KPI_PARTS if kpi_field(kpi.id, part) in self.fields}

    def action_bound_fields(self, action):
        return {part: self[action_field(action.id, part)] for part in ACTION_PARTS}


def initial_form_data(quarterly_return, *, kpis=None, actions=None, measurements=None, updates=None, start=None):
    """The return's current values as a ReturnForm POST dict (a return not yet started: last quarter's
    commentary and action narratives, as start_return would create it). `measurements` ({kpi id: m}),
    `updates` ({action id: update}) and, for a return not yet started, `start` (its prefill()) when
    already read."""
    ret = quarterly_return
    if kpis is None:
        kpis = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id, is_active=True))
    if actions is None:
        actions = list(Action.objects.filter(sub_strand_id=ret.sub_strand_id))
    data = {"version": ret.version if ret.pk else 0, "intent": "save"}
    if ret.pk:
        data.update(overall_rag=ret.overall_rag, commentary=ret.commentary, rag_explanation=ret.rag_explanation)
        saved = updates.values() if updates is not None else ret.action_updates.all()
        updates = {u.action_id: {"narrative": u.narrative, "status": u.status} for u in saved}
    else:
        if start is None:
            start = prefill(ret.sub_strand, ret.period)
        data.update(overall_rag="", commentary=start["commentary"], rag_explanation="")
        updates = start["actions"]
    if measurements is None:
        measurements = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period_id=ret.period_id)}
    for kpi in kpis:
        m = measurements.get(kpi.id)
        if kpi.is_milestone:
            data[kpi_field(kpi.id, "milestone_status")] = m.milestone_status if m else ""
        else:
            data[kpi_field(kpi.id, "value")] = "" if m is None or m.value is None else _plain(m.value)
            data[kpi_field(kpi.id, "not_available")] = bool(m and m.not_available)
            data[kpi_field(kpi.id, "expected_date")] = m.expected_date.isoformat() if m and m.expected_date else ""
        data[kpi_field(kpi.id, "data_for")] = m.data_for if m else ""
        data[kpi_field(kpi.id, "commentary")] = m.commentary if m else ""
        if kpi.is_contextual:
            continue
        data[kpi_field(kpi.id, "override")] = bool(m and m.rag_override)
        data[kpi_field(kpi.id, "rag_override")] = m.rag_override if m else ""
        data[kpi_field(kpi.id, "override_reason")] = m.override_reason if m else ""
        if not kpi.is_milestone and has_trajectory(kpi):
            forecast = m.forecast_value if m else None
            data[kpi_field(kpi.id, "forecast")] = forecast is not None
            data[kpi_field(kpi.id, "forecast_value")] = "" if forecast is None else _plain(forecast)
            data[kpi_field(kpi.id, "forecast_reason")] = m.forecast_reason if m else ""
    for action in actions:
        start = updates.get(action.id, {})
        data[action_field(action.id, "status")] = start.get("status", "")
        data[action_field(action.id, "narrative")] = start.get("narrative", "")
    return data


def _plain(value):
    """640.000 → '640'; 12.500 → '12.5' (as an officer would type it)."""
    text = format(value.normalize(), "f")
    return text


def as_post_data(data):
    """initial_form_data() as a browser would post it: booleans as 'on' or absent, everything a string."""
    posted = {}
    for key, value in data.items():
        if value is True:
            posted[key] = "on"
        elif value is False or value is None:
            continue
        else:
            posted[key] = str(value)
    return posted
