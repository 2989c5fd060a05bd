// A table wider than the page (on a phone) scrolls inside its own region instead of making the
// whole page scroll sideways: the region is labelled by the table's caption and can be reached
// and scrolled with the keyboard (tabindex="0"), its first column stays in view (app.css). Tables
// the templates already put in such a region are left alone. Only the width changes, so nothing
// on the page moves down or up.
export function regionsForWideTables (root) {
  var tables = (root || document).querySelectorAll('table.govuk-table');
  Array.prototype.forEach.call(tables, function (table) {
    if (table.closest('.app-scroll-region, .app-table--stack')) { return; }
    var parent = table.parentElement;
    if (!parent || table.scrollWidth <= parent.clientWidth + 1) { return; }
    var region = document.createElement('div');
    var caption = table.caption ? table.caption.textContent.trim().replace(/\s+/g, ' ') : 'Table';
    region.className = 'app-scroll-region';
    region.setAttribute('role', 'region');
    region.setAttribute('aria-label', caption + ' (scrolls sideways)');
    region.tabIndex = 0;
    parent.insertBefore(region, table);
    region.appendChild(table);
  });
}
