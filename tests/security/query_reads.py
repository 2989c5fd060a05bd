"""Which parts of the query string the handling of a request read: for the URL walks, which open
each address with several query strings (?period=…, ?status=red, ?format=csv…) only where one of
them could change the answer.

`QueryReads(monkeypatch).walk(client, url, queries)` opens the address first without a query string,
recording every look at its query string; then opens it with each other query only if that first
request read one of the query's keys, or read the query string as a whole.

Why this is sound. The two requests are handled by the same code on the same data: until that code
first looks at the query string the two run alike. Each look the first request makes is recorded,
so the first look at which they could part is one the first request also made:
- asking for one key (`GET.get("period")`, `GET["period"]`, `getlist`, `"period" in GET`) answers the
  same (absent) in both unless the other query has that key: recorded as reading that key, whether
  or not it was there;
- anything else (iterating, `items()`, `lists()`, `dict()`, `copy()`, `urlencode()`, `len`/`bool`,
  any other attribute: whatever could depend on keys not asked for by name), and any reading of the
  raw query string (`get_full_path()`, `get_full_path_info()`, `build_absolute_uri()`,
  `META["QUERY_STRING"]`), is recorded as reading everything: every other query is opened too.
So a page that could answer differently to a query is opened with it. This takes a GET to leave
behind nothing that changes a later answer but what it keeps of what it built, under keys made from
what it read (the readers' cache: the dashboard's is kept for each whole query string, which counts
as reading everything).

Two looks are not counted, each because it cannot put into the answer anything but what it was
given:
- reporting.middleware.RefuseUnstorableText looks at every request's whole query string for a NUL
  character before handing the request on: what it reads before handing it on is not recorded
  (the queries walked carry no NUL, so it hands them on alike); every look after it is.
- templates/partials/session_timeout.html writes the address asked for (`request.get_full_path`)
  into the sign-out warning's hidden `next` field, on every signed-in page: an echo, so the answers
  differ there by the query string itself, which holds none of what a walk looks for
  (`walk` refuses a query holding any of the `never_in_a_query` texts it is given).

Not followed: code that walks request.META's items to find the query string (none in the product or
the packages it runs reads it but through GET, get_full_path or META["QUERY_STRING"]).
"""
from urllib.parse import parse_qsl

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, QueryDict
from django.template.base import Node
from django.utils.functional import cached_property

from reporting.middleware import RefuseUnstorableText

EVERYTHING = "*"
ECHOES = {"partials/session_timeout.html"}  # templates that only write the address asked for back out

# Looks at a QueryDict that read none of its keys: the dict's own bookkeeping.
_NOT_READING = {"__class__", "__dict__", "_mutable", "_encoding", "encoding", "get", "getlist", "__getitem__",
                "__contains__", "__init__", "__setattr__"}


class _State:
    reads = None  # the set being filled, while a request is recorded
    paused = 0
    inside = 0  # within a QueryDict's own method (its own lookups are its caller's one read)


_state = _State()


def _note(what):
    if _state.reads is not None and not _state.paused and not _state.inside:
        _state.reads.add(what)


class _Inside:
    def __enter__(self):
        _state.inside += 1

    def __exit__(self, *exc):
        _state.inside -= 1


class RecordingQueryDict(QueryDict):
    """request.GET, noting which keys are asked for, and any other look as reading everything."""

    def __init__(self, *args, **kwargs):
        with _Inside():
            super().__init__(*args, **kwargs)

    def __getattribute__(self, name):
        if name not in _NOT_READING:
            _note(EVERYTHING)
        return super().__getattribute__(name)

    def __getitem__(self, key):
        _note(key)
        with _Inside():
            return super().__getitem__(key)

    def get(self, key, default=None):
        _note(key)
        with _Inside():
            return super().get(key, default)

    def getlist(self, key, default=None):
        _note(key)
        with _Inside():
            return super().getlist(key, default)

    def __contains__(self, key):
        _note(key)
        with _Inside():
            return super().__contains__(key)

    # Looks the interpreter makes without asking for an attribute.
    def __iter__(self):
        _note(EVERYTHING)
        return super().__iter__()

    def __len__(self):
        _note(EVERYTHING)
        return super().__len__()

    def __eq__(self, other):
        _note(EVERYTHING)
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self):
        _note(EVERYTHING)
        return super().__repr__()

    def __reversed__(self):
        _note(EVERYTHING)
        return super().__reversed__()

    def __or__(self, other):
        _note(EVERYTHING)
        return super().__or__(other)

    def __ror__(self, other):
        _note(EVERYTHING)
        return super().__ror__(other)

    def __copy__(self):
        _note(EVERYTHING)
        with _Inside():
            return QueryDict(self.urlencode(), mutable=True, encoding=self.encoding)

    def __deepcopy__(self, memo):
        return self.__copy__()

    def copy(self):
        return self.__copy__()

    def __reduce_ex__(self, protocol):
        _note(EVERYTHING)
        return self.__copy__().__reduce_ex__(protocol)


class _Environ(dict):
    """request.META (the same dict as request.environ), noting a look at the raw query string."""

    def __getitem__(self, key):
        if key == "QUERY_STRING":
            _note(EVERYTHING)
        return super().__getitem__(key)

    def get(self, key, default=None):
        if key == "QUERY_STRING":
            _note(EVERYTHING)
        return super().get(key, default)

    def __contains__(self, key):
        if key == "QUERY_STRING":
            _note(EVERYTHING)
        return super().__contains__(key)


def _echoed():
    """Whether the raw address is asked for by a template that only writes it back out (ECHOES)."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        node = frame.f_locals.get("self")
        if isinstance(node, Node):
            origin = getattr(node, "origin", None)
            return getattr(origin, "template_name", None) in ECHOES
        frame = frame.f_back
    return False


class QueryReads:
    """Installs the recording (for the test's length, through its monkeypatch) and walks addresses."""

    def __init__(self, monkeypatch):
        self.requests = 0
        self.opened = set()  # the addresses (without a query) answered 200

        def get(request):
            with _Inside():
                raw = request.environ.get("QUERY_STRING", "")
                return RecordingQueryDict(raw.encode("iso-8859-1") if isinstance(raw, str) else raw,
                                          encoding=request._encoding)

        recording_get = cached_property(get)
        recording_get.__set_name__(WSGIRequest, "GET")
        monkeypatch.setattr(WSGIRequest, "GET", recording_get)

        wsgi_init = WSGIRequest.__init__

        def init(request, environ):
            wsgi_init(request, _Environ(environ))  # request.environ and request.META are this one dict

        monkeypatch.setattr(WSGIRequest, "__init__", init)

        for name in ("get_full_path", "get_full_path_info"):
            monkeypatch.setattr(HttpRequest, name, self._raw(getattr(HttpRequest, name)))

        nul_check = RefuseUnstorableText.__call__

        def refuse_unstorable_text(middleware, request):
            onward = middleware.get_response

            def handed_on(request):
                _state.paused -= 1
                try:
                    return onward(request)
                finally:
                    _state.paused += 1

            _state.paused += 1
            middleware.get_response = handed_on
            try:
                return nul_check(middleware, request)
            finally:
                middleware.get_response = onward
                _state.paused -= 1

        monkeypatch.setattr(RefuseUnstorableText, "__call__", refuse_unstorable_text)

    @staticmethod
    def _raw(method):
        def read_raw(request, *args, **kwargs):
            if not _echoed():
                _note(EVERYTHING)
            with _Inside():
                return method(request, *args, **kwargs)

        return read_raw

    def reads(self, client, address):
        """The response to the address and the query string's keys its handling read (EVERYTHING for all)."""
        _state.reads = set()
        try:
            response = client.get(address)
            if response.streaming:  # read to its end here: what its making reads as it goes is recorded too
                response.streaming_content = [b"".join(response.streaming_content)]
        finally:
            reads, _state.reads = _state.reads, None
        self.requests += 1
        return response, reads

    def walk(self, client, url, queries, *, never_in_a_query=()):
        """(query, response) for the address without a query string, then for each other query whose
        answer could differ from it."""
        assert queries[0] == "", "the walk starts from the address without a query string"
        for query in queries:
            assert not any(text in query for text in never_in_a_query), query
        response, reads = self.reads(client, url)
        if response.status_code == 200:
            self.opened.add(url)
        yield "", response
        for query in queries[1:]:
            if EVERYTHING in reads or reads & {key for key, _ in parse_qsl(query.lstrip("?"), keep_blank_values=True)}:
                self.requests += 1
                yield query, client.get(url + query)
