"""The return form's live status (static/js/return-form.js asks for it as the officer types): each
KPI's status by the rules for what is typed on the page now, and the overall status that mix
suggests, exactly as saving the page would rate them.

There is one reading of a typed figure and one rule: the page's own ReturnForm (its parser,
kpis.numbers.parse_number, and its checks) and the rating of a save (ReturnForm.kpi_entries, through
kpis.services.rate_measurements and kpis.rag). A figure the save would refuse is not rated, and
says why in the form's own words. Nothing is saved."""
from kpis.rag import rag_label, suggested_overall
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
    for entry in form.kpi_entries():
        kpi_id = entry["kpi"].id
        refused = [*form.errors.get(kpi_field(kpi_id, "value"), []), *form.errors.get(kpi_field(kpi_id, "milestone_status"), [])]
        rag, basis = (None, " ".join(refused)) if refused else (entry["rag_calculated"] or None, entry["basis"])
        kpis[str(kpi_id)] = {"rag": rag, "label": rag_label(rag), "basis": basis}
        shown.append(entry["rag"])
    suggested = suggested_overall(shown)
    return {"kpis": kpis, "suggested": {"rag": suggested, "label": rag_label(suggested) if suggested else NOTHING_RATED}}
