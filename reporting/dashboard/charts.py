"""The KPI page's chart: a plotly figure, ``{"data": [series, ...], "layout": {...}}``, made in Python
from the page's Variation (`reporting.dashboard.pages.variation_section`, the result of
`kpis.spc.xmr` that the Variation table beside the chart shows), so the chart and its table are one
answer and nothing is worked out again in the browser. The page passes the figure once with
``json_script``; static/js/kpi-chart.js draws it with ``Plotly.newPlot`` once the page has loaded
and the chart nears the screen, loading plotly.js only then (no inline script: the CSP forbids it).

The figure is plain data in plotly's figure format (no plotly import in a request: building a
``plotly.graph_objects.Figure`` costs more than the rest of the page); the tests check it with
plotly's own validators (`tests/reporting/dashboard/test_kpi_chart_data.py`).

**Series.** ``figure["data"]`` is a list of series (plotly traces), in drawing order: the figures,
the target, the average and the process limits (one trace per segment, so that limits recalculated
from a change of process start new lines), then one trace of markers for each kind of special cause
(its own shape and colour, and its name in words in the legend). A further series (where a change
of process was recorded, a trajectory, a forecast) is one more function returning traces, its
result added to ``series`` in `kpi_chart`; its figures go in the table beside the chart too. After
them, the trajectory of the year of the latest figure and its forecast at the year's end
(`trajectory_series`); each change of process recorded is a dotted vertical line, labelled
(`change_markers`: layout shapes and annotations).
"""
from dataclasses import replace

from kpis import spc

FONT = {"family": "Helvetica, Arial, sans-serif", "size": 14, "color": "#0b0c0c"}
# GOV.UK's palette, each at least 3:1 against white (WCAG 1.4.11); never colour alone: every kind
# of special cause has its own marker shape and its words in the legend and in the table.
FIGURE_COLOUR = "#505a5f"
AVERAGE_COLOUR = "#0b0c0c"
LIMIT_COLOUR = "#0b0c0c"
TARGET_COLOUR = "#912b88"
TRAJECTORY_COLOUR = "#00703c"
CHANGE_COLOUR = "#0b0c0c"
CAUSE_MARKERS = {  # (colour, shape): Making Data Count's blue improvement, orange concern, purple neither
    spc.Cause.IMPROVEMENT: ("#1d70b8", "diamond"),
    spc.Cause.CONCERN: ("#b45309", "x"),
    spc.Cause.NEITHER: ("#4c2c92", "star"),
}


def _number(value):
    return None if value is None else float(value)


def figures_series(labels, chart):
    return [{
        "type": "scatter", "name": "Figures", "x": labels, "y": [_number(p.value) for p in chart.points],
        "mode": "lines+markers", "line": {"color": FIGURE_COLOUR, "width": 2},
        "marker": {"color": FIGURE_COLOUR, "size": 7, "symbol": "circle"},
    }]


def target_series(labels, figures):
    targets = [_number(p.target) for p in figures]
    if all(t is None for t in targets):
        return []
    # a target with none either side has no line to draw: a short bar marks it
    alone = [
        t is not None and (i == 0 or targets[i - 1] is None) and (i == len(targets) - 1 or targets[i + 1] is None)
        for i, t in enumerate(targets)
    ]
    return [{
        "type": "scatter", "name": "Target", "x": labels, "y": targets, "mode": "lines+markers",
        "line": {"color": TARGET_COLOUR, "width": 2, "dash": "dashdot"}, "connectgaps": False,
        "marker": {"color": TARGET_COLOUR, "size": [14 if a else 0 for a in alone], "symbol": "line-ew",
                   "line": {"color": TARGET_COLOUR, "width": 3}},
    }]


def _segments(chart):
    """The points of each segment (a new one after each recorded change of process)."""
    found = {}
    for point in chart.points:
        found.setdefault(point.segment, []).append(point)
    return list(found.values())


def limit_series(chart):
    """The average, and on an XmR chart (13 figures or more) the upper and lower process limits,
    as the table writes them (to two decimal places, `kpis.spc.rounded`), a trace per segment."""
    lines = [("Average", "mean", AVERAGE_COLOUR, "solid")]
    if not chart.is_run_chart:
        lines += [("Upper process limit", "upper_limit", LIMIT_COLOUR, "dash"),
                  ("Lower process limit", "lower_limit", LIMIT_COLOUR, "dash")]
    traces = []
    for name, field, colour, dash in lines:
        for index, points in enumerate(_segments(chart)):
            traces.append({
                "type": "scatter", "name": name, "legendgroup": name, "showlegend": index == 0,
                "x": [p.label for p in points], "y": [_number(spc.rounded(getattr(p, field))) for p in points],
                "mode": "lines", "line": {"color": colour, "width": 1.5, "dash": dash},
            })
    return traces


def special_cause_series(chart):
    """A trace of markers for each kind of special cause found, named in words."""
    traces = []
    for cause, (colour, symbol) in CAUSE_MARKERS.items():
        points = [p for p in chart.points if p.cause is cause]
        if points:
            traces.append({
                "type": "scatter", "name": spc.CAUSE_WORDS[cause], "x": [p.label for p in points],
                "y": [_number(p.value) for p in points], "mode": "markers",
                "marker": {"color": colour, "size": 14, "symbol": symbol, "line": {"color": "#ffffff", "width": 1}},
            })
    return traces


def trajectory_series(outlook_section):
    """The year's trajectory (kpis.outlook, the KPI page's `outlook_section`: the figure each period of
    the year of the latest figure is measured against, to the year's target), and the forecast for
    the year's end (the officer's, else the computed projection, said in its name). The same figures
    are in the trajectory table and the "now and at the year's end" list on the page."""
    if not outlook_section:
        return []
    outlook, text = outlook_section["outlook"], outlook_section["text"]
    labels = [label for label, _ in text["trajectory"]]
    if not labels or not outlook.points:
        return []
    traces = [{
        "type": "scatter", "name": f"Trajectory for {text['year']}", "x": labels, "y": [_number(p) for p in outlook.points],
        "mode": "lines+markers", "line": {"color": TRAJECTORY_COLOUR, "width": 2, "dash": "dot"},
        "marker": {"color": TRAJECTORY_COLOUR, "size": 8, "symbol": "triangle-up"},
    }]
    if outlook.forecast is not None:
        traces.append({
            "type": "scatter", "name": f"Forecast at year end ({outlook.forecast_source})", "x": [labels[-1]],
            "y": [_number(outlook.forecast)], "mode": "markers",
            "marker": {"color": TRAJECTORY_COLOUR, "size": 14, "symbol": "square-open", "line": {"width": 3}},
        })
    return traces


def change_markers(chart):
    """A dotted vertical line at each figure from which the limits were recalculated (a change of
    process recorded: the chart's `ChangePoint`s), labelled; plotly's layout shapes and annotations."""
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": c.label, "x1": c.label, "y0": 0, "y1": 1,
               "line": {"color": CHANGE_COLOUR, "width": 1.5, "dash": "dot"}} for c in chart.changes]
    notes = [{"xref": "x", "yref": "paper", "x": c.label, "y": 1, "yanchor": "bottom", "xanchor": "left",
              "text": "Change of process", "showarrow": False, "font": {"size": 12}} for c in chart.changes]
    return shapes, notes


def axis_order(variation, outlook_section):
    """The periods along the axis in time order: the figures' periods and the trajectory's (which may
    run on past the latest figure to the year's end, or start before the first), each once."""
    keys = {}
    for p in variation.figures:
        keys.setdefault(p.period_label, (p.measurement.period.financial_year, p.measurement.period.number))
    if outlook_section:
        year = outlook_section["outlook"].year
        for n, (label, _) in enumerate(outlook_section["text"]["trajectory"], start=1):
            keys.setdefault(label, (year, n))
    return sorted(keys, key=keys.get)


def chart_title(kpi, chart):
    if chart.is_run_chart:
        return f"{kpi.code} {kpi.title}: {chart.count_words}"
    return f"{kpi.code} {kpi.title}: figures, average and process limits"


def kpi_chart(kpi_page):
    """The KPI page's chart, from its Variation (`KPIPage.variation`); None where there is nothing
    to draw (a milestone KPI, or no figure yet)."""
    variation = kpi_page.variation
    if variation is None:
        return None
    kpi, chart = kpi_page.kpi, variation.chart
    labels = [p.label for p in chart.points]
    series = [
        *figures_series(labels, chart),
        *target_series(labels, variation.figures),
        *limit_series(chart),
        *special_cause_series(chart),
        *trajectory_series(kpi_page.outlook),
    ]
    shapes, notes = change_markers(chart)
    return {
        "data": series,
        "layout": {
            "shapes": shapes,
            "annotations": notes,
            "title": {"text": chart_title(kpi, chart)},
            # the periods' names say what the axis is ("2023/24 Q2"); no title to crowd the legend
            "xaxis": {"type": "category", "automargin": True, "tickangle": 0, "nticks": 10,
                      "categoryorder": "array", "categoryarray": axis_order(variation, kpi_page.outlook)},
            "yaxis": {"title": {"text": kpi.get_unit_display()}, "separatethousands": True, "automargin": True},
            "font": FONT,
            "legend": {"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
            "margin": {"l": 70, "r": 20, "t": 60, "b": 20},
            "height": 420,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


STRIP_FROM = 30  # councils: more than this, one strip rather than a row each
COUNCIL_COLOUR = "#1d70b8"
GROUP_COLOUR = "#505a5f"
MEDIAN_COLOUR = "#0b0c0c"


def _renamed(row, name):
    return replace(row, name=name)


def benchmark_chart(section):
    """The KPI page's comparison with similar councils (reporting.dashboard.comparison): a horizontal
    dot chart, a row for each council of the group in the order of the table beside it (best first,
    kpis.benchmarks), the council's own dot marked by its shape, size, colour and its name in the
    legend; the group's median a solid line and its quartiles dotted lines, each named in the legend (more
    than STRIP_FROM councils: one strip of dots). None without a comparison."""
    if section is None or section.comparison is None:
        return None
    c = section.comparison
    names = [row.name for row in section.rows]
    others = [row for row in section.rows if not row.is_council]
    own = [row for row in section.rows if row.is_council]
    if len(names) > STRIP_FROM:  # too many to name on the axis: one strip of dots (the table names them)
        others = [_renamed(row, "The group") for row in others]
        own = [_renamed(row, "The group") for row in own]
        names = ["The group"]
    series = [
        {"type": "scatter", "name": "Other councils of the group", "x": [_number(r.value) for r in others],
         "y": [r.name for r in others], "mode": "markers",
         "marker": {"color": GROUP_COLOUR, "size": 9, "symbol": "circle"}},
        {"type": "scatter", "name": f"{section.council_name} (the council)",
         "x": [_number(r.value) for r in own], "y": [r.name for r in own], "mode": "markers",
         "marker": {"color": COUNCIL_COLOUR, "size": 16, "symbol": "diamond", "line": {"color": "#0b0c0c", "width": 1}}},
    ]
    ends = [names[0], names[-1]]  # a vertical line across every row: the group's median, then its quartiles
    for name, values, dash in (("The group's median", [c.median], "solid"),
                               ("Lower and upper quartiles", [c.lower_quartile, c.upper_quartile], "dot")):
        xs, ys = [], []
        for value in values:
            xs += [_number(value), _number(value), None]
            ys += [*ends, None]
        series.append({"type": "scatter", "name": name, "x": xs, "y": ys, "mode": "lines",
                       "line": {"color": MEDIAN_COLOUR, "width": 1.5, "dash": dash}})
    return {
        "data": series,
        "layout": {
            "title": {"text": f"{section.kpi.code} compared with {c.group}, {c.period}"},
            "xaxis": {"title": {"text": section.kpi.get_unit_display()}, "separatethousands": True, "automargin": True,
                      "nticks": 8},
            "yaxis": {"type": "category", "automargin": True, "categoryorder": "array", "dtick": 1,
                      "categoryarray": list(reversed(names))},  # the best at the top, as in the table
            "font": FONT,
            "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            "margin": {"l": 70, "r": 20, "t": 70, "b": 20},
            "height": 420,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }
