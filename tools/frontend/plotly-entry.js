// The plotly.js the KPI chart needs (reporting/dashboard/charts.py draws scatter traces only):
// plotly.js's core, which holds the scatter trace and no other, as plotly.js's own custom bundle
// does with `--traces scatter`. Bundled by build.sh with esbuild into a classic script that
// defines window.Plotly.
module.exports = require('plotly.js/lib/core');
