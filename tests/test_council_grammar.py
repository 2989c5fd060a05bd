"""The council's words with their grammar: Oakvale (tests/councils/oakvale.yaml and
oakvale_monthly.yaml), whose words begin with a vowel ("an outcome", "an action area") and whose two
strategies report half-yearly and monthly, walked as every role over the pages, documents,
workbooks, emails, the API's descriptions and the open data's dictionary: never "a outcome", never
the first customer's words or levels, never "quarter" (it has no quarterly strategy)."""
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from objectives.models import ReportingPeriod, SubStrand
from objectives.roles import Role
from reporting.loaders import load_fixture_files
from tests.security.test_url_walk import all_urls
from tests.test_any_council import SKIPPED, ReadersText, council_users, text_of
from tests.test_two_strategies import climate  # noqa: F401 (a fixture: the Climate strategy beside Sefton's)

COUNCILS = Path(__file__).parent / "councils"
OAKVALE = [COUNCILS / "oakvale.yaml", COUNCILS / "oakvale_monthly.yaml"]
# The first customer's words and levels, where Oakvale has its own.
NOT_OURS = re.compile(r"sefton|economy cell|cabinet member|sub-?strand|objective|assistant director|overview & scrutiny",
                      re.IGNORECASE)
# "a" before one of Oakvale's words (they all begin with a vowel).
NO_ARTICLE = re.compile(r"\b[Aa] (?:outcome|action area|area lead|insight team|executive director|elected member|"
                        r"overview panel)", re.IGNORECASE)
# "quarter" (not a KPI's cadence among the others, "quarterly, half_yearly", nor "Q1 2023/24" where
# the council typed it as the period a figure is for).
# The admin: its labels, help texts and its own chrome (breadcrumbs, "Add outcome", "3 outcomes").
ADMIN_NOT_OURS = re.compile(r"sefton|economy cell|cabinet member|sub-?strand|assistant director|overview & scrutiny|"
                            r"\bthe objective\b|strategic objective|sub strand", re.IGNORECASE)
QUARTER = re.compile(r"quarter(?!ly, half_yearly)|\bQ[1-4]\b(?! 2023/24)", re.IGNORECASE)
ROLES = {"lead": Role.OFFICER, "team": Role.COORDINATOR, "head": Role.APPROVER, "member": Role.READER,
         "boss": Role.ADMINISTRATOR}
WALKS = [  # the half-year published and the one open, and the monthly strategy's open month
    {"period": "2023-24-h1", "period_slug": "2023-24-h1", "sub_strand": "indoor-market", "sub_strand_slug": "indoor-market",
     "slug": "indoor-market", "code": "IM-01", "kpi_code": "IM-01", "year": "2023", "plan": "market-plan",
     "plan_slug": "market-plan", "update": "2023-09", "update_slug": "2023-09", "action": "1", "number": "1"},
    {"period": "2023-24-h2", "period_slug": "2023-24-h2", "sub_strand": "adult-skills", "sub_strand_slug": "adult-skills",
     "slug": "adult-skills", "code": "EH-01", "kpi_code": "EH-01", "year": "2024", "dataset": "statuses", "fmt": "json"},
    {"period": "2023-24-m02", "period_slug": "2023-24-m02", "sub_strand": "repairs", "sub_strand_slug": "repairs",
     "slug": "repairs", "code": "REP-01", "kpi_code": "REP-01", "dataset": "figures", "fmt": "csv"},
]
PLAN = {"plan": "market-plan", "plan_slug": "market-plan", "update": "2023-09", "update_slug": "2023-09", "action": "1",
        "number": "1"}  # one action plan: each walk its pages (never the sample's, not found here)
SKIPPED_HERE = SKIPPED + ("/api/v1/openapi.json",)  # the API's document: its own test, below
# The pages with no period in their address, for the monthly strategy (chosen last: it is remembered).
MONTHLY_PAGES = ["/?strategy=estates-repairs", "/dashboard/?strategy=estates-repairs", "/calendar/?strategy=estates-repairs"]


class WordsOnly(ReadersText):
    """A page's words, without what it shows as code (a data file's column names: `objective_name`)."""

    def handle_starttag(self, tag, attrs):
        if tag == "code":
            self.skip += 1
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "code" and self.skip:
            self.skip -= 1
        super().handle_endtag(tag)


def words_of(response):
    """What a reader gets in words: a page's text, a document's or a workbook's, and of a data file
    (JSON, CSV, the API's schema) its values and descriptions, not its names or addresses."""
    kind = response.get("Content-Type", "")
    if "html" in kind:
        reader = WordsOnly()
        reader.feed(response.content.decode("utf-8"))
        return " ".join(reader.parts)
    if "json" in kind:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return re.sub(r"\* `\w+` - [^*\n]*", " ", " ".join(_values(json.loads(body))))  # the values a field takes
    text = text_of(response)
    if "csv" in kind:
        text = text.split("\n", 1)[-1]  # the header row is the columns' names
    return re.sub(r"(?:https?://[^\s\"]+|/[\w\-./?=&]+/)", " ", text)


def _values(data, key=None):
    if isinstance(data, dict):
        for k, value in data.items():
            yield from _values(value, k)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value, key)
    elif isinstance(data, str) and not re.match(r"^(?:https?:/)?/", data) and key not in (
            "$ref", "slug", "name", "operationId", "format", "type", "pattern", "in", "path", "url", "enum",
            "required"):  # "required": a schema's list of its fields' names
        yield data


def problems_in(where, text, *, quarters_allowed=False):
    found = []
    for rule in (NOT_OURS, NO_ARTICLE) + (() if quarters_allowed else (QUARTER,)):
        for match in rule.finditer(text):
            found.append(f"{where}: {match.group(0)!r} in …{text[max(0, match.start() - 70):match.end() + 40]}…")
    return found


@pytest.fixture
def oakvale(db, settings):
    settings.PUBLIC_PAGES = True
    load_fixture_files(OAKVALE)
    return council_users(ROLES, "oakvale.example")


def test_the_words_take_their_article_number_and_case(oakvale):
    from objectives.council import terms

    words = terms()
    assert (words.objective.a, words.objective.A, words.sub_strand.a) == ("an outcome", "An outcome", "an action area")
    assert (words.sub_strand.count(1), words.sub_strand.count(2)) == ("1 action area", "2 action areas")
    assert (words.objective.all, words.coordinator.a, words.coordinator.A) == ("All outcomes", "the Insight Team", "The Insight Team")
    assert words.approver.a == "an Executive Director" and words.reader.a == "an Elected Member"


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_document_and_export_as_each_role_speaks_in_oakvales_words(oakvale, username):
    client = Client()
    client.force_login(oakvale[username], backend="django.contrib.auth.backends.ModelBackend")
    urls = sorted({url for overrides in WALKS for url, _ in all_urls(**{**PLAN, **overrides})})
    wrong, walked = [], 0
    for url in [u for u in urls if not u.endswith(SKIPPED_HERE) and not u.startswith("/accounts/")] + MONTHLY_PAGES:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code not in (200, 403):
            continue
        walked += 1
        wrong += problems_in(url, words_of(response))
    assert wrong == [], f"{len(wrong)} found:\n" + "\n".join(wrong)
    assert walked >= 40, walked


def test_the_dashboards_filter_asks_for_an_outcome(oakvale):
    client = Client()
    client.force_login(oakvale["member"], backend="django.contrib.auth.backends.ModelBackend")
    page = words_of(client.get("/dashboard/?objective=999"))
    assert "Choose an outcome from the list" in page and "All outcomes" in page


def test_every_email_speaks_in_oakvales_words(oakvale, settings):
    from reporting import notifications
    from reporting.models import Briefing, QuarterlyReturn
    from reporting.outbox import send_pending

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    team, head, lead = oakvale["team"], oakvale["head"], oakvale["lead"]
    for period, sub, briefing in [("2023-24-h2", "indoor-market", "2023-24-h1"), ("2023-24-m02", "repairs", "2023-24-m01")]:
        period = ReportingPeriod.objects.get(slug=period)
        ret, _ = QuarterlyReturn.objects.update_or_create(period=period, sub_strand=SubStrand.objects.get(slug=sub), defaults={
            "state": "submitted", "submitted_at": timezone.now(), "return_comment": "Add the latest figure."})
        notifications.period_opened(period, by=team)
        notifications.return_submitted(ret, by=lead)
        notifications.return_sent_back(ret, by=head)
        ret.approved_at = timezone.now()
        notifications.return_approved(ret, by=head)
        notifications.briefing_issued(Briefing.objects.get(period__slug=briefing), by=head)
        for kind in ("before", "overdue", "chase"):
            notifications.reminder(ret, key=f"test-{kind}-{sub}", kind=kind, today=timezone.localdate(), by=team)
    send_pending()  # the outbox worker's pass
    assert len(mail.outbox) >= 12
    wrong = []
    for message in mail.outbox:
        wrong += problems_in(message.subject, f"{message.subject}\n{message.body}")
    assert wrong == [], "\n".join(wrong)


def test_the_api_schema_and_the_data_dictionary_speak_in_oakvales_words(oakvale):
    client = Client()
    client.force_login(oakvale["boss"], backend="django.contrib.auth.backends.ModelBackend")
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    described = words_of(schema)
    assert "action area" in described.lower()
    dictionary = words_of(Client().get("/public/data/"))
    assert "action area" in dictionary.lower()
    wrong = problems_in("schema", described) + problems_in("data dictionary", dictionary)
    assert wrong == [], "\n".join(wrong)


def test_the_admin_speaks_in_oakvales_words(oakvale):
    from django.contrib import admin
    from django.urls import reverse

    client = Client()
    client.force_login(oakvale["boss"], backend="django.contrib.auth.backends.ModelBackend")
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model.objects.first()
        if first is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    wrong = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith(("/admin/auth/", "/admin/auditlog/")):
            continue  # permissions' and changed fields' names, as Django stores them
        text = words_of(response)
        wrong += [f"{url}: {m.group(0)!r} in …{text[max(0, m.start() - 70):m.end() + 40]}…"
                  for rule in (ADMIN_NOT_OURS, NO_ARTICLE) for m in rule.finditer(text)]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("period, sub", [("2023-24-h2", "adult-skills"), ("2023-24-m02", "empty-homes")])
def test_a_return_refused_for_what_it_lacks_says_so_in_the_periods_words(oakvale, period, sub):
    from tests.test_whole_year import post_form

    client = Client()
    client.force_login(oakvale["lead"], backend="django.contrib.auth.backends.ModelBackend")
    url = f"/periods/{period}/returns/{sub}/"
    refused = post_form(client, url, {"overall_rag": "", "commentary": ""}, css_class="app-return-form", intent="submit")
    page = words_of(refused)
    assert "Write a commentary on progress" in page
    assert problems_in(url, page) == []


def test_a_half_years_figure_for_a_quarter_is_not_called_the_same_half_year(db):
    from kpis.figures import data_lag_words
    from kpis.models import Measurement

    half_year = ReportingPeriod(financial_year=2023, number=1, cadence="half_yearly", slug="2023-24-h1")
    quarter = ReportingPeriod(financial_year=2023, number=1, cadence="quarterly", slug="2023-24-q1")
    assert data_lag_words(Measurement(period=half_year, data_for="Q1 2023/24")) == "Q1 2023/24 figure, reported in 2023/24 H1"
    assert data_lag_words(Measurement(period=half_year, data_for="2023/24 H1")) == "2023/24 H1 figure, reported in the same half-year"
    assert data_lag_words(Measurement(period=quarter, data_for="Q1 2023/24")) == "2023/24 Q1 figure, reported in the same quarter"


def test_our_older_texts_take_the_councils_article_too(oakvale):
    from objectives.council import in_words, words

    assert in_words("Choose a sub-strand, or a strategic objective") == "Choose an action area, or an outcome"
    assert in_words("A sub-strand's slug") == "An action area's slug"
    assert words("{reader.A} reads {what}; {\"json\": 1}") == "An Elected Member reads {what}; {\"json\": 1}"
    assert words("{sub_strand.all} of {approver.a}; {coordinator.a}") == "All action areas of an Executive Director; the Insight Team"


def test_a_period_word_has_its_grammar():
    from objectives import cadence

    assert (cadence.term("half_yearly").a, cadence.term("monthly").count(2)) == ("a half-year", "2 months")
    assert cadence.described({"half_yearly", "monthly"})["examples"] == "2023/24 H1 (a half-year) or April 2023 (a month)"
    assert "quarter" not in " ".join(cadence.described({"half_yearly", "monthly"}).values())


def test_a_refused_step_reads_as_a_sentence(oakvale):
    from reporting.access import refusal

    said = refusal(oakvale["lead"], "set_up_year")
    assert said.endswith("(Area lead), and that role cannot set up a new year."), said
    assert refusal(oakvale["member"], "send_back_return").endswith("cannot send back a return.")


CLIMATE_PAGES = ["/periods/2023-24-h2/returns/council-buildings/", "/periods/2023-24-h1/returns/fleet/",
                 "/periods/2023-24-h2/briefing/edit/", "/periods/2023-24-h1/briefing/", "/periods/2023-24-h1/briefing.docx",
                 "/periods/2023-24-h1/briefing.xlsx", "/periods/2023-24-h2/return-template.xlsx",
                 "/dashboard/?strategy=climate-emergency", "/calendar/?strategy=climate-emergency", "/sub-strands/fleet/",
                 "/kpis/CL-01/", "/years/2024/set-up/?strategy=climate-emergency"]


def test_a_half_yearly_strategy_beside_a_quarterly_one_never_says_quarter(climate, client_for):  # noqa: F811
    """Sefton's quarterly strategy and its half-yearly Climate strategy (tests/councils/climate.yaml):
    the half-yearly one's pages, documents and workbooks speak of half-years only."""
    wrong = []
    for who in ("coordinator", "officer"):
        client = client_for(who)
        for url in CLIMATE_PAGES:
            response = client.get(url)
            if response.status_code == 200:
                text = words_of(response)
                wrong += [f"{who} {url}: …{text[max(0, m.start() - 80):m.end() + 40]}…" for m in QUARTER.finditer(text)]
    assert wrong == [], "\n".join(wrong)


def test_an_article_is_swapped_only_where_a_word_starts(oakvale):
    from objectives.council import in_words

    assert in_words("the data sub-strand, a sub-strand") == "the data action area, an action area"
