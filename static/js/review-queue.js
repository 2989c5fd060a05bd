// The review queue: "Select all" ticks or clears every return's "approve with others" box.
// Progressive enhancement: without JavaScript the box stays hidden and each return is ticked
// by hand (or approved with its own Approve button).
(function () {
  'use strict';
  var holder = document.querySelector('.app-select-all');
  var all = document.getElementById('select-all');
  if (!holder || !all) { return; }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.app-approve-choice'));
  holder.hidden = false;
  function sync() {
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener('change', function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener('change', sync); });
  sync();
}());
