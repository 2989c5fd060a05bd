"""Forms for setting up a year: its periods' deadlines and governance events, and the KPIs' targets."""
import copy
import functools

from django import forms
from django.utils.choices import BaseChoiceIterator

from objectives.council import mid_sentence
from kpis.formatting import plain_number
from kpis.models import KPI, Profile, Target
from kpis.numbers import FIGURE_DIGITS, figure_limit
from kpis.services import opened_state, target_state, target_version, trajectory_of
from objectives import cadence as cadences
from objectives.governance import DEFAULT_DEADLINE_HEADING
from objectives.forms import GovukDateField, GovukFormMixin
from reporting.returns.forms import LenientDecimalField






def date_field(label, example, *, period_label):
    """A period's deadline or event date: its label on the page, and the period for screen readers and messages."""
    words = mid_sentence(str(label))  # "the 2024/25 Q2 Economy Cell meeting", "the 2024/25 Q2 dashboard update deadline"
    field = GovukDateField(label=label, required=False, what=f"the {period_label} {words}", example=example)
    field.legend_hidden = f" for {period_label}"
    return field


class SetUpYearForm(GovukFormMixin, forms.Form):
    """A date field for the deadline and for each dated governance event of each period still to
    set up: p1-deadline, p1-event-1 …"""

    def __init__(self, *args, periods=(), deadline_label=DEFAULT_DEADLINE_HEADING, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = [p for p in periods if p.existing is None]
        for p in self.periods:
            example = f"{p.end.day} {p.end.month} {p.end.year}"
            p.fields = [self._add(f"p{p.number}-deadline", deadline_label, example, p, p.deadline)]
            for i, event in enumerate(p.events, start=1):
                if not event.frequency:
                    p.fields.append(self._add(f"p{p.number}-event-{i}", event.name, example, p, event.date))

    def _add(self, key, label, example, period, initial):
        self.fields[key] = date_field(label, example, period_label=period.label)
        self.initial.setdefault(key, initial)
        return key

    def bound_periods(self):
        """[(ProposedPeriod, [bound fields])] for the template."""
        return [(p, [self[key] for key in p.fields]) for p in self.periods]

    def dates(self):
        """{period number: {"deadline": date or None, event name: date or None}} from the cleaned data."""
        found = {}
        for p in self.periods:
            found[p.number] = {"deadline": self.cleaned_data.get(f"p{p.number}-deadline")}
            for i, event in enumerate(p.events, start=1):
                found[p.number][event.name] = self.cleaned_data.get(f"p{p.number}-event-{i}")
        return found


def _figure_messages(what):
    """A target's figure's messages, in its own words ("The HOU-01 baseline")."""
    return {
        "invalid": f"Enter {what[:1].lower()}{what[1:]} as a number, like 640 or 12.5",
        "max_value": f"{what} is too large: the largest it can be is {_LARGEST}",
        "min_value": f"{what} is too small: the smallest it can be is {_SMALLEST}",
        "max_digits": f"{what} is too large: the largest it can be is {_LARGEST}",
        "max_whole_digits": f"{what} is too large: the largest it can be is {_LARGEST}",
        "max_decimal_places": f"{what} can have at most 3 decimal places",
    }


class FixedChoices(BaseChoiceIterator):
    """Choices given once, already in Django's form ([(value, label)]): a field and its select take them as
    they are rather than normalising them again for each field (the targets page has a hundred)."""

    def __init__(self, choices):
        self.choices = list(choices)
        self.drawn_options = {}  # the options as objectives.govuk_markup draws them, for each value chosen

    def __iter__(self):
        return iter(self.choices)


KIND_CHOICES = FixedChoices([("", "Choose a kind of target")] + list(Target.Kind.choices))
TARGET_LIMIT = figure_limit(3)  # a target is a figure of 3 decimal places (kpis.models.Target.value)
# Said in the messages of every figure of the page (five a KPI): written out once.
_LARGEST, _SMALLEST = f"{TARGET_LIMIT:,f}", f"{-TARGET_LIMIT:,f}"
PROFILE_CHOICES = FixedChoices(Profile.choices)


def _like(prototype, **changed):
    """A field of a row made as a copy of one made once for every row (a page of fifty KPIs has a hundred
    selects and fifty hidden boxes): its own widget, attributes, messages and checks, and what `changed` says."""
    field = copy.copy(prototype)
    field.widget = copy.copy(prototype.widget)
    field.widget.attrs = dict(prototype.widget.attrs)
    field.error_messages = dict(prototype.error_messages)
    field.validators = list(prototype.validators)
    for name, value in changed.items():
        setattr(field, name, value)
    return field


@functools.cache
def _target_figure(percent, pounds):
    """A target's figure as the return form reads one (kpis.numbers): "8,000", "12.5%", "£35,000"; within
    what the database holds. Made once for each kind of unit; each KPI's is a copy (`_like`) with its code,
    label and messages."""
    field = LenientDecimalField(
        required=False, max_digits=FIGURE_DIGITS, decimal_places=3, min_value=-TARGET_LIMIT, max_value=TARGET_LIMIT,
        percent=percent, pounds=pounds, widget=forms.TextInput)
    field.widget.attrs.update({"class": "govuk-input--width-10", "inputmode": "decimal"})
    return field


_KIND = forms.ChoiceField(label="Kind of target", required=False, choices=KIND_CHOICES)
_PROFILE = forms.ChoiceField(label="How the target runs through the year", required=False, choices=PROFILE_CHOICES)
_VERSION = forms.CharField(widget=forms.HiddenInput, required=False)


class TargetsForm(GovukFormMixin, forms.Form):
    """Each KPI's primary target for the year (value and kind), pre-filled with this year's, or
    last year's carried forward. The form carries what it was opened for, as every editing form
    does: the strategy whose KPIs it lists (`strategy`) and each target's version
    (`target-<id>-version`, kpis.services.target_version), so that a save writes only the targets
    the person changed, and is refused for one that someone else changed since."""

    strategy = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows=(), strategy=None, year=None, cadence=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.initial.setdefault("strategy", strategy.pk if strategy is not None else "")
        self.cadence = cadence or (strategy.cadence if strategy is not None else cadences.QUARTERLY)
        self.year = year
        # The periods of the year but the last, each row's points: named once for every row.
        self._point_labels = [(number, cadences.label(year, number, self.cadence) if year else f"Period {number}")
                              for number in range(1, cadences.per_year(self.cadence))]
        for row in self.rows:
            kpi, shown = row.kpi, row.this_year or row.last_year
            value, kind, version = f"target-{kpi.id}-value", f"target-{kpi.id}-kind", f"target-{kpi.id}-version"
            # A figure as the return form reads one (kpis.numbers): "8,000", "12.5%", "£35,000"; within
            # what the database holds, too many decimals said as such.
            self.fields[value] = self._figure(kpi, f"{kpi.code} target", f"The {kpi.code} target")
            self._add_trajectory_fields(row, shown)
            self.fields[kind] = _like(_KIND, label=f"{kpi.code} kind of target")
            self.fields[version] = _like(_VERSION)
            self.initial.setdefault(version, target_version(row.this_year))
            if row.this_year is not None:
                self.initial.setdefault(value, plain_number(row.this_year.value) if row.this_year.value is not None else "")
                self.initial.setdefault(kind, row.this_year.kind)
            elif shown is not None:
                self.initial.setdefault(kind, shown.kind)
            row.value_field, row.kind_field, row.version_field = value, kind, version
        self.apply_govuk_classes()  # the fields above came after the mixin's own __init__ drew its classes

    @staticmethod
    def _figure(kpi, label, what, like=None):
        """A figure of the KPI (its target, baseline, a point); `like`, another figure field of the same KPI
        (the same unit, limits and checks), is copied with this one's label and messages rather than a
        field made again (a row has five)."""
        if like is not None:
            field = copy.copy(like)
            field.label, field.validators = label, list(like.validators)
            field.error_messages = {**like.error_messages, **_figure_messages(what)}
            field.widget = forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"})
            return field
        field = _like(_target_figure(kpi.unit == KPI.Unit.PERCENT, kpi.unit == KPI.Unit.GBP), label=label, code=kpi.code)
        field.error_messages.update(_figure_messages(what))
        return field

    def _add_trajectory_fields(self, row, shown):
        """The target's trajectory through the year (kpis.trajectory): flat, linear from a baseline, or
        set period by period (a point for each period but the last, which is the year's target)."""
        kpi, name = row.kpi, f"target-{row.kpi.id}"
        row.profile_field, row.baseline_field = f"{name}-trajectory", f"{name}-baseline"
        self.fields[row.profile_field] = profile = _like(_PROFILE)
        profile.error_messages["invalid_choice"] = f"Choose how the {kpi.code} target runs through the year from the list"
        like = self.fields[f"{name}-value"]
        self.fields[row.baseline_field] = self._figure(kpi, "Baseline: the figure at the start of the year",
                                                       f"The {kpi.code} baseline", like)
        self.fields[row.baseline_field].help_text = "Only for a linear trajectory: the figure it starts from."
        row.point_fields = []
        for number, label in self._point_labels:
            key = f"{name}-point-{number}"
            self.fields[key] = self._figure(kpi, f"Point for {label}", f"The {kpi.code} point for {label}", like)
            row.point_fields.append((number, label, key))
        for key in (row.profile_field, row.baseline_field, *(k for _n, _l, k in row.point_fields)):
            self.fields[key].legend_hidden = f": {kpi.code}"  # for screen readers, as the target's own label says
        source = row.this_year or shown
        profile, baseline, points = trajectory_of(source) if source is not None else ("flat", None, [])
        self.initial.setdefault(row.profile_field, profile)
        self.initial.setdefault(row.baseline_field, plain_number(baseline) if baseline is not None else "")
        for (number, _label, key) in row.point_fields:
            self.initial.setdefault(key, plain_number(points[number - 1]) if number <= len(points) else "")

    def trajectory(self, row):
        """(profile, baseline, points) as posted for a row."""
        data = self.cleaned_data
        return (data.get(row.profile_field) or "flat", data.get(row.baseline_field),
                [data.get(key) for _n, _l, key in row.point_fields])

    def clean(self):
        data = super().clean()
        for row in self.rows:
            if data.get(row.value_field) is not None and not data.get(row.kind_field):
                self.add_error(row.kind_field, f"Choose what kind of target the {row.kpi.code} target is")
            if data.get(row.value_field) is None:
                continue
            profile = data.get(row.profile_field)
            if profile == Profile.LINEAR and data.get(row.baseline_field) is None and row.baseline_field not in self.errors:
                self.add_error(row.baseline_field, f"Give the {row.kpi.code} baseline: the figure at the start of the year "
                                                   "that a linear trajectory runs from")
            if profile == Profile.PERIODS:
                for _number, label, key in row.point_fields:
                    if data.get(key) is None and key not in self.errors:
                        self.add_error(key, f"Give the {row.kpi.code} point for {label}, or choose another trajectory")
        return data

    def bound_trajectory(self, row):
        """The row's trajectory fields, bound, for reporting.years.markup."""
        return {"profile": self[row.profile_field], "baseline": self[row.baseline_field],
                "points": [self[key] for _n, _l, key in row.point_fields]}

    def bound_rows(self):
        for row in self.rows:
            row.trajectory_fields = self.bound_trajectory(row)
        return [(row, self[row.value_field], self[row.kind_field]) for row in self.rows]

    def hidden_versions(self):
        return [self[row.version_field] for row in self.rows]

    def changes(self):
        """{kpi id: (value or None, kind, the version the page was opened at)} for each target the
        person changed from what the page showed them. A row the page did not show (no version, or
        no value field posted) is not a change: a blank is written only where a target was emptied."""
        found = {}
        for row in self.rows:
            opened = self.data.get(row.version_field)
            if not opened or row.value_field not in self.data:
                continue
            value, kind = self.cleaned_data.get(row.value_field), self.cleaned_data.get(row.kind_field) or ""
            trajectory = self.trajectory(row)
            if target_state(value, kind, trajectory) != opened_state(opened):
                found[row.kpi.id] = (value, kind, opened, trajectory)
        return found

    def refused_as_stale(self, stale, rows_now):
        """The form to show again after StaleTargets: each target the person changed as they typed it,
        now with the version of the target as it is (so that saving again replaces it), and a
        message on each that someone else changed; every other target as it is now."""
        data, changed, now = self.data.copy(), self.changes(), {row.kpi.id: row for row in rows_now}
        for row in self.rows:
            current = now.get(row.kpi.id)
            if current is None or not data.get(row.version_field):
                continue
            target = current.this_year
            data[row.version_field] = target_version(target)
            if row.kpi.id not in changed:
                data[row.value_field] = plain_number(target.value) if target and target.value is not None else ""
                data[row.kind_field] = target.kind if target else data.get(row.kind_field, "")
                profile, baseline, points = trajectory_of(target) if target else ("flat", None, [])
                data[row.profile_field] = profile
                data[row.baseline_field] = plain_number(baseline) if baseline is not None else ""
                for number, _label, key in row.point_fields:
                    data[key] = plain_number(points[number - 1]) if number <= len(points) else ""
        form = TargetsForm(data, rows=self.rows, strategy=None, year=self.year, cadence=self.cadence)
        form.is_valid()
        for row in self.rows:
            if row.kpi.id in stale:
                target = now[row.kpi.id].this_year if row.kpi.id in now else None
                it_is = (f"It is now {plain_number(target.value)} ({target.get_kind_display()})."
                         if target is not None and target.value is not None else "It has no target now.")
                form.add_error(row.value_field, f"{stale[row.kpi.id]} {it_is}")
        return form
