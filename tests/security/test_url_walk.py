"""Walks the whole URLconf: every page but sign-in, health and static needs a login, and no
reader (Cabinet Member, scrutiny member) can reach a draft or unpublished figure through any URL."""
import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import QuarterlyReturn

PUBLIC = {"login", "healthz"}
MARKER = "ZZDRAFTMARKER"
SECRET_VALUE = "987654321"

# A sample value for each URL argument, pointing at the draft where it can.
SAMPLES = {
    "period": "2023-24-q2",
    "period_slug": "2023-24-q2",
    "sub_strand": "housing",
    "sub_strand_slug": "housing",
    "slug": "housing",
    "code": "HOU-02",
    "kpi_code": "HOU-02",
    "plan": "employment",
    "plan_slug": "employment",
    "update": "2017-12",
    "update_slug": "2017-12",
    "pk": "1",
    "id": "1",
    "action": "14",
    "number": "14",
    "attachment": "1",
}


def walk(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin" or str(entry.pattern).startswith("admin/"):
                continue
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.pattern.converters if hasattr(entry.pattern, "converters") else {}


def concrete(route, overrides=None):
    samples = {**SAMPLES, **(overrides or {})}

    def sub(match):
        name = match.group(2)
        if name not in samples:
            pytest.fail(f"URL argument <{name}> in {route!r} has no sample value: add one to SAMPLES")
        return samples[name]

    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def all_urls(**overrides):
    urls = []
    for route, name, _ in walk():
        if route.startswith(("static/", "media/")):
            continue
        urls.append((concrete(route, overrides), name))
    return urls


def test_the_walk_finds_the_sites_pages():
    names = {name for _, name in all_urls()}
    assert {"home", "login", "healthz"} <= names
    assert len(names) >= 3


@pytest.mark.django_db
@pytest.mark.parametrize("url, name", all_urls())
def test_every_page_but_sign_in_and_health_needs_a_login(url, name):
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        if name in PUBLIC:
            assert response.status_code in (200, 302, 405), (url, response.status_code)
            continue
        assert response.status_code in (302, 405), f"{method.upper()} {url} answered {response.status_code} to an anonymous user"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), (url, response["Location"])


@pytest.fixture
def drafts(sefton, demo_users):
    """A draft, a submitted and a returned Q2 return with a marker in every text field and figure."""
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    made = []
    for slug, state in [("housing", "draft"), ("planning", "submitted"), ("tourism", "returned")]:
        sub = SubStrand.objects.get(slug=slug)
        made.append(QuarterlyReturn.objects.create(sub_strand=sub, period=period, state=state, overall_rag="red",
                                                   commentary=f"{MARKER} commentary", rag_explanation=MARKER,
                                                   return_comment=MARKER))
        for kpi in KPI.objects.filter(sub_strand=sub):
            if kpi.is_milestone:
                Measurement.objects.create(kpi=kpi, period=period, milestone_status="missed", commentary=MARKER,
                                           data_for=MARKER, rag_calculated="red")
            else:
                Measurement.objects.create(kpi=kpi, period=period, value=SECRET_VALUE, commentary=MARKER,
                                           data_for=MARKER, rag_calculated="red")
    # An action plan round with a draft and a submitted update, figures included.
    from objectives.models import Action
    from reporting.models import ActionUpdate, Attachment, OutputFigure, PlanUpdate

    round_ = PlanUpdate.objects.create(plan=Action.objects.get(plan__slug="employment", number=14).plan,
                                       slug="2018-06", title="update at June 2018", as_at="2018-06-30")
    for number, state in [(14, "draft"), (3, "submitted")]:
        update = ActionUpdate.objects.create(action=Action.objects.get(plan__slug="employment", number=number),
                                             plan_update=round_, narrative=f"{MARKER} narrative", state=state)
        OutputFigure.objects.create(action_update=update, label=MARKER, value=SECRET_VALUE, unit="jobs")
        Attachment.objects.create(action_update=update, name=f"{MARKER} paper", url=f"https://example.org/{MARKER}")
    return made


def texts_of(response):
    """The response as text, including the XML inside .xlsx and .docx files."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            return " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith((".xml", ".rels")))
    return content.decode("utf-8", "replace")


QUERIES = ["", "?period=2023-24-q2", "?period=2023-24-q2&status=red", "?status=red", "?sort=-value", "?format=csv",
           "?_export=csv"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["cabinet", "scrutiny"])
def test_no_reader_reaches_a_draft_through_any_url(drafts, client_for, reader):
    client = client_for(reader)
    checked = 0
    urls = all_urls() + all_urls(update="2018-06", number="3", sub_strand_slug="planning", slug="planning",
                                 code="PLA-02")
    for url, name in urls:
        if name in {"logout"}:
            continue
        # A PDF is its Word document converted (checked at its own address): once is enough.
        for query in QUERIES if not url.endswith(".pdf") else [""]:
            response = client.get(url + query)
            assert response.status_code < 500, f"{url + query} answered {response.status_code}"
            if response.status_code != 200:
                continue
            text = texts_of(response)
            checked += 1
            assert MARKER not in text, f"{reader} saw draft text at {url + query}"
            assert SECRET_VALUE not in text.replace(",", ""), f"{reader} saw a draft figure at {url + query}"
    assert checked > 0
