"""The production static files storage (DJANGO_ENV=production; see STORAGES in settings.py)."""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's hashed, compressed storage, with ES module imports rewritten to hashed names.

    Without the flag Django rewrites only CSS url()/@import and source map comments, so
    static/js/govuk-init.js would import the unhashed govuk-frontend.min.js, which whitenoise
    lets browsers cache for 60 seconds; hashed names are served as immutable (cached for ten
    years). Django finds only import statements that end with a semicolon.
    """

    support_js_module_import_aggregation = True
