"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

No browser is ever downloaded: Playwright is pointed at /usr/bin/chromium (CHROMIUM_PATH), which
`make test` installs with apt-get when it is missing.
"""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (creating data, checking results) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not os.path.exists(path):
        pytest.fail(f"Chromium is not installed at {path}: run `make test`, which installs Debian's chromium.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core (a current release, bundled by axe-playwright-python) on the page: no WCAG 2.x A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label=""):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
        violations = results.response["violations"]
        summary = [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
            for v in violations
        ]
        assert summary == [], f"axe found WCAG violations on {label or page.url}:\n" + "\n".join(summary)
        return results

    return check


@pytest.fixture
def sign_in(page):
    def do(username, password=None):
        from tests.conftest import DEMO_PASSWORDS

        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or DEMO_PASSWORDS[username])
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        return page

    return do
