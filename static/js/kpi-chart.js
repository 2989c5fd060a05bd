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
//
// The same for every chart of a page: the KPI's own (#kpi-chart) and, where the KPI has a benchmark,
// the comparison with similar councils (#benchmark-chart, reporting/dashboard/charts.py benchmark_chart),
// each with its figure in the element named "<its id>-data"; plotly.js is loaded once for all of them.
(function () {
  'use strict'
  var waiting = [] // what to draw once plotly.js has loaded
  var loading = false

  function withPlotly (callback) {
    if (typeof window.Plotly !== 'undefined') {
      callback()
      return
    }
    waiting.push(callback)
    if (loading) {
      return
    }
    loading = true
    var script = document.createElement('script')
    script.src = document.querySelector('[data-plotly-src]').getAttribute('data-plotly-src')
    script.async = true
    script.addEventListener('load', function () { waiting.splice(0).forEach(function (f) { f() }) })
    document.head.appendChild(script)
  }

  function setUp (target, data) {
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
      withPlotly(function () { whenIdle(draw) })
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
  }

  ['kpi-chart', 'benchmark-chart'].forEach(function (id) {
    var data = document.getElementById(id + '-data')
    var target = document.getElementById(id)
    if (data && target) {
      setUp(target, data)
    }
  })
})()
