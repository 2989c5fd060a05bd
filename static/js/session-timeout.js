// "You will be signed out soon" (templates/partials/session_timeout.html): a modal dialog a few
// minutes before the session ends, with "Stay signed in", which writes the session again
// (reporting.sessions.stay_signed_in) without leaving the page. Focus goes to the dialog's heading
// and back where it was when the dialog closes; Escape stays signed in too. Once the time has run
// out, the dialog says so and how to keep what was typed. Before warning, it asks the server how long
// is really left (reporting.sessions.session_status), since another tab may have kept it going.
(function () {
  var dialog = document.getElementById('session-timeout');
  if (!dialog || typeof dialog.showModal !== 'function') { return; }
  var form = dialog.querySelector('[data-timeout-form]');
  var left = dialog.querySelector('[data-timeout-left]');
  var warnBefore = Number(dialog.getAttribute('data-warn-before')) || 300;
  var endsAt = 0;
  var timer = null;
  var returnFocus = null;

  function secondsLeft () { return Math.max(0, Math.round((endsAt - Date.now()) / 1000)); }

  function inWords (seconds) {
    if (seconds > 90) { return 'in ' + Math.ceil(seconds / 60) + ' minutes'; }
    if (seconds > 60) { return 'in 2 minutes'; }
    return seconds > 0 ? 'in less than a minute' : 'now';
  }

  function schedule (seconds) {
    endsAt = Date.now() + seconds * 1000;
    window.clearTimeout(timer);
    timer = window.setTimeout(tick, Math.max(0, (seconds - warnBefore) * 1000));
  }

  function ended (yes) {
    dialog.querySelector('[data-timeout-running]').hidden = yes;
    dialog.querySelector('[data-timeout-ended]').hidden = !yes;
    dialog.querySelector('[data-timeout-stay]').hidden = yes;
    dialog.querySelector('[data-timeout-close]').hidden = !yes;
    dialog.querySelector('#session-timeout-title').textContent = yes ? 'You have been signed out' : 'You will be signed out soon';
  }

  // The session's real time left (another tab may have kept it going), then `next`.
  function check (next) {
    fetch(dialog.getAttribute('data-status-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : { ended: true }; })
      .then(function (answer) { endsAt = answer.ended ? 0 : Date.now() + answer.ends_in * 1000; next(); })
      .catch(next);
  }

  function tick () {
    check(warnOrWait);
  }

  function warnOrWait () {
    var seconds = secondsLeft();
    if (seconds > warnBefore + 5) {  // kept going elsewhere: no warning yet
      if (dialog.open) { close(); }
      schedule(seconds);
      return;
    }
    if (!dialog.open) {
      returnFocus = document.activeElement;
      ended(false);
      left.textContent = inWords(seconds);
      dialog.showModal();
      dialog.querySelector('#session-timeout-title').focus();
    }
    if (seconds <= 0) { ended(true); return; }
    left.textContent = inWords(seconds);
    timer = window.setTimeout(tick, seconds > 90 ? 30000 : 5000);
  }

  function close () {
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === 'function') { returnFocus.focus(); }
  }

  function stay (event) {
    if (event) { event.preventDefault(); }
    fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : { ended: true }; })
      .then(function (answer) {
        if (answer.ended) { endsAt = 0; ended(true); return; }
        schedule(answer.ends_in);
        close();
      })
      .catch(function () { /* offline: the dialog stays, the button can be pressed again */ });
  }

  form.addEventListener('submit', stay);
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault();
    if (secondsLeft() > 0) { stay(); } else { close(); }
  });
  dialog.querySelector('[data-timeout-close]').addEventListener('click', close);
  schedule(Number(dialog.getAttribute('data-ends-in')) || 0);
})();
