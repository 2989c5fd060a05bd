"""Walks the whole URLconf: every page but sign-in, health, the public pages and the accessibility,
privacy and cookies pages needs a login; no reader (Cabinet Member, scrutiny member) can reach a
draft or unpublished figure through any URL; anonymous users see published results only on the
public pages, and nothing at all there when the public pages are switched off."""
import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.access import audience
from reporting.models import QuarterlyReturn
from tests.security.query_reads import QueryReads

PUBLIC_PAGES = {"public-dashboard", "public-quarter", "public-briefing", "public-sub-strand", "public-kpi", "public-data",
                "public-data-package", "public-data-file"}
FOR_EVERYONE = {"accessibility", "privacy", "cookies"}
LOGO = {"council-logo"}  # the council's logo, in the header of every page (404 while there is none)
# Password reset by email (objectives/password_reset.py): for someone who cannot sign in.
PASSWORD_RESET = {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# For load balancers, the service desk, robots and browsers (reporting/ops/): no login, nothing of the council's data.
SERVICE = {"healthz-live", "healthz-ready", "robots-txt", "security-txt", "favicon"}
PUBLIC = {"login", "healthz", *PUBLIC_PAGES, *FOR_EVERYONE, *PASSWORD_RESET, *LOGO, *SERVICE}
# Asked by the sign-out warning's script (reporting/sessions.py): a 401 in JSON, not the sign-in page.
FOR_SCRIPTS = {"session-status"}
# Single sign-on's two addresses: open to anyone, like the sign-in page; not found while it is off.
SIGN_IN_WITH_MICROSOFT = {"sso-sign-in", "sso-callback"}
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
    "dataset": "figures",
    "fmt": "csv",
    "year": "2023",
    "attachment": "1",
    "uidb64": "MQ",
    "token": "no-such-token",
    "strategy": "sefton-economic-strategy",
    "reference": "SR1",
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

    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)  # the API router's regex routes
    route = route.replace("/?", "/").replace("[\\s\\S]*", "no-such-thing/")
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
            allowed = (200, 302, 405, 404) if name in PUBLIC_PAGES | LOGO else (200, 302, 405)  # nothing published yet: 404
            assert response.status_code in allowed, (url, response.status_code)
            continue
        if name in SIGN_IN_WITH_MICROSOFT:
            assert response.status_code == 404, (url, response.status_code)  # single sign-on is off
            continue
        if name in FOR_SCRIPTS:
            assert response.status_code == (401 if method == "get" else 405), (url, response.status_code)
            continue
        if url.startswith("/api/"):  # the read API: a bearer token (or a signed-in session), never a redirect
            expected = 404 if name == "api-not-found" else 401
            assert response.status_code == expected, f"{method.upper()} {url} answered {response.status_code}"
            assert response["Content-Type"].startswith(("application/json", "application/vnd.oai.openapi+json"))
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
    # A risk (SR1, the officer's) with a draft review and another (SR2) with a submitted one, in Q2.
    # Each has an action whose status its review changes (kept with the review until it is approved), and the
    # register's entry pages (raise, edit, its actions: /risks/<strategy>/SR1/actions/<action>/) are walked too.
    from reporting.models import Risk, RiskAction, RiskReview

    for reference, state in [("SR1", "draft"), ("SR2", "submitted")]:
        risk = Risk.objects.create(strategy=period.strategy, reference=reference, title=f"{MARKER} risk",
                                   cause=MARKER, effect=MARKER, controls=MARKER, owner=demo_users["officer"],
                                   inherent_likelihood=4, inherent_impact=4, target_likelihood=2, target_impact=2)
        action = RiskAction.objects.create(risk=risk, description=f"{MARKER} action", owner=MARKER)
        RiskReview.objects.create(risk=risk, period=period, state=state, current_likelihood=5, current_impact=5,
                                  direction="increasing", commentary=f"{MARKER} review",
                                  action_statuses={str(action.pk): "complete"})
    readable_risk(period)
    return made


def readable_risk(q2):
    """SR3: approved in Q1, so a reader opens its page, with a draft Q2 review carrying the marker (the
    reader reads neither the draft nor its score)."""
    from reporting.models import Risk, RiskReview

    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    sr3 = Risk.objects.create(strategy=q2.strategy, reference="SR3", title="Approved risk", cause="a cause",
                              effect="an effect", inherent_likelihood=3, inherent_impact=3, target_likelihood=1,
                              target_impact=1)
    RiskReview.objects.create(risk=sr3, period=q1, state="approved", current_likelihood=2, current_impact=2)
    RiskReview.objects.create(risk=sr3, period=q2, state="draft", current_likelihood=5, current_impact=5,
                              commentary=f"{MARKER} draft review", actions_progress=MARKER)


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
def test_no_reader_reaches_a_draft_through_any_url(drafts, client_for, demo_users, monkeypatch):
    """The Cabinet Member's walk stands for every reader of the same audience: two people with the
    same audience (reporting.access.audience) see the same objects under every access rule, so the
    scrutiny member's walk would open the same pages and get the same answers. That they share it is
    checked here: should a reader ever see something another does not, this test says so, and the
    other reader needs a walk of their own."""
    reader = "cabinet"
    assert audience(demo_users["scrutiny"]) == audience(demo_users[reader])
    client = client_for(reader)
    walker = QueryReads(monkeypatch)  # each query only where the page read one of its keys (query_reads.py)
    checked = 0
    urls = all_urls() + all_urls(update="2018-06", number="3", sub_strand_slug="planning", slug="planning",
                                 code="PLA-02", reference="SR3")
    walked = set()
    for url, name in urls:
        if name in {"logout"} or url in walked:
            continue  # an address without the second walk's arguments is the same address: walked once
        walked.add(url)
        # A PDF is its Word document converted (checked at its own address): once is enough.
        queries = QUERIES if not url.endswith(".pdf") else [""]
        for query, response in walker.walk(client, url, queries, never_in_a_query=(MARKER, SECRET_VALUE)):
            assert response.status_code < 500, f"{url + query} answered {response.status_code}"
            if response.status_code != 200:
                continue
            text = texts_of(response)
            checked += 1
            assert MARKER not in text, f"{reader} saw draft text at {url + query}"
            assert SECRET_VALUE not in text.replace(",", ""), f"{reader} saw a draft figure at {url + query}"
    # Each address a reader opens (200) without a query, opened: fewer would prove less (67 on 7 December 2026).
    assert checked > 0 and len(walker.opened) >= 67, (checked, len(walker.opened))


# -- the public pages ------------------------------------------------------------------------------

# Each public address with its URL arguments as the walk fills them, and with the draft's.
PUBLIC_SAMPLES = [{}, {"dataset": "statuses"}, {"fmt": "json"}, {"dataset": "statuses", "fmt": "json"},
                  {"period_slug": "2023-24-q1"}, {"slug": "planning", "code": "PLA-02"}, {"slug": "tourism", "code": "TOU-01"}]


def public_urls():
    seen = []
    for overrides in PUBLIC_SAMPLES:
        for url, name in all_urls(**overrides):
            if name in PUBLIC_PAGES and url not in seen:
                seen.append(url)
    return seen


def test_the_walk_finds_every_public_page():
    urls = public_urls()
    assert "/public/" in urls and "/public/data/figures.csv" in urls and "/public/data/statuses.json" in urls
    assert "/public/quarters/2023-24-q1/briefing/" in urls and "/public/kpis/HOU-02/" in urls


@pytest.fixture
def approved_not_published(drafts, demo_users):
    """Besides the drafts: Q2's Health & Wellbeing return approved, but its briefing not issued."""
    from reporting.returns.services import approve_return

    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    sub = SubStrand.objects.get(slug="health-wellbeing")
    ret = QuarterlyReturn.objects.create(sub_strand=sub, period=period, state="submitted", overall_rag="amber",
                                         commentary=f"{MARKER} approved, not yet published")
    for kpi in KPI.objects.filter(sub_strand=sub):
        if kpi.is_milestone:
            Measurement.objects.create(kpi=kpi, period=period, milestone_status="at_risk", commentary=MARKER)
        else:
            Measurement.objects.create(kpi=kpi, period=period, value=SECRET_VALUE, commentary=MARKER, data_for=MARKER)
    approve_return(quarterly_return=ret, by=demo_users["approver"])
    ret.refresh_from_db()
    assert ret.state == "approved"
    return ret


@pytest.mark.django_db
def test_anonymous_users_see_published_results_only(approved_not_published, client, monkeypatch):
    """Draft, submitted, returned and approved-but-unpublished content planted: the public pages
    and files show none of it, through any URL or query."""
    walker = QueryReads(monkeypatch)  # each query only where the page read one of its keys (query_reads.py)
    checked = 0
    for url in public_urls():
        queries = QUERIES + ["?annex=2", "?sort=code"]
        for query, response in walker.walk(client, url, queries, never_in_a_query=(MARKER, SECRET_VALUE)):
            assert response.status_code in (200, 404), f"{url + query} answered {response.status_code}"
            if response.status_code != 200:
                continue
            text = texts_of(response)
            checked += 1
            assert MARKER not in text, f"the public saw unpublished text at {url + query}"
            assert SECRET_VALUE not in text.replace(",", ""), f"the public saw an unpublished figure at {url + query}"
            assert "/accounts/logout/" not in text and "csrfmiddlewaretoken" not in text
    assert len(walker.opened) >= 15 and checked >= 15  # each public address with something published, opened
    # and the published Q1 results are there
    assert "Regenerated Places" in client.get("/public/").content.decode()
    assert client.get("/public/quarters/2023-24-q2/").status_code == 404  # Q2 is not published
    assert client.get("/public/quarters/2023-24-q2/briefing/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("switch", ["admin", "environment"])
def test_nothing_at_all_when_the_public_pages_are_switched_off(drafts, client, client_for, settings, switch):
    from reporting.models import SiteSettings

    if switch == "admin":
        SiteSettings.objects.create(public_pages=False)
    else:
        SiteSettings.objects.create(public_pages=True)
        settings.PUBLIC_PAGES = False  # PUBLIC_PAGES=off in the environment beats the admin
    reader = client_for("cabinet")
    for url in public_urls():
        for who in (client, reader):
            for query in ("", "?period=2023-24-q1"):
                response = who.get(url + query)
                assert response.status_code == 404, f"{url + query} answered {response.status_code} while switched off"
                assert "Regenerated Places" not in response.content.decode()
    # and no page links to them
    for url, name in all_urls():
        if name in {"logout"} or name in PUBLIC_PAGES:
            continue
        for who in (client, reader):
            response = who.get(url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                assert 'href="/public/' not in response.content.decode(), f"{url} links to the public pages while they are off"


# -- a reader of one strategy ------------------------------------------------------------------------

# The climate strategy's own (tests/councils/climate.yaml): its addresses' arguments, and what only it holds.
CLIMATE_SAMPLES = {"period": "2023-24-h1", "period_slug": "2023-24-h1", "sub_strand": "fleet", "sub_strand_slug": "fleet",
                   "slug": "fleet", "code": "CL-01", "kpi_code": "CL-01"}
CLIMATE_WORDS = ["Climate Emergency Strategy", "Net Zero Council", "Council Buildings", "Fleet Services", "CL-01",
                 "CL-02", "Emissions from council buildings", "Electric vehicles in the fleet", "Climate Board",
                 "2023/24 H1", "9,000", "9000.0"]


@pytest.mark.django_db
def test_a_reader_of_one_strategy_sees_nothing_of_another_through_any_url(drafts, client_for, demo_users, monkeypatch):
    """The climate strategy names the scrutiny member as its reader: the Cabinet Member, walking every
    address with the climate strategy's arguments and asking for it by name, reads none of its names,
    codes, services or targets, and is told why where a page is refused. (The public pages show what
    is published, to anyone: they are not this rule's.)"""
    from objectives.models import Strategy
    from reporting.loaders import load_fixture_files
    from tests.test_two_strategies import CLIMATE

    load_fixture_files([CLIMATE])
    Strategy.objects.get(slug="climate-emergency").readers.add(demo_users["scrutiny"])
    client = client_for("cabinet")
    walker = QueryReads(monkeypatch)  # with its arguments, asked for by name only where the page read ?strategy=

    def answers(url, queries):
        if queries[0] == "":
            return walker.walk(client, url, queries, never_in_a_query=CLIMATE_WORDS)
        return ((query, client.get(url + query)) for query in queries)

    checked, refused = 0, 0
    walks = [(all_urls(**CLIMATE_SAMPLES), ["", "?strategy=climate-emergency"]),
             (all_urls(), ["?strategy=climate-emergency"])]  # opened as asked: learning what each reads costs as much
    for urls, queries in walks:
        for url, name in urls:
            if name in {"logout"} | PUBLIC_PAGES or (url.endswith(".pdf") and "2023-24-h1" not in url):
                continue
            for query, response in answers(url, queries):
                assert response.status_code < 500, f"{url + query} answered {response.status_code}"
                content = texts_of(response) if response.status_code in (200, 403) else ""
                content = content.replace(url, "")  # the address asked for, echoed (the sign-out form's next)
                seen = [word for word in CLIMATE_WORDS if word in content]
                if name == "api-openapi":  # its examples of a period's name come from the cadences, not the data
                    seen = [word for word in seen if word != "2023/24 H1"]
                assert seen == [], f"the Cabinet Member read {seen} at {url + query} ({response.status_code})"
                checked += response.status_code == 200
                refused += "is read by the readers it names" in content
    assert checked > 50 and refused >= 5, (checked, refused)
