"""The URL walks' recording of what a request read of its query string (tests/security/query_reads.py):
a page is opened with a query only where it read one of the query's keys, or the query string whole."""
import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from tests.security.query_reads import EVERYTHING, QueryReads

QUERIES = ["", "?period=2023-24-q2", "?period=2023-24-q2&status=red", "?status=red", "?sort=-value", "?format=csv"]
WITH_PERIOD = ["", "?period=2023-24-q2", "?period=2023-24-q2&status=red"]
MARKER = "ZZDRAFTMARKER"


def opened(walker, client, url, queries=QUERIES):
    return [query for query, _ in walker.walk(client, url, queries)]


# Pages of this file's own, each looking at the query string its own way.
urlpatterns = [
    path("nothing/", lambda request: HttpResponse("the same for every query")),
    path("period/", lambda request: HttpResponse(f"as at {request.GET.get('period', 'now')}")),
    path("asks-in/", lambda request: HttpResponse("red" if "status" in request.GET else "all")),
    path("iterates/", lambda request: HttpResponse(", ".join(request.GET))),
    path("items/", lambda request: HttpResponse(str(dict(request.GET.items())))),
    path("counts/", lambda request: HttpResponse("filtered" if request.GET else "all")),
    path("copies/", lambda request: HttpResponse(request.GET.copy().urlencode())),
    path("full-path/", lambda request: HttpResponse(request.get_full_path())),
    path("absolute/", lambda request: HttpResponse(request.build_absolute_uri())),
    path("raw/", lambda request: HttpResponse(request.META["QUERY_STRING"])),
    path("streams/", lambda request: StreamingHttpResponse(str(request.GET.get(name)) for name in ["status"])),
    path("leaks-on-red/", lambda request: HttpResponse(MARKER if request.GET.get("status") == "red" else "nothing")),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_page_is_opened_with_a_query_only_where_it_read_one_of_its_keys(client, monkeypatch):
    walker = QueryReads(monkeypatch)
    assert opened(walker, client, "/nothing/") == [""]
    assert opened(walker, client, "/period/") == WITH_PERIOD
    assert opened(walker, client, "/asks-in/") == ["", "?period=2023-24-q2&status=red", "?status=red"]  # asked, absent
    assert opened(walker, client, "/streams/") == ["", "?period=2023-24-q2&status=red", "?status=red"]  # as it streams
    assert walker.requests == 1 + 3 + 3 + 3


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/iterates/", "/items/", "/counts/", "/copies/", "/full-path/", "/absolute/", "/raw/"])
def test_a_look_at_the_whole_query_string_opens_the_page_with_every_query(client, monkeypatch, url):
    walker = QueryReads(monkeypatch)
    assert opened(walker, client, url) == QUERIES
    assert walker.reads(client, url)[1] == {EVERYTHING}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_draft_shown_only_under_a_query_the_page_reads_is_found(client, monkeypatch):
    walker = QueryReads(monkeypatch)
    answers = dict(walker.walk(client, "/leaks-on-red/", QUERIES, never_in_a_query=[MARKER]))
    assert MARKER not in answers[""].content.decode()
    assert MARKER in answers["?status=red"].content.decode()
    with pytest.raises(AssertionError):  # a query carrying what the walk looks for is refused
        list(walker.walk(client, "/nothing/", ["", f"?q={MARKER}"], never_in_a_query=[MARKER]))


@pytest.mark.django_db
def test_the_products_pages_read_what_they_use_and_the_nul_check_is_not_counted(client, client_for, monkeypatch):
    walker = QueryReads(monkeypatch)
    # Health: nothing read (reporting.middleware.RefuseUnstorableText looked at the whole query string first).
    response, reads = walker.reads(client, "/healthz?status=red")
    assert response.status_code == 200 and reads == set()
    reader = client_for("cabinet")
    assert opened(walker, reader, "/risks/heat-map/") == WITH_PERIOD  # reads ?period= (and ?strategy=)
    assert opened(walker, reader, "/dashboard/") == QUERIES  # kept for each whole query string: read whole
    # The sign-out warning writes the address asked for into its form: an echo, not counted.
    response, reads = walker.reads(reader, "/accessibility/?status=red")
    assert 'value="/accessibility/?status=red"' in response.content.decode() and reads == set()
    assert walker.opened == {"/risks/heat-map/", "/dashboard/"}
