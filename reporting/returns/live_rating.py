"""The return form's live status (static/js/return-form.js asks for it as the officer types): each
KPI's status by the rules for what is typed on the page now, and the overall status that mix
suggests, exactly as saving the page would rate them.

There is one reading of a typed figure and one rule: the page's own ReturnForm (its parser,
kpis.numbers.parse_number, and its checks) and the rating of a save (kpis.services.rate_measurements
and kpis.rag, as reporting.returns.services rates what it saves). A figure the save would refuse is not rated, and
says why in the form's own words. Nothing is saved."""
from kpis.models import Measurement
from kpis.rag import rag_label, suggested_overall
from kpis.services import rate_measurements
from reporting.returns.completeness import kpi_field
from reporting.returns.forms import ReturnForm

NOTHING_RATED = "No KPI rated yet"


def typed_ratings(*, quarterly_return, user, data):
    """{"kpis": {kpi id: {"rag", "label", "basis"}}, "suggested": {"rag", "label"}} for the return
    form's POST data `data` (a QueryDict), rated as a save of a draft would rate it."""
    data = data.copy()
    data["intent"] = "save"  # a draft's save: the completeness that Submit checks is not the live status
    form = ReturnForm(quarterly_return=quarterly_return, user=user, data=data)
    form.is_valid()
    kpis, shown = {}, []
    for entry in typed_entries(form):
        kpi_id = entry["kpi"].id
        refused = [*form.errors.get(kpi_field(kpi_id, "value"), []), *form.errors.get(kpi_field(kpi_id, "milestone_status"), [])]
        rag, basis = (None, " ".join(refused)) if refused else (entry["rag_calculated"] or None, entry["basis"])
        kpis[str(kpi_id)] = {"rag": rag, "label": rag_label(rag, kind=entry["kpi"].kind), "basis": basis}
        shown.append(entry["rag"])
    suggested = suggested_overall(shown)
    return {"kpis": kpis, "suggested": {"rag": suggested, "label": rag_label(suggested) if suggested else NOTHING_RATED}}


def typed_entries(form):
    """Each KPI's figure as typed in a validated ReturnForm, rated by the same rules as a save."""
    ret = form.quarterly_return
    existing = {m.kpi_id: m for m in Measurement.objects.filter(kpi__in=form.kpis, period_id=ret.period_id)} if ret.period_id else {}
    typed = []
    c = form.cleaned_data
    for kpi in form.kpis:
        not_available = bool(c.get(kpi_field(kpi.id, "not_available")))
        m = Measurement(
            kpi=kpi, period=ret.period, value=None if not_available else c.get(kpi_field(kpi.id, "value")),
            not_available=not_available, milestone_status=c.get(kpi_field(kpi.id, "milestone_status")) or "",
            rag_override=c.get(kpi_field(kpi.id, "rag_override")) or "",
            override_reason=c.get(kpi_field(kpi.id, "override_reason")) or "",
            data_for_end=getattr(existing.get(kpi.id), "data_for_end", None),
        )
        m.pk = getattr(existing.get(kpi.id), "pk", None)
        typed.append(m)
    rate_measurements(typed, ret.period)
    return [{"kpi": m.kpi, "rag_calculated": m.rag_calculated, "basis": m.rag_basis,
             "rag": m.rag_override or m.rag_calculated or None} for m in typed]
