// Initialise GOV.UK Frontend (vendored in static/vendor/govuk-frontend/).
//
// Loaded by templates/base.html as
//   <script type="module" src="{% static 'js/govuk-init.js' %}"></script>
// at the end of <body>: an external module file, so no 'unsafe-inline' is
// needed in the CSP.
//
// govuk-frontend 6.x components (as 5.x) only initialise when <body> has the class
// `govuk-frontend-supported`. js-enabled.js (a classic script at the top of
// <body>) adds it before first paint; it is added here again as a fallback
// for pages without that script. Module scripts only run in browsers that
// support ES modules, which is exactly govuk-frontend's own support test.
// Do NOT add `govuk-template--rebranded` anywhere: this is not a GOV.UK service.
//
// Keep the semicolon after the import: in production collectstatic rewrites the path to the
// hashed file name (sefton_ses/storage.py), and Django only finds imports that end with one.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js';
import { regionsForWideTables } from './table-regions.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
regionsForWideTables()
