// A table wider than the screen scrolls sideways inside its .app-table-container. Keyboard users
// can scroll it only if it can take focus: each container that scrolls becomes a focusable,
// labelled region (named by its table's caption), and stops being one when it fits again.
// Loaded by templates/base.html, like govuk-init.js, as an external file (the CSP allows no inline script).
function markScrollRegions () {
  document.querySelectorAll('.app-table-container').forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      var caption = box.querySelector('caption')
      box.setAttribute('tabindex', '0')
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', (caption ? caption.textContent.trim() : 'Table') + ' (scrolls sideways)')
    } else if (box.getAttribute('role') === 'region') {
      box.removeAttribute('tabindex')
      box.removeAttribute('role')
      box.removeAttribute('aria-label')
    }
  })
}
markScrollRegions()
window.addEventListener('resize', markScrollRegions)
