"""Plotly figures built in Python. The page passes `figure.to_json()` through `json_script`, and
static/js/kpi-chart.js draws it with Plotly.newPlot (no inline script: the CSP forbids it). Every
chart has a table with the same numbers beside it, on the page."""
import plotly.graph_objects as go

# The colours of the RAG tags' neighbours in GOV.UK's palette; the chart never carries RAG alone.
ACTUAL_COLOUR = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"


def kpi_chart(kpi_page):
    """Actual against target over time for a KPI page (reporting.dashboard.selectors.kpi_page).

    Returns None when there is nothing to draw (a milestone KPI, or no figure yet)."""
    kpi = kpi_page.kpi
    points = [p for p in kpi_page.points if p.value is not None or p.target is not None]
    if kpi.is_milestone or not any(p.value is not None for p in points):
        return None
    x = [p.period_label for p in points]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[float(p.value) if p.value is not None else None for p in points],
            name="Actual",
            mode="lines+markers",
            line={"color": ACTUAL_COLOUR, "width": 3},
            marker={"size": 9, "symbol": "circle"},
            text=[f"{p.value_text}: {p.data_for}" + (" (synthetic)" if p.is_synthetic else "") for p in points],
            hovertemplate="%{text}<extra>Actual</extra>",
            connectgaps=False,
        )
    )
    if any(p.target is not None for p in points):
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[float(p.target) if p.target is not None else None for p in points],
                name="Target",
                mode="lines+markers",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
                marker={"size": 8, "symbol": "square"},
                text=[p.target_text for p in points],
                hovertemplate="%{text}<extra>Target</extra>",
            )
        )
    unit = kpi.get_unit_display()
    figure.update_layout(
        template="none",
        title={"text": f"{kpi.code} {kpi.title}: actual against target"},
        xaxis={"title": {"text": "Reported in"}, "type": "category"},
        yaxis={"title": {"text": unit}, "rangemode": "tozero", "separatethousands": True},
        font={"family": "Helvetica, Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 70, "r": 20, "t": 60, "b": 80},
        height=380,
    )
    return figure
