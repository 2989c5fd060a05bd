"""A KPI's two Making Data Count verdicts as every page, table, CSV and document shows them: the
variation (common cause; special cause improving; special cause concerning; neither) and the
assurance (consistently passing; hit or miss; consistently failing), each a `Verdict` with its
words, always, and the icon drawn beside them (the `mdc_icon` tag and `icon_html`
of reporting/templatetags/mdc.py; the icon is never shown alone).

The verdicts themselves are kpis.spc's (`Chart.variation`, `Chart.assurance`); this module only says
them. What it decides, once for every page:

- fewer than 13 figures: no icon, "Not enough figures yet (9 of 13)" (kpis.spc.MINIMUM_POINTS);
- a milestone has no variation; a contextual KPI has its variation but no assurance (it is never
  judged against a target: kpis.models.KPI.is_contextual);
- the arrow on a special-cause icon points the way the figures moved (up for higher, down for lower,
  by the KPI's direction for improving and concerning, by the side of the mean for "neither").

`sort` orders the most serious first (the dashboard's sort), and `key` is what its filter chooses.
"""
from dataclasses import dataclass

from kpis import spc

# the icons' colours: Making Data Count's blue (improving, passing), orange (concerning, failing),
# purple (neither) and grey (common cause, hit or miss); each at least 4.5:1 with its white glyph
BLUE, ORANGE, PURPLE, GREY = "#1d70b8", "#b45309", "#4c2c92", "#505a5f"


@dataclass(frozen=True)
class Verdict:
    key: str  # what the dashboard's filter chooses: "concerning", "passing", "too_few", "none"…
    words: str  # the verdict in full words ("Special cause variation: concerning")
    short: str  # the same in a table's few words ("Special cause: concerning")
    sort: int  # most serious first
    colour: str = ""  # "" for no icon (words only)
    glyph: str = ""  # "up", "down", "wave", or a letter: "P", "F", "?"

    @property
    def has_icon(self):
        return bool(self.colour)


# the filters' choices, in the order of their sort
VARIATION_CHOICES = [("concerning", "Special cause: concerning"), ("neither", "Special cause: neither"),
                     ("improving", "Special cause: improving"), ("common_cause", "Common cause"),
                     ("too_few", "Not enough figures yet")]
ASSURANCE_CHOICES = [("failing", "Consistently failing"), ("hit_or_miss", "Hit or miss"),
                     ("passing", "Consistently passing"), ("none", "No assurance verdict")]
VARIATION_SORT = {key: i for i, (key, _) in enumerate(VARIATION_CHOICES)}
ASSURANCE_SORT = {key: i for i, (key, _) in enumerate(ASSURANCE_CHOICES)}
NONE_SORT = len(VARIATION_CHOICES)


def too_few_words(count):
    return f"Not enough figures yet ({count} of {spc.MINIMUM_POINTS})"


def _arrow(up):
    return "up" if up else "down"


def variation_verdict(chart, kpi, *, count=None):
    """The variation of a KPI whose figures are on `chart` (a kpis.spc.Chart, or None where there was
    none to draw: fewer than 13 figures, or a milestone); `count` the number of figures on it."""
    count = len(chart.points) if chart is not None and count is None else (count or 0)
    if kpi.is_milestone:
        return Verdict("none", "Milestone: no variation", "Milestone", NONE_SORT + 1)
    if chart is None or chart.is_run_chart or chart.variation is None:
        if not count:
            return Verdict("none", "No figures to chart yet", "No figures to chart yet", NONE_SORT + 1)
        words = too_few_words(count)
        return Verdict("too_few", words, words, VARIATION_SORT["too_few"])
    variation, higher = chart.variation, kpi.direction == spc.HIGHER
    words = chart.variation_words
    if variation is spc.Variation.COMMON_CAUSE:
        return Verdict("common_cause", words, "Common cause", VARIATION_SORT["common_cause"], GREY, "wave")
    if variation is spc.Variation.IMPROVING:
        return Verdict("improving", words, "Special cause: improving", VARIATION_SORT["improving"], BLUE, _arrow(higher))
    if variation is spc.Variation.CONCERNING:
        return Verdict("concerning", words, "Special cause: concerning", VARIATION_SORT["concerning"], ORANGE,
                       _arrow(not higher))
    side = "higher" if chart.variation_high_or_low is spc.Side.HIGH else "lower"
    return Verdict("neither", words, f"Special cause: neither ({side})", VARIATION_SORT["neither"], PURPLE,
                   _arrow(side == "higher"))


def assurance_verdict(chart, kpi):
    """The assurance of a targeted KPI on `chart` (see variation_verdict): None-like (key "none",
    words only) where there is no verdict to give, saying why."""
    none = ASSURANCE_SORT["none"]
    if kpi.is_milestone:
        return Verdict("none", "Milestone: no assurance", "–", none)
    if kpi.is_contextual:
        return Verdict("none", "Contextual: not judged against a target", "–", none)
    if chart is None or chart.is_run_chart:
        return Verdict("none", "No assurance until there are 13 figures", "–", none)
    if chart.assurance is None:
        return Verdict("none", chart.assurance_words or "No assurance verdict", "–", none)
    words = chart.assurance_words
    if chart.assurance is spc.Assurance.PASSING:
        return Verdict("passing", words, "Consistently passing", ASSURANCE_SORT["passing"], BLUE, "P")
    if chart.assurance is spc.Assurance.FAILING:
        return Verdict("failing", words, "Consistently failing", ASSURANCE_SORT["failing"], ORANGE, "F")
    return Verdict("hit_or_miss", words, "Hit or miss", ASSURANCE_SORT["hit_or_miss"], GREY, "?")


def verdicts_of(facts):
    """(variation, assurance) of one KPI's reporting.attention.Facts (its chart, None under 13 figures)."""
    return (variation_verdict(facts.chart, facts.kpi, count=len(facts.numeric)),
            assurance_verdict(facts.chart, facts.kpi))


def verdicts_for(*, kpis, figures, period, today=None):
    """{KPI id: (variation, assurance)} of `kpis` (a list of KPIs) from `figures` (a Measurement
    queryset: what the person may see, or the approved ones for a briefing) up to `period`, drawn by
    what needs attention's bulk reading and charts (reporting.attention.read_figures and gather), so
    every page gives the verdict the dashboard gives. Three queries (four when a latest figure is a
    draft, for its target) and one for the changes of process, whatever the number of KPIs."""
    from django.utils import timezone

    from kpis.figures import HAS_FIGURE
    from kpis.freshness import as_at_date
    from reporting.attention import changes_of_process, gather, read_figures

    if period is None or not kpis:
        return {}
    series = read_figures(figures.filter(HAS_FIGURE, kpi_id__in=[k.id for k in kpis], period_key__lte=period.order_key))
    facts = gather(kpis, series, on=as_at_date(period, today or timezone.localdate()),
                   changes=changes_of_process(k.id for k in kpis))
    return {f.kpi.id: verdicts_of(f) for f in facts}


def verdicts_or_none(found, kpi):
    """(variation, assurance) of a KPI from `verdicts_for`'s answer, or what they are without figures."""
    return found.get(kpi.id) or (variation_verdict(None, kpi), assurance_verdict(None, kpi))


def year_end_words(kpi, outlook):
    """The status forecast at the year's end in words, for a table cell, a CSV and the Word appendix:
    'Green (computed projection)', or why there is none ('Contextual: not rated', 'No forecast yet').
    `outlook` is kpis.outlook's for the KPI (None where it has none)."""
    from kpis.rag import rag_label

    if kpi.is_contextual:
        return kpi.no_rating_words
    if kpi.is_milestone:
        return "Milestone"
    if outlook is None:
        return "No target for the year"
    if outlook.forecast is None:
        return "No forecast yet"
    return f"{rag_label(outlook.year_end_rag)} ({outlook.forecast_source})"
