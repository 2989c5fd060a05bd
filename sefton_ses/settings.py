"""Settings for the Economic Strategy Tracker.

Everything that differs between a laptop and production comes from the environment
(twelve-factor): DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, DJANGO_ENV. With nothing
set, the product runs in development mode on SQLite (the embedded default).
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# "production" switches on every hardening setting; "development" (the default) is for
# make run and the tests.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # DEBUG shows settings, code and data on every error page: never in production, whatever is set.
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production: unset DEBUG (or set DEBUG=0).")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-" + "x" * 20

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "objectives.apps.CouncilAdminConfig",  # django.contrib.admin, in the council's words
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tables2",
    "django_filters",
    "auditlog",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "objectives",
    "kpis",
    "reporting",
    "reporting.api",
    "sso",
]

MIDDLEWARE = [
    # Outermost: each request's id (X-Request-ID, in each of its log lines) and its one JSON log line, timed
    # around everything else (reporting/ops/request_log.py).
    "reporting.ops.request_log.RequestLog",
    # Compresses HTML, JSON, CSV and other text when the client accepts gzip, after everything else has
    # written the response (Django's GZipMiddleware with its BREACH mitigation; reporting/ops/compression.py).
    "reporting.ops.compression.TextGZipMiddleware",
    # Then: a public page's response leaves with no cookie and no Vary: Cookie, so that a
    # reverse proxy or CDN may serve it to everyone (reporting/public/caching.py).
    "reporting.public.caching.PublicResponseMiddleware",
    "reporting.middleware.council_read_once",  # the council and its words, read once a request
    "reporting.middleware.proxy_noted",  # X-Forwarded-For while TRUSTED_PROXY_COUNT is 0: the admin is warned
    "reporting.middleware.permissions_policy",  # every response, static files and refusals included
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a cookie or a field: a NUL character, which no database stores, refused.
    "reporting.middleware.RefuseUnstorableText",
    "reporting.sessions.SessionMiddleware",  # Django's, leaving an ended session's cookie (kept work)
    "reporting.sessions.SlidingSessionMiddleware",  # after SessionMiddleware: runs before it on the way out
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "reporting.middleware.private_to_the_signed_in",
]

ROOT_URLCONF = "sefton_ses.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reporting.context_processors.navigation",
                "reporting.context_processors.public_pages",
                "reporting.context_processors.council_words",
                "reporting.sessions.session_timeout",
            ],
        },
    },
]
# Forms render through our own templates (GOV.UK markup), see templates/django/forms/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "sefton_ses.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
SQLITE_BUSY_TIMEOUT = int(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real multi-user database: several people save at once, and their saves queue for
    # the write lock instead of failing with "database is locked". Every transaction takes the write
    # lock when it starts (IMMEDIATE), so the busy timeout applies to it (a deferred transaction that
    # turns into a write later gets SQLITE_BUSY at once, whatever the timeout); WAL lets pages be
    # read while someone saves.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": SQLITE_BUSY_TIMEOUT,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}"
        ),
    })
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# UK conventions.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` gathers the static files for production (the container image: /app/staticfiles).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# In production: whitenoise's hashed, compressed files, with JS module imports rewritten to the
# hashed names too (sefton_ses/storage.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "sefton_ses.storage.StaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production, whitenoise serves straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Uploads (workbook imports) are held in memory up to this size and refused above it.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES

# Uploaded files (the council's Word template, papers attached to plan updates) and the kept papers
# (the briefings' and reports' Word documents and PDFs, reporting/documents/papers.py) are kept by
# Django's default storage under MEDIA_ROOT, which every app server must share. They are never served
# as static files: only through views that apply the same access rules as the report they belong to.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))

# PDF copies of the briefing note and committee report are made by LibreOffice headless where it is
# installed (Debian's libreoffice-writer-nogui), within this many seconds.
LIBREOFFICE = os.environ.get("LIBREOFFICE", "soffice")
PDF_TIMEOUT_SECONDS = int(os.environ.get("PDF_TIMEOUT_SECONDS", "60"))
# The PDFs are made off the request path by `manage.py make_papers` (reporting/documents/worker.py),
# kept, and served as kept; a conversion that fails is tried this many times.
PDF_ATTEMPTS = int(os.environ.get("PDF_ATTEMPTS", "3"))
# Readers' pages keep what they built from the data, for everyone of the same audience, until the data
# changes (reporting/readers_cache.py); an entry not read for this long is dropped. 0: build every time.
READERS_CACHE_SECONDS = int(os.environ.get("READERS_CACHE_SECONDS", "3600"))

# Sessions expire after two hours of inactivity and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
# An idle session ends after SESSION_COOKIE_AGE; an active one is written again (its expiry moved
# on) at most once every SESSION_REFRESH_SECONDS, not on every request (reporting/sessions.py).
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))
# How long before the session ends a signed-in page warns, with a "Stay signed in" button.
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "300"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form posted by a browser that lost its cookies is kept for its owner (reporting/kept_work.py).
CSRF_FAILURE_VIEW = "reporting.kept_work.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling (django-axes, rules in objectives/signin.py): five failures lock the username from
# that address for an hour; AXES_IP_FAILURE_LIMIT failures from one address, across any usernames
# (password spraying), lock the address. The client's address is the connection's, or, behind
# TRUSTED_PROXY_COUNT proxies of our own, the one they recorded in X-Forwarded-For.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = "objectives.signin.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "objectives.signin.client_address"
AXES_USERNAME_CALLABLE = "objectives.signin.username"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Content Security Policy (django-csp 4): scripts only from our own origin, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js inserts its own <style> element when it draws a chart; styles only, never scripts.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer's health probe comes over plain HTTP and must see the 200 itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Email: SMTP by default (the console in development); GOV.UK Notify when its API key is set.
GOVUK_NOTIFY_API_KEY = os.environ.get("GOVUK_NOTIFY_API_KEY", "")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = os.environ.get("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", "")
if GOVUK_NOTIFY_API_KEY and not GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID must be set with GOVUK_NOTIFY_API_KEY: the id of a Notify email "
        "template whose subject is ((subject)) and whose body is ((body))."
    )
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django_gov_notify.backends.NotifyEmailBackend" if GOVUK_NOTIFY_API_KEY
    else "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Seconds before the outbox worker gives up on a mail server that does not answer (reporting.outbox).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "strategy-tracker@council.example")
# The folder the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes each email to.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
# The address people use to reach the product: links in emails are built on it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reminders go this many days before a dashboard update deadline (send_reminders).
REMINDER_DAYS_BEFORE = [int(d) for d in os.environ.get("REMINDER_DAYS_BEFORE", "14,7,1").split(",") if d.strip()]
# After the deadline: the day after it, then every this many days, the Economy Cell copied.
REMINDER_EVERY_DAYS_AFTER = int(os.environ.get("REMINDER_EVERY_DAYS_AFTER", "3"))

# Variation (kpis/spc.py): how many points in a row make a shift or a trend, 6 (NHS England's
# Making Data Count default) to 8.
try:
    SPC_RUN_LENGTH = int(os.environ.get("SPC_RUN_LENGTH", "6"))
except ValueError:
    SPC_RUN_LENGTH = None
if SPC_RUN_LENGTH not in (6, 7, 8):
    raise ImproperlyConfigured("SPC_RUN_LENGTH must be a whole number from 6 to 8 (points in a row that make a shift or a trend).")

# The read API (reporting/api/): JSON only, a bearer token per user or service account.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reporting.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["reporting.api.permissions.ReadsTheApi"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["reporting.api.throttling.PerUserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "reporting.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reporting.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Economic Strategy Tracker read API",
    "DESCRIPTION": (
        "The strategy, its KPIs and targets, the reporting periods, the returns of each period, the figures and "
        "the action-plan updates, for the council's own reports (Power BI, Excel Power Query). Send "
        "`Authorization: Bearer <token>`; each token sees what its user sees on the pages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["reporting.api.permissions.ReadsTheApi"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The document's descriptions in the council's words (reporting.api.schema.in_council_words).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "reporting.api.schema.in_council_words"],
    "ENUM_NAME_OVERRIDES": {
        "RagEnum": "kpis.rag.RAG",
        "WorkflowStateEnum": "reporting.models.WorkflowState",
        "PeriodStateEnum": "objectives.models.ReportingPeriod.State",
    },
}
# Requests a minute each token (or signed-in user) may make; DRF's throttle, counted per server process.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "300/minute")
# Wrong API tokens one address may send in a window before every token from it is refused (429)
# until the window has passed (reporting/api/throttling.py); 0 switches it off.
API_TOKEN_FAILURE_LIMIT = int(os.environ.get("API_TOKEN_FAILURE_LIMIT", "20"))
API_TOKEN_FAILURE_MINUTES = int(os.environ.get("API_TOKEN_FAILURE_MINUTES", "10"))
# The answers' page size when the request gives none, and the most `page_size` may ask for.
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "1000"))

# Single sign-on with Microsoft Entra ID (OpenID Connect, mozilla-django-oidc; sso/): off unless a
# client id and secret and the provider's endpoints are set. OIDC_TENANT_ID fills in Entra's endpoints.
OIDC_TENANT_ID = os.environ.get("OIDC_TENANT_ID", "")
_ENTRA = f"https://login.microsoftonline.com/{OIDC_TENANT_ID}" if OIDC_TENANT_ID else ""
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", _ENTRA and f"{_ENTRA}/oauth2/v2.0/authorize")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", _ENTRA and f"{_ENTRA}/oauth2/v2.0/token")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", _ENTRA and f"{_ENTRA}/discovery/v2.0/keys")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", _ENTRA and "https://graph.microsoft.com/oidc/userinfo")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", _ENTRA and f"{_ENTRA}/v2.0")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
SSO_ENABLED = all([OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT,
                   OIDC_OP_JWKS_ENDPOINT])
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("sso.backend.EntraIdBackend")

# Where the accessibility statement and the privacy notice tell people to write (default: DEFAULT_FROM_EMAIL).
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
# Where /.well-known/security.txt tells people to report a vulnerability (a mailto: or https: address;
# default: CONTACT_EMAIL, else DEFAULT_FROM_EMAIL). SECURITY.md says what happens next.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")

# The public pages under /public/ (reporting/public/): PUBLIC_PAGES=on or off overrides the
# administrator's setting in the admin; unset, the admin decides (on until switched off).
PUBLIC_PAGES = None if os.environ.get("PUBLIC_PAGES", "").strip() == "" else env_bool("PUBLIC_PAGES")
# How long a reverse proxy, CDN or browser may keep a public page or open-data file before asking
# again (with its ETag, answered 304 if nothing was published since).
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))

# django-auditlog: record who changed what, and each field's old and new value.
AUDITLOG_INCLUDE_ALL_MODELS = False

# Logs: one JSON object a line on standard error, each carrying the id of the request it was written in
# (request_id; also the response's X-Request-ID and the 500 page's reference); one line per request on
# `ses.requests` (time, request id, user id, method, path, status, duration_ms): reporting/ops/request_log.py.
# LOG_LEVEL sets what else is written (WARNING: warnings and errors); LOG_REQUESTS=off leaves out the request lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "reporting.ops.request_log.RequestIdFilter"}},
    "formatters": {"json": {"()": "reporting.ops.request_log.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"ses.requests": {"level": "INFO" if env_bool("LOG_REQUESTS", default=True) else "WARNING"}},
}
