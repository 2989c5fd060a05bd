"""Each request's id, and one JSON line per request, for a service desk.

`RequestLog` (the outermost middleware) gives every request an id: the one a trusted proxy sent in
`X-Request-ID` when TRUSTED_PROXY_COUNT says a proxy of ours is in front (so that the proxy's log and
ours name the same request), else a new one. The id is kept in a context variable for the request's
time, so that every log line written while it is served carries it (`RequestIdFilter`, on the
handler in settings.LOGGING); it is sent back as `X-Request-ID` and shown on the 500 page
("Quote this reference"). When the response is ready one line is logged on the `ses.requests`
logger: time, request id, user id (never a name or an email: the id is looked up in the admin),
method, path (without its query string, which may carry what someone typed), status and duration in
milliseconds. `JsonFormatter` writes every log line, the request line and any other, as one JSON
object.
"""
import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import empty

HEADER = "X-Request-ID"
REQUEST_ID = contextvars.ContextVar("request_id", default=None)
# What an id from a proxy may look like: nginx's $request_id (32 hex digits), a UUID, AWS's
# "Root=1-…", Azure's… Anything else (too long, spaces, control characters) is replaced by our own.
PROXY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:;=+/-]{0,127}")
FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")

log = logging.getLogger("ses.requests")


def current_request_id():
    """The id of the request being served in this thread or task, or None outside a request."""
    return REQUEST_ID.get()


def request_id_for(request):
    """The proxy's `X-Request-ID` when a proxy of ours stands in front (TRUSTED_PROXY_COUNT > 0) and it
    looks like an id; else a new random one. A client's own header is never believed: it could name
    another person's request."""
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0:
        given = request.META.get("HTTP_X_REQUEST_ID", "").strip()
        if PROXY_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


def user_id_of(request):
    """The signed-in user's id (never a name or an email), or None: read only if the request has
    already looked at who is signed in, so that logging costs no query."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLog:
    """The outermost middleware: the request's id (kept for its log lines, sent back as X-Request-ID)
    and its one log line, with the time it took to build the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = REQUEST_ID.set(request.request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response.headers[HEADER] = request.request_id
            return response
        finally:
            log.info("%s %s %s", request.method, request.path[:500], status, extra={
                "user_id": user_id_of(request), "method": request.method, "path": request.path[:500],
                "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being served (if any) to every log record the handler writes."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request's fields when
    there are any, and the exception's traceback when there is one."""

    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None or (field == "user_id" and hasattr(record, "duration_ms")):
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
