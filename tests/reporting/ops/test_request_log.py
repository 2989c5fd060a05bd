"""Each request's id in every log line written while it is served, in its one JSON request line, in
its X-Request-ID header and on the 500 page; a trusted proxy's id taken, a client's never."""
import io
import json
import logging

import pytest
from django.test import Client
from django.urls import path

from reporting.ops.request_log import JsonFormatter, RequestIdFilter
from sefton_ses import urls as project_urls

log = logging.getLogger("reporting.ops.tests")


def warns_then_fails(request):
    log.warning("Something odd about this request")
    raise RuntimeError("the page broke")


urlpatterns = [path("broken/", warns_then_fails), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@pytest.fixture
def log_lines():
    """The JSON lines the configured console handler (settings.LOGGING) writes, read back."""
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(old)


def test_the_console_handler_writes_json_with_the_request_id():
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert any(isinstance(f, RequestIdFilter) for f in handler.filters)


def test_every_log_line_of_a_failing_request_carries_its_id_and_the_500_page_shows_it(db, settings, log_lines):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/broken/?name=someone@example.org")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert f"Quote this reference: <strong>{request_id}</strong>" in response.content.decode()
    lines = log_lines()
    ours = [line for line in lines if line.get("request_id") == request_id]
    assert len(ours) == len(lines) >= 3  # the warning, Django's error with its traceback, the request line
    assert any(line["message"] == "Something odd about this request" for line in ours)
    assert any("RuntimeError: the page broke" in line.get("exception", "") for line in ours)
    (request_line,) = [line for line in ours if line["logger"] == "ses.requests"]
    assert request_line["method"] == "GET" and request_line["path"] == "/broken/" and request_line["status"] == 500
    assert request_line["user_id"] is None and request_line["duration_ms"] >= 0 and request_line["time"].endswith("+00:00")
    assert "someone@example.org" not in json.dumps(lines)  # the query string is not logged


def test_the_request_line_names_the_user_by_id_only(client_for, demo_users, log_lines):
    response = client_for("coordinator").get("/dashboard/")
    (line,) = [line for line in log_lines() if line["logger"] == "ses.requests"]
    user = demo_users["coordinator"]
    assert line == {**line, "request_id": response["X-Request-ID"], "user_id": user.pk, "path": "/dashboard/",
                    "status": 200, "method": "GET"}
    text = json.dumps(line)
    assert user.username not in text and (not user.email or user.email not in text)


def test_two_requests_have_two_ids(db):
    client = Client()
    assert client.get("/healthz/live")["X-Request-ID"] != client.get("/healthz/live")["X-Request-ID"]


def test_a_proxys_request_id_is_taken_only_when_a_proxy_is_trusted(db, settings):
    given = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    settings.TRUSTED_PROXY_COUNT = 0
    assert Client().get("/healthz/live", HTTP_X_REQUEST_ID=given)["X-Request-ID"] != given
    settings.TRUSTED_PROXY_COUNT = 1
    assert Client().get("/healthz/live", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    odd = Client().get("/healthz/live", HTTP_X_REQUEST_ID="two words\x7f")["X-Request-ID"]
    assert odd != "two words\x7f" and len(odd) == 32


def test_a_line_written_outside_a_request_has_no_request_id():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "outside", (), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "outside" and "request_id" not in line and line["level"] == "WARNING"
