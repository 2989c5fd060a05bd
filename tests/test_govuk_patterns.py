"""GOV.UK's patterns on every page (issue 27): a form's errors in the error summary and beside the field,
never in a banner; "Error: " before the title of a page with errors, once; a character count where
text is limited, its limit asked from the form; the anonymous 404 page links only to pages a visitor
who has not signed in can open; a meta description on every page."""
import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kpis.models import REASON_MAX_LENGTH
from reporting.returns.forms import COMMENTARY_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from tests.reporting._returns_support import housing_return

ROOT = Path(__file__).resolve().parent.parent

# -- no banner for a form's validation -------------------------------------------------------------

# The only messages.error calls left, each where no form was filled in: a button (no fields) whose step
# can no longer be taken, or a sign-in that failed at Microsoft. A form's errors go to form.add_error
# (a non-field error in the error summary, a field's beside it).
BANNER_ALLOWED = {
    ("reporting/returns/views.py", "_refused"): "a return's step refused on a button (Approve, Submit): its reason on the return",
    ("reporting/returns/views.py", "close_period"): "the Close button on the calendar: no form",
    ("reporting/returns/views.py", "remind"): "the Send a reminder button: no form",
    ("reporting/returns/views.py", "remind_everyone"): "the Remind everyone outstanding button: no form",
    ("reporting/plans/views.py", "_refused"): "an update's step that can no longer be taken at all (moved on): said on its page",
    ("reporting/briefings/views.py", "_refused"): "a briefing's step that can no longer be taken (issued meanwhile): said on it",
    ("reporting/risks/views.py", "_decide"): "a risk review's step refused on a button (Submit, Approve, Send back) because the review moved on: said on the review (the send-back reason's own errors are beside its box)",
    ("reporting/api/pages.py", "rotate"): "the Rotate button of a token no longer active: no form",
    ("reporting/variation/views.py", "remove_change_of_process"): "the Remove button of a change of process: no form",
    ("sso/backend.py", "refuse"): "single sign-on refused by the council's directory: no form of ours",
    ("sso/views.py", "login_failure"): "single sign-on failed at Microsoft: no form of ours",
}


def banner_errors():
    """{(file, function): line} of every messages.error call in the product's code."""
    found = {}
    for folder in ("reporting", "objectives", "kpis", "sso"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "error"
                            and isinstance(node.func.value, ast.Name) and node.func.value.id == "messages"):
                        found.setdefault((str(path.relative_to(ROOT)), function.name), node.lineno)
    return found


def test_no_view_says_a_forms_validation_in_a_banner():
    found = banner_errors()
    unexplained = sorted(set(found) - set(BANNER_ALLOWED))
    assert not unexplained, f"messages.error for what may be a form's validation (use form.add_error): {unexplained}"
    assert set(found) == set(BANNER_ALLOWED), f"listed but gone, take it off the list: {sorted(set(BANNER_ALLOWED) - set(found))}"


def error_summary(html):
    assert 'class="govuk-error-summary"' in html and "There is a problem" in html
    return html.split('govuk-error-summary__list">')[1].split("</ul>")[0]


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.django_db
def test_a_bulk_approval_with_nothing_chosen_says_so_in_the_summary_and_beside_the_boxes(demo_users, client_for):
    housing_return(demo_users, "submitted")
    response = client_for("approver").post(reverse("review-approve"), {})
    html = response.content.decode()
    assert response.status_code == 200
    summary = error_summary(html)
    assert '<a href="#id_returns">Select at least one return to approve</a>' in summary
    beside = html.split('id="id_returns-error" class="govuk-error-message">')[1].split("</p>")[0]
    assert "Select at least one return to approve" in beside
    assert "govuk-notification-banner" not in html  # no blue "Important" banner
    assert title_of(html).startswith("Error: Review queue – ")


@pytest.mark.django_db
def test_a_send_back_of_a_return_changed_meanwhile_is_said_beside_the_form(demo_users, client_for):
    ret = housing_return(demo_users, "submitted")
    response = client_for("approver").post(reverse("return-send-back", args=["2023-24-q2", "housing"]),
                                           {"version": ret.version - 1, "comment": "Say more about Q2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This return has been changed since you opened it" in error_summary(html)
    assert "Say more about Q2" in html  # what they wrote is kept
    assert "govuk-notification-banner" not in html


# -- "Error: " titles ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_page_with_errors_says_error_first_in_its_title_once(demo_users, client_for):
    housing_return(demo_users, "submitted")
    approver = client_for("approver")
    url = reverse("return-send-back", args=["2023-24-q2", "housing"])
    refused = title_of(approver.post(url, {"version": "1", "comment": ""}).content.decode())
    assert refused.startswith("Error: Return Housing 2023/24 Q2 for changes – Economic Strategy Tracker")
    assert refused.count("Error") == 1
    assert "Error" not in title_of(approver.get(url).content.decode())


@pytest.mark.django_db
def test_the_sign_in_page_with_a_wrong_password_says_error_first_in_its_title(demo_users):
    response = Client().post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert title_of(response.content.decode()).startswith("Error: ")


# -- character counts ------------------------------------------------------------------------------

def counts_of(html):
    """{textarea id: (data-maxlength, the limit said under it)} of every character count on a page."""
    found = {}
    for group in re.findall(r'<div class="govuk-form-group govuk-character-count[^"]*" id="([^"]+)-group" '
                            r'data-module="govuk-character-count" data-maxlength="(\d+)">', html):
        field_id, limit = group
        said = re.search(rf'<div id="{field_id}-info" class="govuk-hint govuk-character-count__message">You can enter up to '
                         rf'([\d,]+) characters</div>', html)
        found[field_id] = (int(limit), said.group(1) if said else None)
        assert f'aria-describedby="{field_id}-info' in html and "govuk-js-character-count" in html
    return found


@pytest.mark.django_db
def test_a_returns_commentary_and_reasons_count_their_characters_to_the_forms_limits(demo_users, client_for):
    html = client_for("officer").get(reverse("return", args=["2023-24-q2", "housing"])).content.decode()
    counts = counts_of(html)
    assert counts["id_commentary"] == (COMMENTARY_MAX_LENGTH, "10,000")
    reasons = {k: v for k, v in counts.items() if k.endswith("-override_reason")}
    assert reasons and set(reasons.values()) == {(SHORT_TEXT_MAX_LENGTH, "2,000")}


@pytest.mark.django_db
def test_a_change_of_process_reason_counts_to_the_models_limit(sefton):
    from kpis.models import KPI
    from objectives.models import ReportingPeriod
    from reporting.variation.forms import ChangeOfProcessForm

    form = ChangeOfProcessForm(kpi=KPI.objects.get(code="HOU-02"), periods=list(ReportingPeriod.objects.all()))
    assert counts_of(str(form))["id_reason"] == (REASON_MAX_LENGTH, "2,000")


def test_no_template_writes_a_character_limit():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "data-maxlength" not in text and "govuk-character-count" not in text, template


# -- the anonymous 404 page ------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(href.split("#")[0])


@pytest.mark.django_db
@pytest.mark.parametrize("public_pages", [True, False])
def test_the_anonymous_404_page_links_only_to_pages_a_visitor_can_open(sefton, settings, public_pages):
    settings.PUBLIC_PAGES = public_pages
    visitor = Client()
    response = visitor.get("/no-such-page/")
    assert response.status_code == 404
    links = Links()
    links.feed(response.content.decode())
    assert reverse("login") in links.hrefs
    assert (reverse("public-dashboard") in links.hrefs) is public_pages
    for href in set(links.hrefs):
        answer = visitor.get(href)
        assert answer.status_code == 200, f"the 404 page links to {href}, which answers {answer.status_code} to a visitor"


@pytest.mark.django_db
def test_a_signed_in_404_page_offers_the_overview(client_for):
    response = client_for("cabinet").get("/no-such-page/")
    assert f'href="{reverse("home")}"' in response.content.decode()


# -- meta descriptions -----------------------------------------------------------------------------

def description_of(html):
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.django_db
@pytest.mark.parametrize("user, url", [
    ("approver", "/"), ("approver", "/dashboard/"), ("approver", "/review/"), ("officer", "/my-returns/"),
    ("cabinet", "/dashboard/"), (None, "/accounts/login/"), (None, "/accessibility/"), (None, "/no-such-page/"),
])
def test_every_page_has_a_meta_description(client_for, user, url):
    client = client_for(user) if user else Client()
    html = client.get(url).content.decode()
    description = description_of(html)
    assert len(description) > 30 and "{" not in description


@pytest.mark.django_db
def test_a_page_says_its_own_summary_in_its_description(client_for):
    approver = client_for("approver")
    default = description_of(approver.get("/").content.decode())
    assert description_of(approver.get("/dashboard/").content.decode()) != default
    assert description_of(Client().get("/no-such-page/").content.decode()) == "There is no page at this address."
