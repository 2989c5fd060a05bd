// The return form: shows each KPI's RAG by the rules as the officer types, and what the KPI mix
// suggests for the overall status. Progressive enhancement only: without JavaScript the page works
// fully and the server rates every figure when the return is saved (kpis.services.rate_measurement).
// The rules mirror kpis/rag.py; the data comes from the json_script element "return-rules".
(function () {
  'use strict';
  var source = document.getElementById('return-rules');
  var form = document.querySelector('.app-return-form');
  if (!source || !form) { return; }
  var rules;
  try { rules = JSON.parse(source.textContent); } catch (e) { return; }
  var kpis = rules.kpis || {};
  var WORDS = { red: 'Red', amber: 'Amber', green: 'Green' };
  var MILESTONE = { achieved: 'green', on_track: 'green', at_risk: 'amber', missed: 'red', not_started: null };

  function field(id, part) { return form.elements.namedItem('kpi-' + id + '-' + part); }

  function parseNumber(text) {
    var cleaned = String(text || '').replace(/[,£\s]/g, '').replace(/%$/, '');
    if (cleaned === '' || !/^-?\d*\.?\d+$/.test(cleaned)) { return null; }
    return parseFloat(cleaned);
  }

  function compare(value, bar, direction, tolerance) {
    var band = Math.abs(bar) * tolerance / 100;
    if (direction === 'higher') {
      if (value >= bar) { return 'green'; }
      return value >= bar - band ? 'amber' : 'red';
    }
    if (value <= bar) { return 'green'; }
    return value <= bar + band ? 'amber' : 'red';
  }

  // [rag or null, basis] for one KPI from what is typed now.
  function rate(id) {
    var rule = kpis[id];
    var notAvailable = field(id, 'not_available');
    if (notAvailable && notAvailable.checked) { return [null, 'Figure not yet available']; }
    if (rule.direction === 'milestone') {
      var status = field(id, 'milestone_status');
      if (!status || !status.value) { return [null, 'No milestone status given']; }
      return [MILESTONE[status.value] || null, 'Milestone status'];
    }
    var input = field(id, 'value');
    var value = input ? parseNumber(input.value) : null;
    if (value === null) { return [null, input && input.value.trim() ? 'Not a number' : 'No figure entered']; }
    if (rule.bar === null) { return [null, rule.basis]; }
    return [compare(value, parseFloat(rule.bar), rule.direction, parseFloat(rule.tolerance)), rule.basis];
  }

  function tag(rag, noneLabel) {
    var el = document.createElement('strong');
    el.className = 'govuk-tag app-rag app-rag--' + (rag || 'none');
    el.textContent = rag ? WORDS[rag] : (noneLabel || 'Not rated');
    return el;
  }

  function suggested(rags) {
    var rated = rags.filter(function (r) { return r; });
    if (!rated.length) { return null; }
    var reds = rated.filter(function (r) { return r === 'red'; }).length;
    if (reds * 2 >= rated.length) { return 'red'; }
    if (reds || rated.indexOf('amber') !== -1) { return 'amber'; }
    return 'green';
  }

  function refresh() {
    var shown = [];
    Object.keys(kpis).forEach(function (id) {
      var result = rate(id);
      var override = field(id, 'rag_override');
      shown.push(override && override.value ? override.value : result[0]);
      var target = document.querySelector('[data-live-rag="' + id + '"]');
      if (!target) { return; }
      var basis = document.createElement('span');
      basis.className = 'govuk-body-s';
      basis.textContent = ' ' + result[1];
      target.replaceChildren(tag(result[0]), basis);
    });
    var overall = document.getElementById('suggested-overall');
    if (overall) { overall.replaceChildren(tag(suggested(shown), 'No KPI rated yet')); }
  }

  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  refresh();
}());
