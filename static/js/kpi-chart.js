// Draws a KPI's chart with plotly.js, without holding up the page: nothing is loaded until the
// page has loaded and the chart comes near the screen (it sits after its table, usually below the
// first screenful); then plotly.js (static/vendor/plotly/, from our own static files: see
// tools/frontend/README.md) is loaded, and the chart drawn when the browser is idle.
//
// The figure is made in Python (reporting/dashboard/charts.py, from the same kpis.spc result as
// the table before the chart) and passed to the page with
//   {{ chart_figure|json_script:"kpi-chart-data" }}
// so no inline script is needed (the CSP allows scripts only from 'self') and nothing is worked
// out here. Without JavaScript the chart's room is not kept (static/css/app.css) and the table remains.
(function () {
  'use strict'
  var data = document.getElementById('kpi-chart-data')
  var target = document.getElementById('kpi-chart')
  if (!data || !target) {
    return
  }
  var started = false

  function whenIdle (callback) {
    if ('requestIdleCallback' in window) {
      window.requestIdleCallback(callback, { timeout: 2000 })
    } else {
      window.setTimeout(callback, 1)
    }
  }

  function draw () {
    var figure = JSON.parse(data.textContent)
    figure.layout.height = target.clientHeight // the room static/css/app.css keeps for it
    // On a phone the chart's own title would be cut off: the page's headings already say what it shows.
    if (target.clientWidth < 600) {
      figure.layout.title = { text: '' }
      figure.layout.margin = { l: 60, r: 10, t: 20, b: 20 }
      figure.layout.xaxis.nticks = 3
    }
    // A static picture: the container is role="img" with the table before it as the accessible
    // alternative, so it must hold no controls (axe: nested-interactive, target-size).
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      responsive: true,
      staticPlot: true,
      displayModeBar: false
    }).then(function () {
      target.setAttribute('data-drawn', 'true')
    })
  }

  function load () {
    if (started) {
      return
    }
    started = true
    if (typeof window.Plotly !== 'undefined') {
      whenIdle(draw)
      return
    }
    var script = document.createElement('script')
    script.src = target.getAttribute('data-plotly-src')
    script.async = true
    script.addEventListener('load', function () { whenIdle(draw) })
    document.head.appendChild(script)
  }

  function whenNear () {
    if (!('IntersectionObserver' in window)) {
      whenIdle(load)
      return
    }
    var observer = new window.IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting })) {
        observer.disconnect()
        whenIdle(load)
      }
    }, { rootMargin: '600px 0px' })
    observer.observe(target)
  }

  if (document.readyState === 'complete') {
    whenNear()
  } else {
    window.addEventListener('load', whenNear)
  }
})()
