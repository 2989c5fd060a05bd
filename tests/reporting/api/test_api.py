"""The read API answers with the pages' access rules: a reader's token never sees a draft, an
officer's sees their own work in progress, the Economy Cell's sees everything."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from reporting.api.tokens import issue_token
from tests.reporting.api.conftest import every_page
from tests.security.test_url_walk import MARKER, SECRET_VALUE, drafts  # noqa: F401  (the planted drafts)

pytestmark = pytest.mark.django_db

LISTS = ["strategies", "objectives", "sub-strands", "kpis", "periods", "returns", "figures", "plan-updates"]


def crawl(client):
    """Every answer of every list, and every answer's own address too."""
    texts, found = [], {}
    for name in LISTS:
        results, pages = every_page(client, f"/api/v1/{name}/?page_size=50")
        texts += pages
        found[name] = results
        for result in results[:3]:
            response = client.get(f"/api/v1/{name}/{result['id']}/")
            assert response.status_code == 200 and response.json() == result
            texts.append(response.content.decode())
    return found, "\n".join(texts)


@pytest.mark.parametrize("reader", ["cabinet", "scrutiny"])
def test_a_readers_token_sees_no_draft_anywhere(drafts, api_for, reader):  # noqa: F811
    found, text = crawl(api_for(reader))
    assert MARKER not in text
    assert SECRET_VALUE not in text.replace(",", "")
    assert found["returns"] and {r["state"] for r in found["returns"]} <= {"approved", "published"}
    assert found["figures"] and all(f["approved"] for f in found["figures"])
    assert {u["state"] for u in found["plan-updates"]} <= {"approved", "published"}
    assert found["kpis"] and found["periods"]


def test_the_economy_cells_token_sees_the_drafts_the_readers_do_not(drafts, api_for):  # noqa: F811
    found, text = crawl(api_for("coordinator"))
    assert MARKER in text
    assert {r["state"] for r in found["returns"]} >= {"draft", "submitted", "returned", "published"}
    assert {u["state"] for u in found["plan-updates"]} >= {"draft", "submitted"}


def test_an_officers_token_sees_their_own_drafts_only(drafts, api_for):  # noqa: F811
    found, _ = crawl(api_for("officer"))  # leads housing and planning, not tourism
    drafts_seen = {r["sub_strand"] for r in found["returns"] if r["state"] not in ("approved", "published")}
    assert drafts_seen == {"housing", "planning"}
    draft_figures = {f["sub_strand"] for f in found["figures"] if not f["approved"]}
    assert draft_figures == {"housing", "planning"}


def test_a_figure_says_what_it_is_for_and_when_it_was_reported(sefton, api_for):
    figures, _ = every_page(api_for("cabinet"), "/api/v1/figures/?kpi=HOU-02")
    assert figures
    figure = figures[0]
    assert figure["kpi"] == "HOU-02" and figure["sub_strand"] == "housing"
    assert figure["reported_in"] == "2023-24-q1"
    assert figure["rag"] in ("red", "amber", "green", None)
    assert figure["rag_label"] == (figure["rag"].capitalize() if figure["rag"] else None)
    assert {"value", "value_text", "data_for", "data_for_end", "commentary"} <= figure.keys()


def test_kpis_come_with_their_targets_and_never_their_provenance_notes(sefton, api_for):
    from kpis.models import KPI

    kpis, texts = every_page(api_for("cabinet"), "/api/v1/kpis/?code=HOU-02")
    assert len(kpis) == 1 and kpis[0]["targets"]
    assert {"financial_year", "kind", "value", "is_primary"} <= kpis[0]["targets"][0].keys()
    notes = [n for n in KPI.objects.exclude(source_notes="").values_list("source_notes", flat=True)]
    all_kpis, all_texts = every_page(api_for("cabinet"), "/api/v1/kpis/?page_size=1000")
    assert notes and not any(note in "".join(all_texts) for note in notes)
    assert "source_notes" not in all_kpis[0]


def test_no_token_or_a_bad_one_is_refused_with_401_and_the_way_to_send_one(sefton):
    for headers in [{}, {"Authorization": "Bearer ses_nonsense"}, {"Authorization": "Bearer"},
                    {"Authorization": "Bearer a b"}]:
        response = Client(headers=headers).get("/api/v1/returns/")
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response["Cache-Control"] == "private, max-age=0"
        assert response.json()["detail"]


def test_a_user_with_no_role_is_refused_with_403(sefton):
    nobody = get_user_model().objects.create_user("nobody")
    secret = issue_token(user=nobody, name="no role").secret
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/kpis/")
    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


def test_answers_are_private_to_the_tokens_user(sefton, api_for):
    client = api_for("cabinet")
    for url in ["/api/v1/kpis/", "/api/v1/kpis/999999/", "/api/v1/openapi.json", "/api/v1/no-such-thing/"]:
        response = client.get(url)
        assert response["Cache-Control"] == "private, max-age=0", url
        assert response["Content-Type"].startswith(("application/json", "application/vnd.oai.openapi+json")), url
    assert "Authorization" in client.get("/api/v1/kpis/")["Vary"]


def test_pages_and_bad_parameters(sefton, api_for):
    client = api_for("cabinet")
    first = client.get("/api/v1/kpis/?page_size=5").json()
    assert len(first["results"]) == 5 and first["count"] > 5 and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert {k["id"] for k in first["results"]}.isdisjoint({k["id"] for k in second["results"]})
    for query, name in [("page_size=0", "page_size"), ("page_size=1001", "page_size"), ("page=abc", "page"),
                        ("page=-1", "page"), ("state=bogus", "state"), ("financial_year=twenty", "financial_year")]:
        url = "/api/v1/periods/?" + query
        response = client.get(url)
        assert response.status_code == 400, url
        assert name in response.json()["errors"], url
    assert client.get("/api/v1/kpis/?page=9999").status_code == 404
    assert client.get("/api/v1/kpis/abc/").status_code == 404
    assert client.post("/api/v1/kpis/", {}).status_code == 405
    assert client.get("/api/v1/kpis").status_code == 200  # no trailing slash: the same list


def test_too_many_requests_are_throttled(sefton, api_for, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    client = api_for("cabinet")
    assert [client.get("/api/v1/periods/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert api_for("scrutiny").get("/api/v1/periods/").status_code == 200  # per token's user


def test_guessing_tokens_from_one_address_is_refused_after_the_limit(sefton, token_for, settings, demo_users):
    """30 wrong tokens from one address: 401 for the first 20 (API_TOKEN_FAILURE_LIMIT), then 429 with
    Retry-After, a right token from that address too; another address is unaffected, and so is a
    signed-in browser at the guessing address."""
    settings.API_TOKEN_FAILURE_LIMIT, settings.API_TOKEN_FAILURE_MINUTES = 20, 10
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    wrong = [f"ses_abcd{n:04d}_{'x' * 43}" for n in range(30)]
    answers = [guesser.get("/api/v1/kpis/", headers={"Authorization": f"Bearer {w}"}) for w in wrong]
    assert [a.status_code for a in answers] == [401] * 20 + [429] * 10
    assert 590 <= int(answers[-1]["Retry-After"]) <= 600
    assert "Try again in 10 minutes" in answers[-1].json()["detail"]
    right = token_for("cabinet")
    assert guesser.get("/api/v1/kpis/", headers={"Authorization": f"Bearer {right}"}).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.get("/api/v1/kpis/", headers={"Authorization": f"Bearer {wrong[0]}"}).status_code == 401
    assert other.get("/api/v1/kpis/", headers={"Authorization": f"Bearer {right}"}).status_code == 200
    browser = Client(REMOTE_ADDR="203.0.113.7")
    browser.force_login(demo_users["cabinet"], backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/api/v1/kpis/").status_code == 200  # no token: a signed-in session is not a guess


def test_the_guessing_address_is_the_one_sign_in_throttling_sees(sefton, token_for, settings):
    """Behind TRUSTED_PROXY_COUNT proxies, each client is counted by the address the proxy recorded."""
    settings.TRUSTED_PROXY_COUNT, settings.API_TOKEN_FAILURE_LIMIT = 1, 3
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    wrong = {"Authorization": f"Bearer ses_abcd0000_{'x' * 43}"}
    first = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", **balancer)
    assert [first.get("/api/v1/kpis/", headers=wrong).status_code for _ in range(4)] == [401, 401, 401, 429]
    second = Client(HTTP_X_FORWARDED_FOR="203.0.113.8", **balancer)
    assert second.get("/api/v1/kpis/", headers={"Authorization": f"Bearer {token_for('cabinet')}"}).status_code == 200


def test_the_openapi_document_describes_every_resource(sefton, api_for):
    response = api_for("cabinet").get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {f"/api/v1/{name}/" for name in LISTS} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerToken"]["description"]}
    assert Client().get("/api/v1/openapi.json").status_code == 401


@pytest.mark.parametrize("name", ["figures", "returns", "plan-updates", "kpis"])
def test_a_list_costs_the_same_queries_whatever_its_length(sefton, drafts, api_for, name):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for("coordinator")
    client.get("/api/v1/periods/")  # the token's "last used" is written on its first use
    counts = []
    for size in (20, 200):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/{name}/?page_size={size}").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    # a KPI's summary (reporting.kpi_summaries): its figures (3), changes of process (1), and a figure's KPIs' targets
    assert counts[0] <= {"kpis": 9, "figures": 14}.get(name, 8), counts


def test_an_empty_choice_or_number_is_refused_but_an_empty_text_is_no_filter(sefton, api_for):
    client = api_for("cabinet")
    for url in ["/api/v1/returns/?state=", "/api/v1/periods/?financial_year=", "/api/v1/sub-strands/?objective_id=",
                "/api/v1/kpis/?page="]:
        assert client.get(url).status_code == 400, url
    assert client.get("/api/v1/kpis/?code=").json()["count"] == client.get("/api/v1/kpis/").json()["count"]
