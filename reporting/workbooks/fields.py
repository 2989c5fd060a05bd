"""From a workbook's cells to the return form's fields: what each cell of a return template means,
as the ReturnForm POST data that reporting.workbooks.imports validates."""
import datetime
from decimal import Decimal

from kpis.models import KPI
from kpis.outlook import has_trajectory
from reporting.returns.completeness import action_field, kpi_field
from reporting.workbooks.cells import (
    COL_ACTION_STATUS,
    COL_COMMENTARY,
    COL_DATA_FOR,
    COL_EXPECTED,
    COL_FORECAST,
    COL_FORECAST_REASON,
    COL_OVERALL,
    COL_OVERRIDE_REASON,
    COL_PROGRESS,
    COL_RAG_EXPLANATION,
    COL_RAG_OVERRIDE,
    NOT_AVAILABLE,
)
from reporting.workbooks.reader import ACTION_STATUS_WORDS, MILESTONE_WORDS, OVERALL_BLANKS, RAG_WORDS, Edit, text_value
from reporting.workbooks.safety import Problem

# -- from cells to the return form's fields ------------------------------------------------------


def _figure_fields(kpi, value):
    """The figure cell → value (or milestone_status) and not_available, as the return form posts them."""
    main = kpi_field(kpi.id, "milestone_status" if kpi.is_milestone else "value")
    na = kpi_field(kpi.id, "not_available")
    if value is None or (isinstance(value, str) and not value.strip()):
        return {main: "", na: None}
    if isinstance(value, str) and value.strip().lower() == NOT_AVAILABLE.lower():
        return {main: "", na: "on"}
    if kpi.is_milestone:
        text = text_value(value).strip()
        return {main: MILESTONE_WORDS.get(text.lower(), text), na: None}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if kpi.unit == KPI.Unit.PERCENT:
            number *= 100  # a % cell holds 0.235 for 23.5%
        return {main: format(number.normalize(), "f") if number == number else str(value), na: None}
    return {main: text_value(value).strip(), na: None}  # text: the form says what is wrong with it


def _forecast_fields(kpi, value):
    """The year-end forecast cell → the forecast's figure, read as the figure cell is, and “Give a
    year-end forecast” ticked when it holds one (as the form has it)."""
    main = kpi_field(kpi.id, "forecast_value")
    if value is None or (isinstance(value, str) and not value.strip()):
        return {main: "", kpi_field(kpi.id, "forecast"): None}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if kpi.unit == KPI.Unit.PERCENT:
            number *= 100  # a % cell holds 0.235 for 23.5%
        text = format(number.normalize(), "f") if number == number else str(value)
    else:
        text = text_value(value).strip()
    return {main: text, kpi_field(kpi.id, "forecast"): "on"}


def _choice(value, words):
    text = text_value(value).strip()
    return words.get(text.lower(), text)


def _date_text(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text_value(value)  # a bare number: the form refuses it as a date
    return text_value(value).strip()


def edits_of(parsed, period, kpis, actions):
    """Turn the rows read into Edits (cell → form fields), with problems for ids that do not fit."""
    edits = []
    for kind, row in parsed.edits:
        sheet = row["sheet"]
        if kind == "kpi":
            kpi = kpis.get(row["id"])
            if kpi is None:
                parsed.problems.append(Problem(f"there is no KPI with id {row['id']}: the KPI id column must not be changed",
                                               sheet, row["id_ref"]))
                continue
            if not kpi.is_active:
                parsed.problems.append(Problem(f"{kpi.code} is no longer reported: delete its row", sheet, row["id_ref"]))
                continue
            if row.get("code") not in (None, "") and str(row["code"]).strip() != kpi.code:
                parsed.problems.append(Problem(
                    f"KPI id {kpi.id} is {kpi.code}, but the row's code says “{str(row['code'])[:20]}”: the KPI id and "
                    "code columns must not be changed", sheet, row["id_ref"]))
                continue
            sid = kpi.sub_strand_id
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == period.label:
                    edits.append(Edit(sheet, ref, sid, kpi.code, f"{period.label} figure", _figure_fields(kpi, value),
                                      "figure", kpi))
                elif heading == COL_DATA_FOR:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Data for", {kpi_field(kpi.id, "data_for"): text_value(value).strip()}))
                elif heading == COL_EXPECTED:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Expected date",
                                      {kpi_field(kpi.id, "expected_date"): _date_text(value)}, "date"))
                elif heading == COL_COMMENTARY:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Commentary", {kpi_field(kpi.id, "commentary"): text_value(value)}))
                elif heading == COL_RAG_OVERRIDE:
                    chosen = _choice(value, RAG_WORDS)  # a status in the cell ticks "Override" as the form has it
                    edits.append(Edit(sheet, ref, sid, kpi.code, "RAG override",
                                      {kpi_field(kpi.id, "rag_override"): chosen,
                                       kpi_field(kpi.id, "override"): "on" if chosen else None}, "rag"))
                elif heading == COL_OVERRIDE_REASON:
                    edits.append(Edit(sheet, ref, sid, kpi.code, "Override reason",
                                      {kpi_field(kpi.id, "override_reason"): text_value(value)}))
                elif heading in (COL_FORECAST, COL_FORECAST_REASON) and not has_trajectory(kpi):
                    if text_value(value).strip():
                        parsed.problems.append(Problem(f"{kpi.code} has no target to forecast: leave its {heading} empty",
                                                       sheet, ref))
                elif heading == COL_FORECAST:
                    edits.append(Edit(sheet, ref, sid, kpi.code, COL_FORECAST, _forecast_fields(kpi, value), "forecast", kpi))
                elif heading == COL_FORECAST_REASON:
                    edits.append(Edit(sheet, ref, sid, kpi.code, COL_FORECAST_REASON,
                                      {kpi_field(kpi.id, "forecast_reason"): text_value(value)}))
        elif kind == "return":
            sid = row["id"]
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == COL_OVERALL:
                    text = text_value(value).strip()
                    posted = "" if text.lower() in OVERALL_BLANKS else RAG_WORDS.get(text.lower(), text)
                    edits.append(Edit(sheet, ref, sid, "Return", "Overall status", {"overall_rag": posted}, "overall"))
                elif heading == COL_COMMENTARY:
                    edits.append(Edit(sheet, ref, sid, "Return", "Commentary", {"commentary": text_value(value)}))
                elif heading == COL_RAG_EXPLANATION:
                    edits.append(Edit(sheet, ref, sid, "Return", "Why the overall status differs",
                                      {"rag_explanation": text_value(value)}))
        else:
            action = actions.get(row["id"])
            if action is None:
                parsed.problems.append(Problem(f"there is no action with id {row['id']}: the Action id column must not be changed",
                                               sheet, row["id_ref"]))
                continue
            if action.sub_strand_id is None:
                continue  # not part of any sub-strand's return: shown for information only
            subject = f"Action ({action.number})"
            for heading, (value, ref) in ((h, row[h]) for h in row if isinstance(row[h], tuple)):
                if heading == COL_PROGRESS:
                    edits.append(Edit(sheet, ref, action.sub_strand_id, subject, COL_PROGRESS,
                                      {action_field(action.id, "narrative"): text_value(value)}))
                elif heading == COL_ACTION_STATUS:
                    edits.append(Edit(sheet, ref, action.sub_strand_id, subject, COL_ACTION_STATUS,
                                      {action_field(action.id, "status"): _choice(value, ACTION_STATUS_WORDS)}, "action_status"))
    return edits
