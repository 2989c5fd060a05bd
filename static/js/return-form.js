// The return form: shows each KPI's status by the rules as the officer types, and what the KPI mix
// suggests for the overall status. The server is the only rater: a moment after the last change,
// what is typed is sent to the return's rating address (data-rating-url: reporting.returns.live_rating),
// which reads it with the form's own parser and rates it exactly as saving would; this script only
// shows the answer. A figure the save would refuse ("1,2,3") is shown not rated, with the form's reason.
// Progressive enhancement only: without JavaScript the page works fully, showing the statuses of the
// last save, and the server rates every figure when the return is saved.
(function () {
  'use strict';
  var form = document.querySelector('.app-return-form');
  var url = form && form.getAttribute('data-rating-url');
  if (!url || !window.fetch || !window.FormData) { return; }
  var DELAY = 250;  // milliseconds after the last change before asking
  var timer = null;
  var asked = 0;  // the latest question's number: an older answer arriving late is dropped
  var ended = false;  // the session has ended: ask no more
  var UNKNOWN = { rag: null, label: 'Not rated', basis: 'The status by the rules is worked out when you save.' };

  function tag(rag, label) {
    var el = document.createElement('strong');
    el.className = 'govuk-tag app-rag app-rag--' + (rag || 'none');
    el.textContent = label;
    return el;
  }

  // Show a status in `target` (an aria-live region): only when it changed, so that nothing is
  // announced again that has not changed.
  function show(target, rag, label, basis) {
    var text = label + (basis ? ' ' + basis : '');
    var current = target.querySelector('.app-rag');
    if (current && current.classList.contains('app-rag--' + (rag || 'none')) &&
        target.textContent.replace(/\s+/g, ' ').trim() === text.replace(/\s+/g, ' ').trim()) { return; }
    var parts = [tag(rag, label)];
    if (basis) {
      var span = document.createElement('span');
      span.className = 'govuk-body-s';
      span.textContent = ' ' + basis;
      parts.push(span);
    }
    target.replaceChildren.apply(target, parts);
  }

  function showAll(answer) {
    form.querySelectorAll('[data-live-rag]').forEach(function (target) {
      var status = (answer.kpis || {})[target.getAttribute('data-live-rag')] || UNKNOWN;
      show(target, status.rag, status.label, status.basis);
    });
    var overall = document.getElementById('suggested-overall');
    if (overall && answer.suggested) { show(overall, answer.suggested.rag, answer.suggested.label, ''); }
  }

  function ask() {
    timer = null;
    var number = ++asked;
    form.setAttribute('data-live-rating', 'asking');
    fetch(url, { method: 'POST', body: new FormData(form), credentials: 'same-origin', redirect: 'manual', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.type === 'opaqueredirect') { ended = true; }  // sent to sign in: the session has ended
        return response.ok ? response.json() : { kpis: {} };
      })
      .catch(function () { return { kpis: {} }; })  // no answer: say the save will rate it, never an old status
      .then(function (answer) {
        if (number !== asked) { return; }
        showAll(answer);
        form.setAttribute('data-live-rating', 'shown');
      });
  }

  function changed(event) {
    // Words (commentaries, reasons) never change a status: only figures, statuses and ticks do.
    if (ended || !event.target || event.target.tagName === 'TEXTAREA') { return; }
    form.setAttribute('data-live-rating', 'waiting');
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, DELAY);
  }

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  ask();
}());
