// Marks the page as having JavaScript, as govuk-frontend expects (no inline script: CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
