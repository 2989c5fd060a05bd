"""Issue 23, point 3: a NUL character, which PostgreSQL cannot store or look up in any text, in what
a request brings (query string, form fields, headers, cookies) is refused at the one place requests
are read (reporting.middleware.RefuseUnstorableText): a 400 page saying why, before any view looks
anything up, on every page, anonymous or signed in; never a 500. Other control characters are only
text: every page answers them below 500. And every response says `Permissions-Policy` (point 6)."""
import html

import pytest
from django.test import Client, RequestFactory

from kpis.models import Target
from tests.security.test_url_walk import all_urls

# The query parameters the pages read (`strategy` is read by every page, anonymous ones included,
# to choose the strategy it is about: objectives.strategies.asked_strategy looks it up).
PARAMS = ["strategy", "period", "year", "objective", "lead", "status", "page", "sort", "q", "next", "format"]
CONTROL = ["\x01", "\x08", "\x0b", "\x1b[2J", "\x1f", "\x7f", "a\r\nSet-Cookie: x=1", "\t", "\u0085", "\u2028"]
WHO = ["anonymous", "coordinator", "cabinet"]
TRIED = {}  # the figures: requests per kind and what they got


def text(response):
    return html.unescape(response.content.decode("utf-8", "replace"))


def _client(who, client_for):
    return Client() if who == "anonymous" else client_for(who)


def _count(kind, status):
    TRIED.setdefault(kind, {}).setdefault(status, 0)
    TRIED[kind][status] += 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_a_nul_in_the_query_string_of_every_page_is_refused_with_a_400(sefton, demo_users, client_for, who):
    client = _client(who, client_for)
    for i, (url, name) in enumerate(all_urls()):
        if name == "logout":
            continue
        param = PARAMS[i % len(PARAMS)]  # each page with one parameter, every parameter on some pages
        response = client.get(url, {"strategy": "sefton\x00"} if param == "strategy" else {param: "\x00", "strategy": "sefton"})
        _count(f"NUL in the query, {who}", response.status_code)
        assert response.status_code == 400, (url, param, response.status_code)
        assert "cannot store" in text(response), url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/public/", "/", "/dashboard/", "/no-such-page/"])
def test_the_issues_addresses_with_strategy_nul_never_answer_500(sefton, url):
    response = Client().get(url + "?strategy=%00")
    assert response.status_code in (400, 404)
    assert response.status_code == 400 or url == "/no-such-page/"  # a 404 is drawn without the query's strategy


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_control_characters_in_the_query_string_of_every_page_answer_below_500(sefton, demo_users, client_for, who):
    client = _client(who, client_for)
    for url, name in all_urls():
        if name == "logout" or url.endswith(".pdf"):  # a PDF is its Word document converted: checked at .docx
            continue
        for shift in (0, 5):  # every parameter at once, each with a control character
            query = {param: CONTROL[(i + shift) % len(CONTROL)] for i, param in enumerate(PARAMS)}
            response = client.get(url, query)
            _count(f"control characters in the query, {who}", response.status_code)
            assert response.status_code < 500, (url, query, response.status_code)


@pytest.mark.django_db
def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(sefton, demo_users, client_for):
    before = list(Target.objects.order_by("pk").values_list("pk", "value", "kind"))
    coordinator = client_for("coordinator")
    response = coordinator.post("/years/2023/targets/", {"strategy": "1\x00"})
    assert response.status_code == 400 and "nothing has been saved" in text(response)
    assert list(Target.objects.order_by("pk").values_list("pk", "value", "kind")) == before
    signing_in = Client().post("/accounts/login/", {"username": "coordinator\x00", "password": "x"})
    assert signing_in.status_code == 400


@pytest.mark.django_db
def test_a_nul_in_a_header_is_refused(sefton):
    response = Client().get("/accounts/login/", HTTP_USER_AGENT="Mozilla\x00", HTTP_X_FORWARDED_FOR="\x00")
    assert response.status_code == 400


def test_a_cookie_carrying_a_nul_is_set_aside_before_the_session_reads_it():
    from reporting.middleware import RefuseUnstorableText

    request = RequestFactory().get("/accounts/login/")
    request.COOKIES.update({"sessionid": "abcdefghijk\x00", "csrftoken": "fine"})
    seen = {}
    RefuseUnstorableText(lambda r: seen.update(r.COOKIES))(request)
    assert seen == {"csrftoken": "fine"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/public/", "/no-such-page/", "/accounts/login/?strategy=%00",
                                 "/healthz"])
def test_every_response_says_no_camera_microphone_location_payment_or_usb(sefton, url):
    policy = Client().get(url).headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in policy, (url, policy)


@pytest.mark.django_db
def test_a_signed_in_page_says_the_permissions_policy_too(client_for):
    assert "camera=()" in client_for("coordinator").get("/dashboard/").headers.get("Permissions-Policy", "")


def test_zz_report_what_was_tried():
    """Not a check: prints the requests tried per kind and what they got (shown with -s)."""
    for kind, statuses in sorted(TRIED.items()):
        print(f"{kind}: {sum(statuses.values())} requests, {dict(sorted(statuses.items()))}")
