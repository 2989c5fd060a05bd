"""The RAG dashboard: objectives and sub-strands × the last four quarters, counts, filters, the KPI table."""
import csv
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import ActionPlan, ReportingPeriod, SubStrand
from reporting.models import QuarterlyReturn
from kpis.formatting import format_kpi_value as format_number
from reporting.dashboard.selectors import dashboard
from tests.factories import approved_figures

MARKER = "ZZDRAFTONLY"


def page_text(response):
    return response.content.decode()


def rag_tags(html):
    """(colour class, word) of every RAG tag on a page."""
    return re.findall(r'<strong class="govuk-tag app-rag app-rag--(\w+)">([^<]*)</strong>', html)


def make_period(fy, q, state="published"):
    period, _ = ReportingPeriod.objects.get_or_create(financial_year=fy, number=q, defaults={"state": state})
    return period


def publish(slug, period, rag, commentary="An earlier quarter."):
    return QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug=slug), period=period, state="published",
                                          overall_rag=rag, commentary=commentary)


@pytest.fixture
def earlier_quarters(sefton):
    """2022/23 Q2–Q4, published: every sub-strand Green, except Housing Red in Q4 and Health & Wellbeing Green."""
    periods = [make_period(2022, q) for q in (2, 3, 4)]
    for period in periods:
        for sub in SubStrand.objects.all():
            rag = "red" if (sub.slug == "housing" and period.number == 4) else "green"
            publish(sub.slug, period, rag)
    return periods


@pytest.fixture
def q2_draft(sefton):
    """A draft Red return for Housing in the open quarter, with a marker in its commentary and a draft figure."""
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    ret = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period, state="draft",
                                         overall_rag="red", commentary=f"{MARKER} commentary")
    Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=period, value=Decimal("123456"),
                               data_for=MARKER, rag_calculated="red")
    return ret


# -- what it shows -----------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_sign_in(db):
    response = Client().get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_dashboard_defaults_to_the_latest_period_with_approved_returns(client_for):
    response = client_for("cabinet").get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["data"].period.slug == "2023-24-q1"  # Q2 is open but has nothing approved
    assert "RAG dashboard: 2023/24 Q1" in page_text(response)


def test_cabinet_member_sees_every_sub_strand_with_its_status_as_a_word_and_a_colour(client_for):
    response = client_for("cabinet").get(reverse("dashboard"))
    html = page_text(response)
    table = html[html.index('id="status-table"'):html.index("</table>", html.index('id="status-table"'))]
    for slug in SubStrand.objects.values_list("slug", flat=True):
        assert f'href="/sub-strands/{slug}/"' in table
    tags = rag_tags(table)
    assert tags.count(("green", "Green")) == 10
    assert tags.count(("amber", "Amber")) == 1
    data = response.context["data"]
    assert data.counts == {"red": 0, "amber": 1, "green": 10}


@pytest.mark.parametrize("url", ["/dashboard/", "/sub-strands/health-wellbeing/", "/kpis/HOU-02/",
                                 "/periods/2023-24-q1/briefing/", "/dashboard/?period=2023-24-q1&status=amber"])
def test_rag_is_never_shown_by_colour_alone(client_for, earlier_quarters, url):
    html = page_text(client_for("cabinet").get(url))
    words = {"red": "Red", "amber": "Amber", "green": "Green"}
    tags = rag_tags(html)
    assert tags, "the page shows no RAG at all"
    for colour, word in tags:
        assert word.strip(), f"a {colour} RAG tag without a word on {url}"
        if colour in words:
            assert word == words[colour]
    # every element coloured as a RAG carries one of our tags (no bare colour class elsewhere)
    assert len(re.findall(r"app-rag--(?:red|amber|green)\b", html)) == len([t for t in tags if t[0] != "none"])


def test_the_last_four_quarters_are_the_columns_with_movement_in_words(client_for, earlier_quarters):
    make_period(2022, 1)  # a fifth, older quarter: not a column
    response = client_for("cabinet").get(reverse("dashboard"))
    data = response.context["data"]
    assert [p.label for p in data.periods] == ["2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1"]
    rows = {row.sub_strand.slug: row for group in data.objectives for row in group.rows}
    housing = rows["housing"].cells
    assert [c.label for c in housing] == ["Green", "Green", "Red", "Green"]
    assert [c.movement_words for c in housing] == ["No previous status", "No change", "Worsened", "Improved"]
    assert rows["health-wellbeing"].current.movement_words == "Worsened"  # Green to Amber
    html = page_text(response)
    assert "Improved" in html and "Worsened" in html and "No change" in html
    assert '<th scope="col" class="govuk-table__header">2022/23 Q2</th>' in html  # no briefing to link to
    assert '<a class="govuk-link" href="/periods/2023-24-q1/briefing/">2023/24 Q1' in html


def test_choosing_a_period_moves_the_columns(client_for, earlier_quarters):
    data = client_for("cabinet").get(reverse("dashboard"), {"period": "2022-23-q4"}).context["data"]
    assert data.period.slug == "2022-23-q4"
    assert [p.slug for p in data.periods] == ["2022-23-q2", "2022-23-q3", "2022-23-q4"]
    assert data.counts == {"red": 1, "amber": 0, "green": 10}


def test_filters_by_objective_lead_service_and_status(client_for, sefton):
    client = client_for("cabinet")
    regenerated = sefton and SubStrand.objects.get(slug="housing").objective

    def slugs(**params):
        data = client.get(reverse("dashboard"), params).context["data"]
        return [row.sub_strand.slug for group in data.objectives for row in group.rows]

    assert slugs(objective=regenerated.pk) == ["growth-strategic-investment", "housing", "planning", "tourism"]
    assert slugs(lead_service="Public Health") == ["health-wellbeing"]
    assert slugs(status="amber") == ["health-wellbeing"]
    assert len(slugs(status="green")) == 10
    assert slugs(status="red") == []
    assert slugs(objective=regenerated.pk, status="amber") == []
    assert len(slugs(period="2023-24-q2", status="none")) == 11  # nothing approved in Q2 yet


def test_bad_filter_values_get_a_clear_message_and_never_a_500(client_for):
    response = client_for("cabinet").get(reverse("dashboard"), {"period": "1999-00-q9", "objective": "999999",
                                                                 "status": "purple", "lead_service": "<script>"})
    assert response.status_code == 200
    html = page_text(response)
    assert "There is a problem" in html
    for message in ["Choose a period from the list", "Choose a strategic objective from the list",
                    "Choose Red, Amber, Green or No approved status", "Choose a lead service from the list"]:
        assert html.count(message) == 2, message  # in the summary and beside the field
    assert "<script>" not in html  # the hostile lead service is escaped
    assert response.context["data"].period.slug == "2023-24-q1"


def test_a_readers_request_for_a_drafts_data_shows_nothing_of_it(client_for, q2_draft):
    """Each reader's page is built from what that reader may see: no draft figure, status or filter result leaks."""
    for reader in ("cabinet", "scrutiny"):
        client = client_for(reader)
        for params in [{"period": "2023-24-q2", "status": "red"}, {"period": "2023-24-q2"}, {"status": "red"},
                       {"period": "2023-24-q2", "_export": "csv"}, {"period": "2023-24-q2", "sort": "-rag"}]:
            response = client.get(reverse("dashboard"), params)
            assert response.status_code == 200
            text = response.content.decode()
            assert MARKER not in text and "123,456" not in text and "123456" not in text, (reader, params)
            if "_export" not in params:
                cache.clear()  # built for this reader, not kept from the one before (reporting.readers_cache)
                data = client.get(reverse("dashboard"), params).context["data"]
                assert data.counts["red"] == 0
                assert all(not c.is_draft for g in data.objectives for r in g.rows for c in r.cells)
                assert "Not yet approved" not in text
        response = client.get(reverse("dashboard"), {"period": "2023-24-q2", "status": "red"})
        assert "No sub-strand matches these filters" in page_text(response)


def test_the_economy_cell_sees_the_draft_clearly_labelled(client_for, q2_draft):
    client = client_for("coordinator")
    red = client.get(reverse("dashboard"), {"period": "2023-24-q2", "status": "red"}).context["data"]
    assert not [row for group in red.objectives for row in group.rows]  # a Red draft is not Red: the Red count says 0
    response = client.get(reverse("dashboard"), {"period": "2023-24-q2", "status": "not_approved"})
    data = response.context["data"]
    rows = [row for group in data.objectives for row in group.rows]
    assert [r.sub_strand.slug for r in rows] == ["housing"]
    assert rows[0].current.is_draft and rows[0].current.state_label == "Draft"
    html = page_text(response)
    assert "Not yet approved" in html
    assert data.counts["red"] == 0 and data.not_approved == 1  # a draft is not counted as a status


def test_kpi_table_lists_kpis_off_target_and_overdue_sortable_with_csv(client_for, sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    approved = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=q2,
                                              state="approved", overall_rag="amber", commentary="Approved Q2.")
    assert approved.pk
    approved_figures(Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=q2, value=Decimal("600"), data_for="2022/23",
                                        data_for_end=datetime.date(2023, 3, 31), rag_calculated="amber"),
             Measurement.objects.create(kpi=KPI.objects.get(code="HOU-01"), period=q2, not_available=True, data_for="2022/23",
                                        expected_date=datetime.date(2023, 8, 1)))
    client = client_for("cabinet")
    response = client.get(reverse("dashboard"), {"period": "2023-24-q2"})
    rows = response.context["table"].rows
    codes = [row.record.code for row in rows]
    assert codes == ["HOU-02", "HOU-01"]  # Amber first, then the overdue one (not rated)
    html = page_text(response)
    assert "Off target (Amber)" in html and "Figure overdue: expected by 1 August 2023" in html
    assert "640 (Local Plan requirement)" in html
    assert "2022/23 figure, reported in 2023/24 Q2" in html
    assert 'aria-sort="ascending"' in html  # the RAG column
    resorted = client.get(reverse("dashboard"), {"period": "2023-24-q2", "sort": "-code"})
    assert [row.record.code for row in resorted.context["table"].rows] == ["HOU-02", "HOU-01"]
    resorted = client.get(reverse("dashboard"), {"period": "2023-24-q2", "sort": "code"})
    assert [row.record.code for row in resorted.context["table"].rows] == ["HOU-01", "HOU-02"]
    download = client.get(reverse("dashboard"), {"period": "2023-24-q2", "_export": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "KPI", "Sub-strand"]
    assert rows[1][0] == "HOU-02" and "Amber" in rows[1] and "600" in rows[1]
    assert len(rows) == 3


def test_csv_cells_that_look_like_formulas_are_neutralised(client_for, sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    kpi = KPI.objects.get(code="HOU-02")
    kpi.title = "=HYPERLINK(\"http://evil\")"
    kpi.save()
    QuarterlyReturn.objects.create(sub_strand=kpi.sub_strand, period=q2, state="approved", overall_rag="red")
    approved_figures(Measurement.objects.create(kpi=kpi, period=q2, value=Decimal("1"), rag_calculated="red"))
    download = client_for("cabinet").get(reverse("dashboard"), {"period": "2023-24-q2", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


def test_selector_is_callable_without_a_request(demo_users):
    data = dashboard(user=demo_users["cabinet"], params={"status": "amber"})
    assert [r.sub_strand.slug for g in data.objectives for r in g.rows] == ["health-wellbeing"]


@pytest.mark.parametrize("value, unit, text", [
    (Decimal("35000000"), "gbp", "£35m"), (Decimal("1250000"), "gbp", "£1.25m"), (Decimal("860000"), "gbp", "£860,000"),
    (Decimal("640.000"), "number", "640"), (Decimal("1234.50"), "number", "1,234.5"), (Decimal("12.5"), "percent", "12.5%"),
    (Decimal("10000"), "sqm", "10,000 sq m"), (Decimal("80.2"), "years", "80.2 years"), (Decimal("35"), "fte", "35 FTE"),
])
def test_figures_are_written_the_uk_way(value, unit, text):
    assert format_number(value, unit) == text


# -- reachability ------------------------------------------------------------------------------


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links_of(html, base):
    parser = LinkParser()
    parser.feed(html)
    out = set()
    for href in parser.links:
        url = urlsplit(urljoin(base, href))
        if url.netloc in ("", "testserver") and not url.path.startswith(("/static/", "/admin/")):
            out.add(url.path)
    return out


def reachable(client, start, depth=2):
    seen, frontier = {start}, {start}
    for _ in range(depth):
        found = set()
        for url in frontier:
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                found |= links_of(response.content.decode(), url)
        frontier = found - seen
        seen |= found
    return seen


@pytest.mark.parametrize("username", ["cabinet", "coordinator", "approver"])
def test_every_page_is_reachable_from_the_dashboard_in_two_clicks(client_for, username, sefton):
    from reporting.models import Briefing

    Briefing.objects.create(period=ReportingPeriod.objects.get(slug="2023-24-q2"), purpose="Q2", recommendations="Note it")
    client = client_for(username)
    seen = reachable(client, reverse("dashboard"))
    wanted = {reverse("home"), reverse("briefing", args=["2023-24-q1"])}
    wanted |= {s.get_absolute_url() for s in SubStrand.objects.all()}
    wanted |= {k.get_absolute_url() for k in KPI.objects.all()}
    wanted |= {p.get_absolute_url() for p in ActionPlan.objects.all()}
    if username == "coordinator":
        wanted |= {reverse("briefing-edit", args=["2023-24-q2"]), reverse("briefing", args=["2023-24-q2"])}
    if username == "approver":  # offered once a return of Q2 is approved (reporting.steps.ISSUE_BRIEFING)
        from reporting.models import QuarterlyReturn

        QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"),
                                       period=ReportingPeriod.objects.get(slug="2023-24-q2"), state="approved",
                                       overall_rag="green", commentary="Q2")
        seen = reachable(client, reverse("dashboard"))
        wanted.add(reverse("briefing-issue", args=["2023-24-q2"]))
    missing = wanted - seen
    assert not missing, f"not reachable within two clicks of the dashboard: {sorted(missing)}"


def test_an_empty_database_gives_a_clear_page_not_an_error(db):
    from tests.factories import SubStrandFactory, UserFactory

    user = UserFactory(role="reader")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("dashboard")).status_code == 200
    SubStrandFactory()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["data"].period is None
    assert "No KPI is off target or overdue." in response.content.decode()
