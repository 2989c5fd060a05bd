"""Open data: every published figure and every published overall status, as CSV and JSON, with the
data dictionary that describes them (a page, and a Frictionless Data Package whose Table Schemas a
test validates the files against), under the Open Government Licence v3.0.

What is published is what the public may see (reporting.access.PUBLIC): published returns and the
figures approved with them. One query for each file.
"""
import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from objectives.council import period_words, words
from kpis.figures import HAS_FIGURE, judged_target
from kpis.models import KPI
from kpis.rag import Direction, MilestoneStatus, movements, rag_label
from django.utils import timezone

from kpis.freshness import State
from objectives.models import ReportingPeriod
from reporting import access
from reporting.access import PUBLIC, visible_measurements, visible_returns
from reporting.cell_safety import csv_cell
from reporting.kpi_summaries import ASSURANCES, CAUSES, VARIATIONS, kpi_summaries
from reporting.models import Risk, RiskReview
from reporting.risks.report import matrix_with_levels, score_of
from reporting.risks.scoring import outside_appetite
from reporting.statuses import status

LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
RAG_WORDS = ["Red", "Amber", "Green"]
BENCHMARK_NOTE = (" Empty where there is no comparison, or where the published figures are not under an open licence. "
                  "The councils of the groups are from mySociety's UK local authority names and codes (CC BY 4.0).")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date
    title: str
    description: str
    required: bool = False
    enum: tuple = ()

    def schema(self, say=None):
        """The field's Table Schema, its title and description in the council's words (`say`: dictionary_words)."""
        say = say or dictionary_words()
        out = {"name": self.name, "type": self.type, "title": say(self.title), "description": say(self.description)}
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


PERIOD_FIELDS = [
    Field("reported_in", "string", "Reported in", "The period the figure or status was reported in, e.g. {examples}.", True),
    Field("financial_year", "integer", "Financial year", "The year the financial year (April to March) starts: 2023 for 2023/24.", True),
    Field("period_number", "integer", "Period", "The period's place in the financial year: {numbers}, as the cadence says.",
          True, tuple(range(1, 13))),
    Field("cadence", "string", "Cadence", "How often the strategy reports: quarterly, half_yearly or monthly.", True,
          ("quarterly", "half_yearly", "monthly")),
]
OBJECTIVE_FIELDS = [
    Field("objective_number", "integer", "{objective.one} number", "The {objective.one_lower}'s number in the strategy.", True),
    Field("objective", "string", "{objective.one}", "The {objective.one_lower}'s name.", True),
    Field("sub_strand_code", "string", "{sub_strand.one} code", "A short reference for the {sub_strand.one_lower} that "
          "reports, e.g. housing.", True),
    Field("sub_strand", "string", "{sub_strand.one}", "The {sub_strand.one_lower}'s full name: {objective.one_lower} – "
          "{sub_strand.one_lower}.", True),
]
SYNTHETIC = Field("synthetic", "boolean", "Synthetic", "true for demonstration data that is not the council's; false otherwise.", True)
COMMENTARY_NOTE = ("In the CSV, text that begins with =, +, - or @ starts with an apostrophe (') so that no "
                   "spreadsheet runs it as a formula; the JSON has the text as written.")


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: list
    primary_key: list

    def schema(self, say=None):
        say = say or dictionary_words()
        return {"fields": [f.schema(say) for f in self.fields], "primaryKey": self.primary_key, "missingValues": [""]}

    def described(self, say=None):
        """What the data dictionary page shows: the dataset and its fields in the council's words."""
        say = say or dictionary_words()
        return {"name": self.name, "title": self.title, "description": say(self.description),
                "primary_key": self.primary_key,
                "fields": [{"name": f.name, "type": f.type, "required": f.required, "enum": f.enum, "title": say(f.title),
                            "description": say(f.description)} for f in self.fields]}


FIGURES = Dataset(
    name="figures", title="KPI figures",
    description="Every published figure reported against each key performance indicator (KPI), {by_period}, "
                "with the target it was judged against and its RAG status as approved. What the figures say together "
                "(variation, assurance, freshness, the two statuses) is in the KPIs file.",
    fields=[
        Field("kpi_code", "string", "KPI code", "The KPI's reference, e.g. HOU-02.", True),
        Field("kpi_title", "string", "KPI", "What the KPI measures.", True),
        *OBJECTIVE_FIELDS,
        Field("kind_of_indicator", "string", "Kind of indicator",
              "Targeted: rated against its target. Contextual: a volume or context measure, its trend shown, never "
              "rated (its rag_status is always empty). Milestone: rated from its milestone status.", True,
              tuple(label for _, label in KPI.Kind.choices)),
        Field("unit", "string", "Unit", "What the value is counted in. Per cent values are written as 23.5 for 23.5%.", True,
              tuple(label for _, label in KPI.Unit.choices)),
        Field("direction", "string", "Direction", "Whether a higher or a lower value is better, or a milestone.", True,
              tuple(label for _, label in Direction.choices)),
        *PERIOD_FIELDS,
        Field("data_for", "string", "Period the data is for",
              "Figures often lag: the period the figure describes, e.g. Calendar year 2022."),
        Field("value", "number", "Value", "The figure. Empty for a milestone KPI and for a figure not yet available."),
        Field("milestone_status", "string", "Milestone status", "For a milestone KPI, its status.",
              enum=tuple(label for _, label in MilestoneStatus.choices)),
        Field("not_yet_available", "boolean", "Not yet available",
              "true when the figure had not been published by its source when the period was reported.", True),
        Field("expected_date", "date", "Expected", "For a figure not yet available, when it is expected."),
        Field("target", "number", "Target", "The target the figure was judged against, in the same unit. "
                                            "Empty where there was none (the previous year's figure is then the bar)."),
        Field("target_kind", "string", "Kind of target", "Where the target comes from, e.g. Local Plan requirement."),
        Field("rag_status", "string", "RAG status", "Red, Amber or Green as approved; empty where the figure was not rated.",
              enum=tuple(RAG_WORDS)),
        Field("rag_overridden", "boolean", "RAG status set by the officer",
              "true when an officer set the RAG status by judgement instead of the rules (their reason is in "
              "override_reason, what the rules say in rag_status_by_rules); false when the rules set it.", True),
        Field("override_reason", "string", "Why the officer set the RAG status",
              "The officer's reason for setting the RAG status, as approved; empty when the rules set it. " + COMMENTARY_NOTE),
        Field("rag_status_by_rules", "string", "RAG status by the rules",
              "Red, Amber or Green as the rules give it (the figure against its target, or the previous year's figure "
              "where there is no target); empty where the rules give none. Differs from rag_status only where an "
              "officer set the status.", enum=tuple(RAG_WORDS)),
        Field("commentary", "string", "Commentary", "The lead officer's note on the figure. " + COMMENTARY_NOTE),
        Field("special_cause", "string", "Special cause",
              "The figure's point on the KPI's XmR chart (NHS England's Making Data Count), drawn from all its published "
              "figures: common_cause; improvement, concern or neither (a special cause where the KPI has no better "
              "direction). Empty where the KPI has fewer than 13 figures, is a milestone, or the figure is not yet "
              "available.", enum=tuple(CAUSES)),
        Field("special_cause_words", "string", "Special cause in words",
              "As the KPI's page says it in its variation table, e.g. Common cause, Special cause: concern."),
        SYNTHETIC,
    ],
    primary_key=["kpi_code", "reported_in"],
)
STATUSES = Dataset(
    name="statuses", title="Overall statuses",
    description="Every published overall RAG status of each {sub_strand.one_lower}, {by_period}, with its commentary "
                "and how it moved since the status before.",
    fields=[
        *OBJECTIVE_FIELDS,
        Field("lead_service", "string", "Lead service", "The council service that leads the {sub_strand.one_lower}."),
        *PERIOD_FIELDS,
        Field("overall_status", "string", "Overall status", "The {sub_strand.one_lower}'s overall RAG status as approved.", True,
              tuple(RAG_WORDS)),
        Field("movement", "string", "Since the status before",
              "How the status moved since the {sub_strand.one_lower}'s previous published status, in words."),
        Field("commentary", "string", "Commentary", "The {sub_strand.one_lower}'s commentary for the period. " + COMMENTARY_NOTE),
        SYNTHETIC,
    ],
    primary_key=["sub_strand_code", "reported_in"],
)
KPIS = Dataset(
    name="kpis", title="What each KPI's figures say",
    description="Each key performance indicator (KPI) with a published figure, and what its published figures say "
                "today: its variation and assurance (NHS England's Making Data Count), when its next figure is due "
                "or that its latest is stale, and its two statuses, now and forecast at the year's end. Worked out "
                "from the published figures only, as the KPI's public page says them.",
    fields=[
        Field("kpi_code", "string", "KPI code", "The KPI's reference, e.g. HOU-02.", True),
        Field("kpi_title", "string", "KPI", "What the KPI measures.", True),
        *OBJECTIVE_FIELDS,
        Field("kind_of_indicator", "string", "Kind of indicator",
              "Targeted: rated against its target. Contextual: a volume or context measure, its trend and variation "
              "shown, never rated (status_now and status_year_end are always empty). Milestone: rated from its "
              "milestone status (no variation).", True, tuple(label for _, label in KPI.Kind.choices)),
        Field("unit", "string", "Unit", "What the figures are counted in. Per cent values are written as 23.5 for 23.5%.", True,
              tuple(label for _, label in KPI.Unit.choices)),
        Field("direction", "string", "Direction", "Whether a higher or a lower value is better, or a milestone.", True,
              tuple(label for _, label in Direction.choices)),
        Field("variation", "string", "Variation",
              "The variation verdict of the latest figure (an XmR chart: the mean, process limits at the mean ± 2.66 × "
              "the mean moving range, and the special-cause rules): common_cause; improving (special cause improving); "
              "concerning (special cause concerning); neither (a special cause where the KPI has no better direction); "
              "not_enough_figures with fewer than 13 figures (no verdict). Empty for a milestone KPI.",
              enum=tuple(VARIATIONS)),
        Field("variation_words", "string", "Variation in words",
              "The variation verdict as the KPI's page says it, e.g. Special cause variation: concerning, or not enough "
              "figures yet (9 of 13)."),
        Field("variation_figures", "integer", "Figures judged", "How many figures the variation is judged on (13 are "
                                                                 "needed). Empty for a milestone KPI."),
        Field("assurance", "string", "Assurance",
              "For a KPI with a target and 13 figures or more: passing (the target lies beyond the process limits on "
              "the good side: consistently passing), hit_or_miss (between them), failing (beyond them on the bad "
              "side: consistently failing). Empty for none.", enum=tuple(ASSURANCES)),
        Field("assurance_words", "string", "Assurance in words",
              "The assurance verdict as the KPI's page says it, or why there is none (e.g. No verdict: there is no "
              "target for the latest figure). Empty with fewer than 13 figures."),
        Field("next_figure_due", "date", "Next figure due",
              "When the KPI's next figure is due: the end of the period its latest figure is for, plus its cadence "
              "and its data lag (for a figure not yet available, the date it is expected)."),
        Field("stale", "boolean", "Stale", "true when the next figure's due date has passed (the latest figure is out "
                                           "of date); false otherwise. A figure not yet available is never stale.", True),
        Field("freshness_words", "string", "Freshness in words",
              "As the KPI's page says it, e.g. Next figure due: 31 October 2023.", True),
        Field("outlook_year", "string", "Year of the statuses",
              "The financial year the two statuses are for (the year the latest figure is for), e.g. 2023/24. Empty "
              "where the KPI has none: a milestone, a contextual KPI, or no target for that year."),
        Field("status_now", "string", "Status now",
              "Red, Amber or Green: the RAG the latest figure of the year shows, against its point on the year's "
              "trajectory. Empty where there is none.", enum=tuple(RAG_WORDS)),
        Field("status_year_end", "string", "Forecast status at year end",
              "Red, Amber or Green: the year-end forecast (year_end_forecast) against the year's target. Empty with "
              "no forecast or no target.", enum=tuple(RAG_WORDS)),
        Field("year_end_forecast", "number", "Year-end forecast",
              "The figure the year's end is judged on: the officer's forecast where given, else the computed projection."),
        Field("forecast_by", "string", "Forecast by",
              "officer: the officer's forecast on the return; computed: the product's projection (the run rate so "
              "far, or a straight line through the latest figures). Empty with no forecast.",
              enum=("officer", "computed")),
        Field("outlook_words", "string", "Statuses in words",
              "The two statuses as the pages say them, e.g. Amber now, forecast Green at year end (the officer's forecast)."),
        # compared with similar councils (kpis.benchmarks): only where the published figures' licence is open
        *[Field(name, kind, title, description + BENCHMARK_NOTE) for name, kind, title, description in (
            ("benchmark_period", "string", "Compared with similar councils: period",
             "The period of the comparison with the council's comparator group: the latest for which the council and "
             "another council of the group both have a published figure, as the source writes it (e.g. 2022/23)."),
            ("benchmark_group", "string", "Comparator group", "The comparator group's name."),
            ("benchmark_value", "number", "The council's published figure", "The council's own figure in the source."),
            ("benchmark_rank", "integer", "Rank in the group",
             "1 the best by the KPI's direction (where lower is better, the lowest); the same figure, the same rank."),
            ("benchmark_of", "integer", "Councils compared", "How many councils of the group (the council included) "
                                                              "have a figure for the period."),
            ("benchmark_quartile", "integer", "Quartile",
             "1 the top (best) quartile to 4 the bottom, by the KPI's direction; a figure on a boundary is in the "
             "better quartile."),
            ("benchmark_median", "number", "The group's median", "The median of the group's figures."),
            ("benchmark_lower_quartile", "number", "The group's lower quartile",
             "By the inclusive method (Excel's QUARTILE.INC)."),
            ("benchmark_upper_quartile", "number", "The group's upper quartile",
             "By the inclusive method (Excel's QUARTILE.INC)."),
            ("benchmark_source", "string", "Source of the comparison", "Where the published figures are from."),
            ("benchmark_licence", "string", "Licence of the comparison", "The licence the published figures are under."),
        )],
    ],
    primary_key=["kpi_code"],
)
RISK_REGISTER = Dataset(
    name="risks", title="Risk register",
    description="Every published review of each risk of the council's strategies, {by_period}: its current score on "
                "the council's likelihood x impact matrix (each level's number and name, the score and its band), "
                "whether it is outside the council's risk appetite, its direction of travel and commentary, with the "
                "risk's inherent and target scores. Exempt risks (not for publication) are never included.",
    fields=[
        Field("strategy", "string", "Strategy", "The strategy's short name (its slug).", True),
        Field("risk_reference", "string", "Risk reference", "The risk's reference in its strategy, e.g. SR1.", True),
        Field("risk_title", "string", "Risk", "The risk's title.", True),
        Field("cause_and_effect", "string", "If … then …", "The risk's cause and effect: If <cause>, then <effect>."),
        Field("owner", "string", "Owner", "The role or service that owns the risk."),
        Field("category", "string", "Category", "The kind of risk, in the council's words."),
        *PERIOD_FIELDS,
        Field("likelihood", "integer", "Likelihood", "The current likelihood: its level on the council's matrix, 1 "
                                                     "being the lowest.", True),
        Field("likelihood_name", "string", "Likelihood in words", "The current likelihood's name, e.g. Likely.", True),
        Field("impact", "integer", "Impact", "The current impact: its level on the council's matrix, 1 being the "
                                             "lowest.", True),
        Field("impact_name", "string", "Impact in words", "The current impact's name, e.g. Major.", True),
        Field("score", "integer", "Current score", "Likelihood x impact, after the controls in place.", True),
        Field("band", "string", "Band", "The current score's band in the council's words, e.g. High."),
        Field("score_words", "string", "Current score in words", "e.g. Likely (4) x Major (4) = 16, High.", True),
        Field("outside_appetite", "boolean", "Outside appetite", "true when the current score is above the council's "
                                                                 "risk appetite for this risk; false otherwise.", True),
        Field("inherent_score", "integer", "Inherent score", "Likelihood x impact before the controls."),
        Field("target_score", "integer", "Target score", "Likelihood x impact after the planned actions."),
        Field("direction", "string", "Direction of travel", "Risk increasing, No change or Risk decreasing.",
              enum=("Risk increasing", "No change", "Risk decreasing")),
        Field("commentary", "string", "Commentary", "The review's commentary. " + COMMENTARY_NOTE),
    ],
    primary_key=["strategy", "risk_reference", "reported_in"],
)
DATASETS = {d.name: d for d in (FIGURES, STATUSES, KPIS, RISK_REGISTER)}
DAILY = {"kpis"}  # a file that changes with the date (a figure turns stale), so its validators do too
def dictionary_words():
    """How the data dictionary says its texts: the council's words ({sub_strand.one_lower}) and the
    periods of its own strategies' cadences ({examples}, {numbers}, {by_period}: objectives.council.
    period_words): a council whose strategies report half-yearly and monthly never reads of quarters."""
    extra = period_words()
    return lambda text: words(text, **extra)


def _number(value):
    if value is None:
        return None
    d = Decimal(value).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def _where(sub, period):
    objective = sub.objective
    return {
        "objective_number": objective.number, "objective": objective.name, "sub_strand_code": sub.slug,
        "sub_strand": sub.full_name, "reported_in": period.label, "financial_year": period.financial_year,
        "period_number": period.number, "cadence": period.cadence,
    }


# What a figure's row reads: only these columns, and no model joined into each of tens of thousands of rows.
FIGURE_COLUMNS = ["id", "kpi_id", "period_id", "value", "milestone_status", "data_for", "not_available", "expected_date",
                  "commentary", "is_synthetic", "frozen_at", "frozen_rag", "frozen_target", "frozen_target_kind",
                  "rag_override", "override_reason", "rag_calculated", "rag_basis"]


def figure_rows(audience=PUBLIC):
    """Every figure this audience sees (the public: published), KPI by KPI in the strategy's order,
    oldest first, each with its point on its KPI's chart. Three queries (the KPIs with their sub-strands,
    the periods, the figures) and the KPIs' summaries' (reporting.kpi_summaries: five)."""
    kpis = KPI.objects.select_related("sub_strand__objective", "benchmark__group").in_bulk()
    periods = ReportingPeriod.objects.in_bulk()
    by_kpi = {}
    for m in visible_measurements(audience).filter(HAS_FIGURE).only(*FIGURE_COLUMNS).order_by("period_key"):
        by_kpi.setdefault(m.kpi_id, []).append(m)
    units, directions, milestones = dict(KPI.Unit.choices), dict(Direction.choices), dict(MilestoneStatus.choices)
    kinds = dict(KPI.Kind.choices)
    order = sorted(by_kpi, key=lambda k: (kpis[k].sub_strand.objective.number, kpis[k].sub_strand.order, kpis[k].order, kpis[k].code))
    summaries = kpi_summaries([kpis[k] for k in order], figures=visible_measurements(audience), today=timezone.localdate())
    for kpi_id in order:
        kpi = kpis[kpi_id]
        about = {"kpi_code": kpi.code, "kpi_title": kpi.title, "kind_of_indicator": kinds[kpi.kind], "unit": units[kpi.unit],
                 "direction": directions[kpi.direction]}
        for m in by_kpi[kpi_id]:
            target, kind = judged_target(kpi, m)
            rag, override = m.rag, m.override
            yield {
                **about, **_where(kpi.sub_strand, periods[m.period_id]),
                "data_for": m.data_for or None, "value": _number(m.value),
                "milestone_status": milestones.get(m.milestone_status) if m.milestone_status else None,
                "not_yet_available": m.not_available, "expected_date": m.expected_date,
                "target": _number(target), "target_kind": kind or None,
                "rag_status": rag_label(rag) if rag else None, "rag_overridden": override is not None,
                "override_reason": override.reason if override else None,
                "rag_status_by_rules": rag_label(m.rag_calculated) if m.rag_calculated else None,
                "commentary": m.commentary or None,
                **dict(zip(("special_cause", "special_cause_words"), summaries[kpi_id].cause_of(m.id))),
                "synthetic": m.is_synthetic,
            }


def status_rows(audience=PUBLIC):
    """Every overall status this audience sees (the public: published), with its movement. One query."""
    returns = list(
        visible_returns(audience).exclude(overall_rag="").select_related("sub_strand__objective", "period")
        .order_by("sub_strand__objective__number", "sub_strand__order", "sub_strand__slug",
                  "period__financial_year", "period__number")
    )
    by_sub = {}
    for ret in returns:
        by_sub.setdefault(ret.sub_strand_id, []).append(ret)
    for rets in by_sub.values():
        for ret, move in zip(rets, movements([status(r) for r in rets])):
            yield {
                **_where(ret.sub_strand, ret.period), "lead_service": ret.sub_strand.lead_service or None,
                "overall_status": rag_label(ret.overall_rag), "movement": move.words or None,
                "commentary": ret.commentary or None, "synthetic": ret.is_synthetic,
            }


def kpi_rows(audience=PUBLIC, today=None):
    """Each KPI with a figure this audience sees (the public: published), in the strategy's order, and
    what its figures say (reporting.kpi_summaries: the KPI page's own answers). Eight queries at most:
    the KPIs with their sub-strands, and the summaries' reads."""
    kpis = sorted(KPI.objects.select_related("sub_strand__objective", "benchmark__group"),
                  key=lambda k: (k.sub_strand.objective.number, k.sub_strand.order, k.order, k.code))
    summaries = kpi_summaries(kpis, figures=visible_measurements(audience), today=today or timezone.localdate())
    units, directions, kinds = dict(KPI.Unit.choices), dict(Direction.choices), dict(KPI.Kind.choices)
    for kpi in kpis:
        s = summaries[kpi.id]
        if s.freshness.state is State.NO_FIGURE:
            continue
        sub = kpi.sub_strand
        yield {
            "kpi_code": kpi.code, "kpi_title": kpi.title, "objective_number": sub.objective.number,
            "objective": sub.objective.name, "sub_strand_code": sub.slug, "sub_strand": sub.full_name,
            "kind_of_indicator": kinds[kpi.kind], "unit": units[kpi.unit], "direction": directions[kpi.direction],
            "variation": s.variation, "variation_words": s.variation_words, "variation_figures": s.variation_figures,
            "assurance": s.assurance, "assurance_words": s.assurance_words,
            "next_figure_due": s.next_figure_due, "stale": s.is_stale, "freshness_words": s.freshness_words,
            "outlook_year": s.outlook_year, "status_now": s.status_now_label, "status_year_end": s.status_year_end_label,
            "year_end_forecast": _number(s.year_end_forecast), "forecast_by": s.forecast_by,
            "outlook_words": s.outlook_words, **benchmark_columns(s),
        }


def benchmark_columns(s):
    """Where the council stands among its comparator group (kpis.benchmarks), when the published
    figures are under an open licence (kpis.models.OPEN_LICENCES); else empty."""
    names = [f.name for f in KPIS.fields if f.name.startswith("benchmark_")]
    if s.comparison is None or not s.benchmark_is_open:
        return dict.fromkeys(names)
    numbers = {"benchmark_value", "benchmark_median", "benchmark_lower_quartile", "benchmark_upper_quartile"}
    return {name: _number(getattr(s, name)) if name in numbers else getattr(s, name) for name in names}


def risk_rows(audience=PUBLIC):
    """Every risk review this audience sees (the public: published, of risks that are not exempt:
    reporting.access RISK_REVIEWS and RISKS), risk by risk, oldest first. Three queries."""
    matrix = matrix_with_levels()
    reviews = (access.RISK_REVIEWS.filter(audience, RiskReview.objects.all())
               .filter(risk__in=access.RISKS.filter(audience, Risk.objects.all()), current_likelihood__isnull=False,
                       current_impact__isnull=False)
               .select_related("risk__strategy", "risk__category", "period")
               .order_by("risk__strategy__name", "risk__order", "risk__reference", "period__start_date"))
    for review in reviews:
        risk, period = review.risk, review.period
        risk.matrix = matrix
        current = score_of(matrix, review.current_likelihood, review.current_impact)
        inherent = score_of(matrix, risk.inherent_likelihood, risk.inherent_impact)
        target = score_of(matrix, risk.target_likelihood, risk.target_impact)
        yield {
            "strategy": risk.strategy.slug, "risk_reference": risk.reference, "risk_title": risk.title,
            "cause_and_effect": risk.if_then or None, "owner": risk.owner_title or None,
            "category": risk.category.name if risk.category_id else None,
            "reported_in": period.label, "financial_year": period.financial_year, "period_number": period.number,
            "cadence": period.cadence,
            "likelihood": current.likelihood, "likelihood_name": current.likelihood_name, "impact": current.impact,
            "impact_name": current.impact_name, "score": current.score,
            "band": current.band.name if current.band else None, "score_words": current.words,
            "outside_appetite": outside_appetite(risk, current.score),
            "inherent_score": inherent.score if inherent else None, "target_score": target.score if target else None,
            "direction": review.get_direction_display() if review.direction else None,
            "commentary": review.commentary or None,
        }


ROWS = {"figures": figure_rows, "statuses": status_rows, "kpis": kpi_rows, "risks": risk_rows}


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return csv_cell(value)


def as_csv(dataset, rows):
    """The rows as CSV text, headed by the field names, with a byte-order mark so that Excel reads UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    names = [f.name for f in dataset.fields]
    writer.writerow(names)
    for row in rows:
        writer.writerow(_csv_value(row[name]) for name in names)
    return out.getvalue()


def as_json(dataset, rows):
    """The rows as a JSON array of objects keyed by the field names (dates as YYYY-MM-DD, empty as null)."""
    names = [f.name for f in dataset.fields]
    return json.dumps([{n: (row[n].isoformat() if hasattr(row[n], "isoformat") else row[n]) for n in names} for row in rows],
                      ensure_ascii=False, separators=(",", ":"))


def data_package(council):
    """The data dictionary, machine-readable: a Frictionless Tabular Data Package, each file beside it."""
    resources, say = [], dictionary_words()
    for dataset in DATASETS.values():
        for fmt in FORMATS:
            resources.append({
                "name": f"{dataset.name}-{fmt}", "title": f"{dataset.title} ({fmt.upper()})",
                "description": say(dataset.description),
                "path": f"{dataset.name}.{fmt}", "format": fmt, "mediatype": FORMATS[fmt].split(";")[0],
                "encoding": "utf-8-sig" if fmt == "csv" else "utf-8", "profile": "tabular-data-resource",
                "schema": dataset.schema(say), "licenses": [LICENCE],
            })
    return {
        "profile": "tabular-data-package", "name": "economic-strategy-results",
        "title": f"{council}: economic strategy results",
        "description": say("The published results of the council's strategies, {by_period}: each KPI's figures, "
                           "what they say together, each {sub_strand.one_lower}'s overall status, and the published "
                           "reviews of the risks that are not exempt."),
        "licenses": [LICENCE], "resources": resources,
    }


def as_json_text(value):
    return json.dumps(value, ensure_ascii=False, indent=1)


def dictionary():
    """The data dictionary page's datasets, each described in the council's words (Dataset.described)."""
    say = dictionary_words()
    return [dataset.described(say) for dataset in DATASETS.values()]
