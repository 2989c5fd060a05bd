"""The accessibility statement, privacy notice and cookies page: they exist, every page's footer
links to them (the sign-in page's included), the council's name on them comes from the data, and
what they claim about the product is checked against the product."""
import html
import re
from pathlib import Path

import pytest
from django.test import Client

from objectives.models import Council
from reporting.legal import content
from tests.security.test_url_walk import PUBLIC_PAGES, all_urls, public_urls

ROOT = Path(__file__).resolve().parents[3]
FOOTER = ['href="/accessibility/"', 'href="/privacy/"', 'href="/cookies/"']


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/", "/cookies/"])
def test_the_pages_open_for_everyone(sefton, client, client_for, url):
    for who in (client, client_for("cabinet")):
        response = who.get(url)
        assert response.status_code == 200
        assert all(link in response.content.decode() for link in FOOTER)


def test_every_page_links_to_them_in_its_footer(sefton, client_for):
    checked = 0
    for who in (Client(), client_for("coordinator")):
        for url, name in all_urls() + [(u, None) for u in public_urls()]:
            if name in {"logout"} or name in PUBLIC_PAGES:
                continue
            response = who.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            footer = response.content.decode().split('<footer', 1)[-1]
            assert all(link in footer for link in FOOTER), f"{url} has no footer links"
            checked += 1
    assert checked > 20
    sign_in = Client().get("/accounts/login/").content.decode().split("<footer", 1)[1]
    assert all(link in sign_in for link in FOOTER)
    for page in ("/404-nowhere/",):
        assert all(link in Client().get(page).content.decode() for link in FOOTER)


def test_the_councils_name_comes_from_the_data(sefton, client):
    Council.objects.update(name="Anytown Borough Council")
    for url in ["/accessibility/", "/privacy/", "/cookies/", "/public/", "/public/kpis/HOU-02/", "/public/data/"]:
        text = client.get(url).content.decode()
        assert "Anytown Borough Council" in text, url
    assert "Anytown Borough Council" in client.get("/public/data/datapackage.json").json()["title"]


def test_no_council_is_named_in_the_code_of_these_pages():
    for folder in ["reporting/public", "reporting/legal", "templates/reporting/public", "templates/reporting/legal"]:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".html"}:
                assert "sefton" not in path.read_text().lower(), path


def test_the_cookies_page_lists_every_cookie_a_visit_sets(sefton, demo_users, client):
    """Sign in, save something (a message), read the public pages and sign out: every cookie set
    is on the cookies page, and the page lists no cookie the product never sets."""
    set_names = set()

    def note(response):
        set_names.update(response.cookies.keys())
        return response

    note(client.get("/accounts/login/"))
    note(client.post("/accounts/login/", {"username": "coordinator", "password": "coordinator-demo-pass"}))
    for url in ["/", "/dashboard/", "/public/", "/public/data/figures.csv", "/accessibility/"]:
        note(client.get(url))
    from objectives.models import ReportingPeriod

    note(client.post(f"/periods/{ReportingPeriod.objects.get(slug='2023-24-q2').slug}/briefing/edit/",
                     {"title": "Q2", "purpose": "P", "recommendations": "R", "background": "B", "governance": "G",
                      "progress_introduction": "I", "version": "0"}))
    note(client.get("/periods/2023-24-q2/briefing/"))
    note(client.post("/accounts/logout/"))
    listed = {c.name for c in content.cookies()}
    assert set_names and set_names <= listed, set_names - listed
    assert listed <= set_names | {"messages"}, listed - set_names  # messages: when a message outgrows the session
    page = client.get("/cookies/").content.decode()
    for name in listed:
        assert f"<code>{name}</code>" in page
    assert "essential" in page


def test_the_statement_reports_the_axe_core_version_the_tests_run():
    import axe_playwright_python

    bundled = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()[:200]
    assert re.search(r"axe v(\d+\.\d+\.\d+)", bundled).group(1) == content.AXE_CORE_VERSION


def test_every_page_the_statement_lists_is_checked_by_the_browser_tests():
    sources = "\n".join(p.read_text() for p in (ROOT / "tests" / "browser").glob("test_*.py"))
    # (a label written "… at {width} px" names its page before " at ")
    checked = {re.sub(r" at $", "", label) for label in re.findall(r'axe_check\(page, f?"([^"{]+)', sources)}
    from tests.browser.test_public_pages import PUBLIC_PAGES as CHECKED_PUBLIC

    checked |= {label for label, _ in CHECKED_PUBLIC}
    listed = {label for label, *_ in content.AXE_CHECKED_PAGES}
    assert listed <= checked, listed - checked
    assert checked <= listed, checked - listed  # and the statement leaves none out


def test_the_statement_says_what_was_tested_and_the_known_issues(sefton, client):
    page = html.unescape(client.get("/accessibility/").content.decode())  # "the owner's review form"
    assert f"axe-core {content.AXE_CORE_VERSION}" in page and "partially compliant" in page
    assert "How accessible this website is" in page and "Enforcement procedure" in page
    for label, *_ in content.AXE_CHECKED_PAGES:
        assert label[:1].upper() + label[1:] in page
