"""Every table's key and status columns in view, at 1280 and 375 px, with one period of figures and
with four or more: on every page of the journeys (tests/browser/test_whole_year_pages.py's list),
the public pages, the import preview, the API tokens page and the admin's document templates, each
table's first column is in view, its caption is not cut, and each status (a tag: a RAG, a state, a
movement; or a cell of a column headed Status, State, RAG or After the import) is either in view or,
in the table's labelled scroll region, narrow enough to be scrolled fully into view beside the
first column; every region starts at its left. One browser, the pages in a loop."""
import datetime
import io

import openpyxl
import pytest
from django.test import Client

from reporting.api.tokens import issue_token
from reporting.synthetic import add_synthetic_history
from tests.browser.test_whole_year_pages import JOURNEYS, a_year_under_way  # noqa: F401 (a fixture)
from tests.conftest import DEMO_PASSWORDS
from tests.reporting.workbooks.test_import_roundtrip import cell_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]
PUBLIC = ["/public/", "/public/quarters/2023-24-q2/briefing/", "/public/sub-strands/housing/", "/public/kpis/HOU-02/",
          "/public/data/"]
MORE = {"coordinator": ["/account/api-tokens/"], "admin": ["/admin/reporting/documenttemplate/", "/account/api-tokens/"],
        "cabinet": PUBLIC}
# The pages whose tables grow with the periods: walked again once four more quarters are there.
WITH_PERIODS = {"coordinator": ["/dashboard/", "/calendar/", "/review/", "/sub-strands/housing/", "/kpis/HOU-02/"],
                "cabinet": ["/dashboard/", "/public/", "/public/kpis/HOU-02/"]}

# What is out of view, as sentences; [] when every table shows its key and its statuses.
CHECK = r"""
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page is ${doc.scrollWidth} px wide`);
  const statusHeading = /^(status|overall status|status now|state|rag|after the import|movement)\b/i;
  document.querySelectorAll('table.govuk-table').forEach((table, n) => {
    if (!table.offsetParent) return;
    const name = (table.caption ? table.caption.textContent : `table ${n + 1}`).trim().replace(/\s+/g, ' ').slice(0, 60);
    const region = table.closest('.app-scroll-region');
    const view = region ? region.getBoundingClientRect() : {left: 0, right: doc.clientWidth};
    const say = (what) => problems.push(`${name}: ${what}`);
    if (region && (region.scrollLeft !== 0 || getComputedStyle(region).direction !== 'ltr')) say('its region does not start at its left');
    const caption = table.caption;
    if (caption && !caption.classList.contains('govuk-visually-hidden')) {
      const box = caption.getBoundingClientRect();
      if (box.right > view.right + 1 || box.left < view.left - 1 || caption.scrollWidth > caption.clientWidth + 1) say('its caption is cut');
      const line = parseFloat(getComputedStyle(caption).lineHeight) || 30;
      if (box.width < Math.min(240, view.right - view.left) && box.height > 3 * line) say('its caption is squeezed to a word a line');
    }
    const headings = table.tHead ? Array.from(table.tHead.rows[0].cells).map(c => c.textContent.trim()) : [];
    const rows = Array.from(table.tBodies).flatMap(body => Array.from(body.rows));
    rows.forEach(row => {
      const first = row.cells[0];
      if (!first) return;
      const key = first.getBoundingClientRect();
      if (first.colSpan === 1 && (key.left < view.left - 1 || key.right > view.right + 1)) say(`the first column is out of view (${first.textContent.trim().slice(0, 30)})`);
      const room = region && getComputedStyle(first).position === 'sticky' ? view.right - key.right : view.right - view.left;
      const statuses = Array.from(row.querySelectorAll('.govuk-tag, .app-movement'));
      Array.from(row.cells).forEach((cell, i) => {
        if (cell !== first && cell.colSpan === 1 && statusHeading.test(headings[i] || '')) statuses.push(cell);
      });
      statuses.forEach(status => {
        if (status === first || first.contains(status)) return;
        const box = status.getBoundingClientRect();
        const words = status.textContent.trim().replace(/\s+/g, ' ').slice(0, 30);
        if (status.scrollWidth > status.clientWidth + 1) say(`"${words}" is cut`);
        if (region ? box.width > room + 1 : (box.left < view.left - 1 || box.right > view.right + 1)) say(`"${words}" cannot be brought into view (${Math.round(box.width)} px, ${Math.round(room)} px of room)`);
        if (status.classList.contains('govuk-tag')) {
          const line = parseFloat(getComputedStyle(status).lineHeight) || 20;
          if (box.height > 1.6 * line + 12) say(`"${words}" breaks over lines`);
        }
      });
    });
  });
  return problems;
}
"""


def walk(browser, live_server, pages_by_user, label):
    problems, seen = [], set()
    for username, all_urls in pages_by_user.items():
        urls = [url for url in all_urls if url not in seen]  # a page once, as the first who reads it
        seen.update(urls)
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORDS[username])
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                response = page.goto(url)
                assert response.status == 200, (url, response.status)
                problems += [f"{url} at {width} px as {username} ({label}): {p}" for p in page.evaluate(CHECK)]
                if url == "/dashboard/" and width == 1280:
                    grid = page.evaluate("(() => { const r = document.querySelector('#status-table').closest('.app-scroll-region');"
                                         " return [r.scrollWidth, r.clientWidth]; })()")
                    if grid[0] > grid[1]:
                        problems.append(f"the dashboard's status grid is {grid[0] - grid[1]} px too wide at 1280 px ({label})")
        context.close()
    return problems


def preview_problems(browser, live_server, demo_users, tmp_path):
    """The import preview of an edited return template, at both widths."""
    client = Client()
    client.force_login(demo_users["coordinator"], backend="django.contrib.auth.backends.ModelBackend")
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/periods/2023-24-q2/return-template.xlsx").content))
    cell_of(wb, "EMP-01", "2023/24 Q2").value = 12500
    cell_of(wb, "EMP-02", "2023/24 Q2").value = "Not yet available"
    cell_of(wb, "EMP-02", "Expected date").value = datetime.datetime(2024, 3, 31)
    path = tmp_path / "returns.xlsx"
    wb.save(path)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(DEMO_PASSWORDS["coordinator"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/periods/2023-24-q2/import/")
        page.locator("input[type=file]").set_input_files(str(path))
        with page.expect_navigation():
            page.get_by_role("button", name="Upload and check the changes").click()
        assert "Check the changes before saving" in page.content()
        problems += [f"the import preview at {width} px: {p}" for p in page.evaluate(CHECK)]
    context.close()
    return problems


def test_every_tables_key_and_status_columns_are_in_view_with_one_period_and_with_four(
        browser, live_server, a_year_under_way, tmp_path):  # noqa: F811
    for who in ("coordinator", "admin"):
        issue_token(user=a_year_under_way[who], name="The council's data warehouse, read nightly")
    pages = {user: [*urls, *MORE.get(user, [])] for user, urls in JOURNEYS.items()}
    pages["admin"] = MORE["admin"]
    problems = walk(browser, live_server, pages, "one period of figures")
    problems += preview_problems(browser, live_server, a_year_under_way, tmp_path)
    add_synthetic_history(quarters=4)
    problems += walk(browser, live_server, WITH_PERIODS, "four more quarters")
    assert problems == [], "\n".join(problems)
