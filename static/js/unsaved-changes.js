// Before leaving a page whose form (marked data-warn-unsaved) has changes not yet saved, the browser
// asks "Leave site? Changes you made may not be saved." Only once something was changed (or, with
// data-warn-unsaved="restored", when the form holds work put back after signing in again and not yet
// saved); never when the form itself is being submitted.
(function () {
  var forms = Array.prototype.slice.call(document.querySelectorAll('form[data-warn-unsaved]'));
  if (!forms.length) { return; }
  var submitting = false;

  function state (form) { return new URLSearchParams(new FormData(form)).toString(); }

  forms.forEach(function (form) {
    form.setAttribute('data-initial-state', form.getAttribute('data-warn-unsaved') === 'restored' ? '' : state(form));
    form.addEventListener('submit', function () { submitting = true; });
  });

  window.addEventListener('pageshow', function () { submitting = false; });
  window.addEventListener('beforeunload', function (event) {
    if (submitting) { return; }
    var dirty = forms.some(function (form) { return state(form) !== form.getAttribute('data-initial-state'); });
    if (dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
})();
