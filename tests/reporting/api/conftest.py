import pytest
from django.core.cache import cache
from django.test import Client

from reporting.api.tokens import issue_token


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The API's throttle counts in the cache: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_for(demo_users):
    """A new API token's secret for a demo user: token_for("cabinet")."""

    def make(username, **kwargs):
        return issue_token(user=demo_users[username], name=f"{username}'s report", **kwargs).secret

    return make


@pytest.fixture
def api_for(token_for):
    """A test client that sends a demo user's bearer token with every request: api_for("cabinet")."""

    def make(username):
        return Client(headers={"Authorization": f"Bearer {token_for(username)}"})

    return make


def every_page(client, url):
    """Every answer of a list, page by page (as Power BI follows `next`), and the raw texts."""
    results, texts = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        texts.append(response.content.decode())
        body = response.json()
        results.extend(body["results"])
        url = body["next"]
    return results, texts
