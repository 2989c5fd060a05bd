"""The coordinating team's forms for a risk's register entry (raise it, change it) and its actions.

The choices are the strategy's own (its objectives and sub-strands in the council's words, its KPIs),
the council's matrix (its levels' words as radios) and its categories, and the officers who may own
a risk: anything else posted (a forged id, another strategy's objective or KPI, a score off the
matrix) is refused beside its field. Every message says what is wrong and how to put it right."""
from django import forms
from django.contrib.auth import get_user_model

from kpis.models import KPI
from objectives.council import lazy_words, words
from objectives.forms import GovukDateField, GovukFormMixin
from objectives.models import StrategicObjective, SubStrand
from objectives.roles import GROUP_NAMES, Role, person_name
from reporting.models import RiskAction, RiskCategory
from reporting.risks.forms import DAMAGED, TEXT_MAX_LENGTH

REFERENCE_MAX_LENGTH = 20
TITLE_MAX_LENGTH = 300
OWNER_TITLE_MAX_LENGTH = 200
OWNER_ROLES = (Role.OFFICER, Role.COORDINATOR, Role.APPROVER)
SCORES = (("inherent_likelihood", "likelihood", "Inherent likelihood", "How likely it is before any controls."),
          ("inherent_impact", "impact", "Inherent impact", "How serious it would be before any controls."),
          ("target_likelihood", "likelihood", "Target likelihood", "How likely it should be once the planned "
                                                                   "actions are done."),
          ("target_impact", "impact", "Target impact", "How serious it should be once the planned actions are done."))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return person_name(user)


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.number}. {objective.name}"


class KPIChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, kpi):
        return f"{kpi.code}: {kpi.title}"


class SubStrandChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, sub_strand):
        return f"{sub_strand.name} ({sub_strand.objective.number}. {sub_strand.objective.name})"


def _text(label, *, what, max_length=TEXT_MAX_LENGTH, required=False, rows=4, hint=""):
    messages = {"max_length": f"{what[0].upper()}{what[1:]} must be {max_length:,} characters or fewer."}
    if required:
        messages["required"] = f"Enter {what}."
    field = forms.CharField(label=label, required=required, max_length=max_length, help_text=hint,
                            widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
                            error_messages=messages)
    return field


class RiskEntryForm(GovukFormMixin, forms.Form):
    """A risk's register entry. `strategy`: the risk's (its objectives, sub-strands and KPIs are the
    choices); `matrix`: the council's; `raising`: a new risk (its reference asked for; no version)."""

    reference = forms.CharField(
        label="Reference", max_length=REFERENCE_MAX_LENGTH, help_text="For example, SR7: unique in the strategy.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the risk's reference, for example SR7.",
                        "max_length": f"The reference must be {REFERENCE_MAX_LENGTH} characters or fewer."})
    title = _text("Title", what="the risk's title", max_length=TITLE_MAX_LENGTH, required=True, rows=0)
    cause = _text("Cause", what="the cause", hint="If … : what might happen.")
    effect = _text("Effect", what="the effect", hint="then … : what would follow.")
    owner = PersonChoiceField(
        label="Owner", queryset=get_user_model().objects.none(), required=False, empty_label="No owner yet",
        help_text="The officer who reviews the risk each period.",
        error_messages={"invalid_choice": "Choose one of the people listed."})
    owner_title = _text("Owner's title", what="the owner's title", max_length=OWNER_TITLE_MAX_LENGTH, rows=0,
                        hint="Their role or service, as the council writes it.")
    category = forms.ModelChoiceField(
        label="Category", queryset=RiskCategory.objects.none(), required=False, empty_label="No category",
        error_messages={"invalid_choice": "Choose one of the categories listed."})
    objective = ObjectiveChoiceField(
        label=lazy_words("{objective.one}"), queryset=StrategicObjective.objects.none(), required=False,
        empty_label=lazy_words("The whole strategy"),
        error_messages={"invalid_choice": lazy_words("Choose one of the {objective.many_lower} listed.")})
    sub_strand = SubStrandChoiceField(
        label=lazy_words("{sub_strand.one}"), queryset=SubStrand.objects.none(), required=False,
        empty_label=lazy_words("No {sub_strand.one_lower}"),
        error_messages={"invalid_choice": lazy_words("Choose one of the {sub_strand.many_lower} listed.")})
    controls = _text("Controls in place", what="the controls", rows=5)
    next_review_date = GovukDateField(label="Next review date", what="the next review date", required=False)
    exempt = forms.BooleanField(
        label="Exempt: not for publication", required=False,
        help_text="Never shown on a public page or in a public paper.")
    kpis = KPIChoiceField(
        label="Linked KPIs", queryset=KPI.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The KPIs that warn of the risk.",
        error_messages={"invalid_choice": "Choose only KPIs listed here.",
                        "invalid_pk_value": "Choose only KPIs listed here."})
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": DAMAGED, "invalid": DAMAGED})

    def __init__(self, *args, strategy, matrix, raising=False, **kwargs):
        super().__init__(*args, **kwargs)
        if raising:
            del self.fields["version"]
        else:
            del self.fields["reference"]
        self.fields["owner"].queryset = (get_user_model().objects
                                         .filter(is_active=True, groups__name__in=[GROUP_NAMES[r] for r in OWNER_ROLES])
                                         .distinct().order_by("first_name", "last_name", "username"))
        self.fields["category"].queryset = RiskCategory.objects.filter(matrix=matrix).order_by("name")
        self.fields["objective"].queryset = StrategicObjective.objects.filter(strategy=strategy).order_by("number")
        self.fields["sub_strand"].queryset = (SubStrand.objects.filter(objective__strategy=strategy)
                                              .select_related("objective").order_by("objective__number", "order"))
        self.fields["kpis"].queryset = (KPI.objects.filter(sub_strand__objective__strategy=strategy)
                                        .select_related("sub_strand")
                                        .order_by("sub_strand__objective__number", "sub_strand__order", "code"))
        for name, axis, label, hint in SCORES:
            levels = matrix.likelihood_levels() if axis == "likelihood" else matrix.impact_levels()
            self.fields[name] = forms.TypedChoiceField(
                label=label, coerce=int, widget=forms.RadioSelect, help_text=hint,
                choices=[(level.value, f"{level.name} ({level.value})") for level in levels],
                error_messages={"required": f"Choose the {label.lower()}.",
                                "invalid_choice": f"Choose one of the {axis == 'impact' and 'impacts' or 'likelihoods'} "
                                                  "listed."})
        self.order_fields(["reference", "title", "cause", "effect", "owner", "owner_title", "category", "objective",
                           "sub_strand", *[name for name, *_ in SCORES], "controls", "next_review_date", "exempt",
                           "kpis", "version"])
        self.apply_govuk_classes()

    def clean(self):
        data = super().clean()
        objective, sub_strand = data.get("objective"), data.get("sub_strand")
        if objective and sub_strand and sub_strand.objective_id != objective.pk:
            self.add_error("sub_strand", words("Choose {sub_strand.a} of the {objective.one_lower} chosen, "
                                               "or no {sub_strand.one_lower}."))
        if sub_strand and not objective:
            data["objective"] = sub_strand.objective  # a sub-strand says its objective
        return data

    def risk_data(self):
        """The cleaned data as reporting.risks.services.raise_risk / update_risk take it (no version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def kpi_groups(self):
        """The KPI checkboxes by sub-strand, in the strategy's order: [(sub-strand's name, [checkbox])]."""
        names = {str(kpi.pk): kpi.sub_strand.name for kpi in self.fields["kpis"].queryset}
        groups = {}
        for box in self["kpis"]:
            groups.setdefault(names.get(str(box.data["value"]), ""), []).append(box)
        return list(groups.items())

    def kpis_chosen(self):
        return len([value for value in (self["kpis"].value() or []) if value])

    def score_fields(self):
        return [self[name] for name, *_ in SCORES]


class RiskActionForm(GovukFormMixin, forms.Form):
    description = _text("Action", what="the action", required=True, rows=3, hint="What will be done.")
    owner = _text("Owner", what="the action's owner", max_length=200, rows=0, hint="Who will do it: a person, "
                  "role or service.")
    due_date = GovukDateField(label="Due date", what="the due date", required=False)
    status = forms.ChoiceField(label="Status", choices=RiskAction.Status.choices, widget=forms.RadioSelect,
                               initial=RiskAction.Status.NOT_STARTED,
                               error_messages={"required": "Choose the action's status.",
                                               "invalid_choice": "Choose one of the statuses listed."})
