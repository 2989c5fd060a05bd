"""The rules of a complete return, written once: what stops a return being submitted.

Submit (reporting.returns.services), the return form (reporting.returns.forms), My returns'
"what is missing" (reporting.returns.selectors) and the spreadsheet import all ask
`completeness_problems`, so that they can never disagree.

Also the POST field names the form, the services and the import share.
"""
from kpis.models import KPI, Measurement
from kpis.rag import RAG, rag_label, suggested_overall
from objectives.text import is_blank


def kpi_field(kpi_id, part):
    """The POST name of one part of a KPI's measurement: kpi_field(12, "value") == "kpi-12-value"."""
    return f"kpi-{kpi_id}-{part}"


def action_field(action_id, part):
    """The POST name of one part of an action's progress: action_field(3, "narrative") == "action-3-narrative"."""
    return f"action-{action_id}-{part}"


def completeness_problems(*, overall_rag, commentary, rag_explanation, entries):
    """What stops a return being submitted, as {form field name: message}; empty when it is complete.

    `entries` is a list of dicts, one per active KPI: kpi, value, milestone_status, not_available,
    rag_calculated (the rules' RAG), rag (the RAG shown: override or rules) and commentary.

    * an overall status and a commentary;
    * every KPI has a value or is marked "not yet available"; every milestone has a status;
    * a KPI the rules rate Red has a commentary saying why;
    * an overall status that differs from what the KPIs' statuses suggest has an explanation.
    """
    problems = {}
    if not overall_rag:
        problems["overall_rag"] = "Choose the overall status: Red, Amber or Green"
    if is_blank(commentary):
        problems["commentary"] = "Write a commentary on progress"
    for entry in entries:
        kpi = entry["kpi"]
        has_figure = entry.get("value") is not None or bool(entry.get("milestone_status")) or entry.get("not_available")
        if not has_figure:
            if kpi.is_milestone:  # a milestone always has a status: it has no "not yet available"
                problems[kpi_field(kpi.id, "milestone_status")] = f"{kpi.code}: choose a milestone status"
            else:
                problems[kpi_field(kpi.id, "value")] = f"{kpi.code}: enter a value, or tick “not yet available”"
        elif entry.get("rag_calculated") == RAG.RED and is_blank(entry.get("commentary")):
            problems[kpi_field(kpi.id, "commentary")] = f"{kpi.code} is rated Red by the rules: explain why in its commentary"
    suggested = suggested_overall([entry.get("rag") for entry in entries])
    if overall_rag and suggested and overall_rag != suggested and is_blank(rag_explanation):
        problems["rag_explanation"] = (
            f"The KPIs suggest {rag_label(suggested)} but the overall status is {rag_label(overall_rag)}: "
            "explain the difference"
        )
    return problems


class KpiFacts:
    """A KPI as completeness_problems reads it, from plain values (KPI.objects.values_list(*FIELDS)):
    a list of many returns (My returns) reads every KPI of each, and a model instance each cost more
    than the rules. Whether it is a milestone is the KPI's own rule, asked, not written again."""

    FIELDS = ("id", "sub_strand_id", "code", "kind")
    __slots__ = FIELDS
    Kind = KPI.Kind
    is_milestone = KPI.is_milestone

    def __init__(self, row):
        self.id, self.sub_strand_id, self.code, self.kind = row


class FigureFacts:
    """A saved figure as saved_entry reads it, from plain values (Measurement.objects.values_list(*FIELDS));
    the RAG it shows is Measurement's own rule."""

    FIELDS = ("kpi_id", "period_id", "value", "milestone_status", "not_available", "rag_calculated", "frozen_at",
              "frozen_rag", "rag_override", "commentary")
    __slots__ = FIELDS
    is_frozen = Measurement.is_frozen
    rag = Measurement.rag

    def __init__(self, row):
        (self.kpi_id, self.period_id, self.value, self.milestone_status, self.not_available, self.rag_calculated,
         self.frozen_at, self.frozen_rag, self.rag_override, self.commentary) = row



def saved_entry(kpi, measurement):
    """The completeness entry of a KPI's saved measurement (None: nothing entered yet)."""
    m = measurement
    return {
        "kpi": kpi,
        "value": m.value if m else None,
        "milestone_status": m.milestone_status if m else "",
        "not_available": m.not_available if m else False,
        "rag_calculated": m.rag_calculated if m else "",
        "rag": m.rag if m else None,
        "commentary": m.commentary if m else "",
    }


def saved_return_problems(ret, kpis, measurements):
    """What stops a saved return being submitted, from its KPIs and their measurements ({kpi id: m})."""
    return completeness_problems(
        overall_rag=ret.overall_rag, commentary=ret.commentary, rag_explanation=ret.rag_explanation,
        entries=[saved_entry(kpi, measurements.get(kpi.id)) for kpi in kpis],
    )


def return_problems(ret):
    """What stops this saved return being submitted, read from the database (2 queries): the submit
    step's completeness check (reporting.steps.SUBMIT_RETURN)."""
    kpis = list(KPI.objects.filter(sub_strand_id=ret.sub_strand_id, is_active=True).order_by("order", "code"))
    measurements = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=kpis, period_id=ret.period_id)}
    return saved_return_problems(ret, kpis, measurements)
