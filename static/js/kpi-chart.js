// Draws a KPI's chart of actual against target with plotly.js (the "basic" partial bundle in
// static/vendor/plotly/, served from our static files; see tools/frontend/README.md).
//
// The figure is built in Python (reporting/dashboard/charts.py) and passed to the page with
//   {{ chart_json|json_script:"kpi-chart-data" }}
// so no inline script is needed (the CSP allows scripts only from 'self'). The same numbers are
// in the table beside the chart; without JavaScript the chart stays hidden and the table remains.
(function () {
  'use strict'
  var data = document.getElementById('kpi-chart-data')
  var target = document.getElementById('kpi-chart')
  if (!data || !target || typeof window.Plotly === 'undefined') {
    return
  }
  var figure = JSON.parse(data.textContent)
  if (typeof figure === 'string') {
    figure = JSON.parse(figure) // fig.to_json() arrives as a JSON string inside the JSON
  }
  target.hidden = false
  // On a phone the chart's own title would be cut off: the page's headings already say what it shows.
  if (target.clientWidth < 600) {
    figure.layout.title = { text: '' }
    figure.layout.margin = { l: 60, r: 10, t: 20, b: 80 }
  }
  // A static picture: the container is role="img" with the table beside it as the accessible
  // alternative, so it must hold no controls (axe: nested-interactive, target-size).
  window.Plotly.newPlot(target, figure.data, figure.layout, {
    responsive: true,
    staticPlot: true,
    displayModeBar: false
  })
})()
