"""The risk register's pages (issue 26 point 4): the register (filters, sort, pages, CSV), a risk's
page, the heat map, risks outside appetite on the dashboard and in what needs attention, and the
header's link. A reader never sees a draft review or its score; nobody signed out sees any risk."""
import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from objectives.council import council
from objectives.models import ReportingPeriod, Strategy, SubStrand
from reporting.models import Risk, RiskAction, RiskBand, RiskCategory, RiskLevel, RiskMatrix, RiskReview

MARKER = "ZZDRAFTRISKMARKER"


def make_risk(strategy, reference, *, title=None, owner=None, category=None, objective=None, sub_strand=None,
              inherent=(5, 4), target=(2, 2), exempt=False, order=1):
    return Risk.objects.create(
        strategy=strategy, reference=reference, title=title or f"Risk {reference}", cause="funding is cut",
        effect="the programme stops", owner=owner, owner_title="Head of Service", category=category,
        objective=objective, sub_strand=sub_strand, inherent_likelihood=inherent[0], inherent_impact=inherent[1],
        target_likelihood=target[0], target_impact=target[1], controls="Quarterly budget monitoring", exempt=exempt,
        order=order)


def review(risk, period, state, likelihood, impact, *, commentary="Reviewed.", direction="stable"):
    return RiskReview.objects.create(risk=risk, period=period, state=state, current_likelihood=likelihood,
                                     current_impact=impact, direction=direction, commentary=commentary)


@pytest.fixture
def world(sefton, demo_users):
    """Q1 and Q2: SR1 approved in Q1 at 4 x 4 = 16 (outside appetite) with a draft Q2 review at 5 x 5 and
    a marker; SR2 approved at 2 x 2 = 4 in both; SR3 exempt, approved at 3 x 3 = 9; SR4 only a draft."""
    strategy = Strategy.objects.order_by("pk").first()
    q1, q2 = ReportingPeriod.objects.get(slug="2023-24-q1"), ReportingPeriod.objects.get(slug="2023-24-q2")
    matrix = RiskMatrix.for_council(council())
    finance = RiskCategory.objects.create(matrix=matrix, name="Financial")
    housing = SubStrand.objects.get(slug="housing")
    sr1 = make_risk(strategy, "SR1", title="Loss of external funding", owner=demo_users["officer"], category=finance,
                    objective=housing.objective, sub_strand=housing)
    RiskAction.objects.create(risk=sr1, description="Find match funding", owner="Finance lead", status="in_progress")
    sr1.kpis.add(*housing.kpis.all()[:1])
    review(sr1, q1, "approved", 4, 4, commentary="Funding bids under way.", direction="increasing")
    review(sr1, q2, "draft", 5, 5, commentary=f"{MARKER} the draft", direction="increasing")
    sr2 = make_risk(strategy, "SR2", title="Skills shortage", owner=demo_users["officer2"], order=2)
    review(sr2, q1, "approved", 2, 2)
    review(sr2, q2, "approved", 2, 2)
    sr3 = make_risk(strategy, "SR3", title="Exempt commercial risk", exempt=True, order=3)
    review(sr3, q1, "approved", 3, 3)
    sr4 = make_risk(strategy, "SR4", title=f"{MARKER} not yet reviewed", order=4)
    review(sr4, q2, "draft", 5, 4, commentary=MARKER)
    return {"strategy": strategy, "q1": q1, "q2": q2, "matrix": matrix, "finance": finance, "sr1": sr1, "sr2": sr2,
            "sr3": sr3, "sr4": sr4, "housing": housing}


def text(response):
    return response.content.decode()


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# -- who sees what -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["cabinet", "scrutiny"])
def test_a_reader_never_sees_a_draft_review_or_its_score(world, client_for, reader):
    client = client_for(reader)
    pages = ["/risks/", "/risks/?_export=csv", "/risks/?period=2023-24-q2", "/risks/heat-map/",
             "/risks/heat-map/?period=2023-24-q2", world["sr1"].get_absolute_url(), "/dashboard/",
             "/dashboard/?period=2023-24-q2"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content).decode() if response.streaming else text(response)
        assert MARKER not in content, url
        assert "= 25" not in content and "(5) = " not in content, f"a draft's score at {url}"
    page = text(client.get(world["sr1"].get_absolute_url()))
    assert "Funding bids under way." in page and "= 16" in page and "Not yet approved" not in page
    response = client.get(world["sr4"].get_absolute_url())  # only a draft: no risk for a reader
    assert response.status_code == 403 and "no approved review yet" in text(response) and MARKER not in text(response)


@pytest.mark.django_db
def test_staff_see_the_draft_review_marked_as_such(world, client_for):
    page = text(client_for("coordinator").get(world["sr1"].get_absolute_url()))
    assert MARKER in page and "= 25" in page and "Not yet approved" in page
    register = text(client_for("coordinator").get("/risks/"))
    assert "SR4" in register and "Not yet approved" in register


@pytest.mark.django_db
def test_nobody_signed_out_sees_any_risk(world):
    client = Client()
    for url in ["/risks/", "/risks/?_export=csv", "/risks/heat-map/", world["sr3"].get_absolute_url(),
                world["sr1"].get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        assert "Exempt commercial risk" not in text(response)


# -- the register ----------------------------------------------------------------------------------


def references(response):
    rows = csv_rows(response)
    return [row[0] for row in rows[1:]]


@pytest.mark.django_db
def test_the_register_lists_each_risk_with_its_scores_in_words(world, client_for):
    page = text(client_for("cabinet").get("/risks/"))
    for words in ["SR1", "Loss of external funding", "Olivia Officer, Head of Service", "4 × 4 = 16", "High",
                  "Risk increasing", "2 × 2 = 4", "Low", "Outside risk appetite (above 9)", "Within risk appetite (up to 9)"]:
        assert words in page, words
    rows = csv_rows(client_for("cabinet").get("/risks/?_export=csv"))
    assert rows[0] == ["Reference", "Risk", "Owner", "Current score", "Direction of travel", "Target score", "Appetite",
                       "Next review"]
    sr1 = next(row for row in rows if row[0] == "SR1")
    assert sr1[3] == "Likely (4) x Major (4) = 16, High" or ("16" in sr1[3] and "High" in sr1[3])
    assert sr1[6].startswith("Outside")


@pytest.mark.django_db
def test_the_register_filters_by_appetite_band_owner_category_objective_and_cell(world, client_for, demo_users):
    client = client_for("coordinator")
    assert references(client.get("/risks/?_export=csv&appetite=outside")) == ["SR1", "SR4"]  # 25 (draft) and 16
    assert references(client.get("/risks/?_export=csv&appetite=within")) == ["SR2", "SR3"]
    high = RiskBand.objects.get(matrix=world["matrix"], name="High")
    assert references(client.get(f"/risks/?_export=csv&period=2023-24-q1&band={high.pk}")) == ["SR1"]
    assert references(client.get(f"/risks/?_export=csv&owner={demo_users['officer2'].pk}")) == ["SR2"]
    assert references(client.get(f"/risks/?_export=csv&category={world['finance'].pk}")) == ["SR1"]
    assert references(client.get(f"/risks/?_export=csv&objective={world['housing'].objective_id}")) == ["SR1"]
    assert references(client.get(f"/risks/?_export=csv&sub_strand={world['housing'].pk}")) == ["SR1"]
    assert references(client.get("/risks/?_export=csv&min_score=9")) == ["SR1", "SR3", "SR4"]
    assert references(client.get("/risks/?_export=csv&period=2023-24-q1&likelihood=4&impact=4")) == ["SR1"]
    cell = text(client.get("/risks/?period=2023-24-q1&likelihood=4&impact=4"))
    assert "Showing the risks scored Likely (4) × Major (4) as at 2023/24 Q1, from the heat map." in cell
    # a reader: by the approved score only
    assert references(client_for("cabinet").get("/risks/?_export=csv&appetite=outside")) == ["SR1"]


@pytest.mark.django_db
def test_a_bad_filter_is_named_and_changes_nothing(world, client_for):
    response = client_for("cabinet").get("/risks/?owner=999999&band=nonsense&min_score=lots&period=1999-q9")
    assert response.status_code == 200
    page = text(response)
    assert "Choose an owner from the list" in page and "Choose a band from the list" in page
    assert "Enter the lowest score as a whole number" in page and "Choose a period from the list" in page
    assert client_for("cabinet").get("/risks/heat-map/?period=nonsense").status_code == 200


@pytest.mark.django_db
def test_the_register_sorts_by_current_score(world, client_for):
    rows = csv_rows(client_for("coordinator").get("/risks/?_export=csv&sort=-current"))
    assert [row[0] for row in rows[1:]] == ["SR1", "SR4", "SR3", "SR2"]  # 25, 20, 9, 4


@pytest.mark.django_db
def test_the_csv_makes_no_formula_of_a_title(world, client_for):
    world["sr2"].title = "=HYPERLINK(\"http://evil\")"
    world["sr2"].save()
    rows = csv_rows(client_for("cabinet").get("/risks/?_export=csv"))
    assert next(row for row in rows if row[0] == "SR2")[1].startswith("'=")


@pytest.mark.django_db
def test_the_register_is_paged(world, client_for):
    for i in range(30):
        make_risk(world["strategy"], f"X{i:02}", order=10 + i)
    page = text(client_for("coordinator").get("/risks/"))
    assert "govuk-pagination" in page and "X20" in page and "X21" not in page
    assert "X29" in text(client_for("coordinator").get("/risks/?page=2"))


def register_queries(client, url="/risks/"):
    assert client.get(url).status_code == 200
    cache.clear()  # the dashboard's content built, not served from what readers' pages keep
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_register_and_heat_map_run_the_same_queries_at_two_sizes(world, client_for, demo_users):
    client = client_for("coordinator")
    urls = ("/risks/", "/risks/heat-map/", world["sr1"].get_absolute_url(), "/dashboard/?period=2023-24-q2")
    small = [register_queries(client, url) for url in urls]
    for i in range(25):
        risk = make_risk(world["strategy"], f"Y{i:02}", owner=demo_users["officer"], category=world["finance"],
                         order=20 + i)
        RiskAction.objects.create(risk=risk, description="Act", status="not_started")
        review(risk, world["q1"], "approved", 1 + i % 5, 1 + (i // 5) % 5)
        review(risk, world["q2"], "draft", 1 + (i + 1) % 5, 1 + (i // 5) % 5)
    large = [register_queries(client, url) for url in urls]
    assert large == small


# -- a risk's page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_risks_page_says_all_of_it(world, client_for):
    page = text(client_for("cabinet").get(world["sr1"].get_absolute_url()))
    for words in ["Loss of external funding", "If funding is cut, then the programme stops", "Olivia Officer",
                  "Financial", world["housing"].full_name, "Almost certain (5) × Major (4) = 20",  # inherent
                  "Likely (4) × Major (4) = 16", "Unlikely (2) × Minor (2) = 4",  # current, target
                  "Quarterly budget monitoring", "Find match funding", "Finance lead", "In progress",
                  "Funding bids under way.", "2023/24 Q1", "Scores over time"]:
        assert words in page, words
    kpi = world["sr1"].kpis.first()
    assert kpi.code in page and "Variation" in page
    assert "Exempt: not for publication" not in page
    assert "Exempt: not for publication" in text(client_for("cabinet").get(world["sr3"].get_absolute_url()))


@pytest.mark.django_db
def test_an_unknown_risk_is_not_found(world, client_for):
    client = client_for("coordinator")
    assert client.get(f"/risks/{world['strategy'].slug}/NOPE/").status_code == 404
    assert client.get("/risks/no-such-strategy/SR1/").status_code == 404


# -- the heat map ----------------------------------------------------------------------------------


def expected_counts(placements):
    found = {}
    for cell in placements:
        found[cell] = found.get(cell, 0) + 1
    return found


def shown_counts(page):
    return {(cell.likelihood.value, cell.impact.value): (cell.count, cell.before) for _, cells in page.rows for cell in cells}


@pytest.mark.django_db
def test_the_heat_map_counts_each_cell_beside_the_period_before_on_a_5_x_5(world, client_for):
    response = client_for("cabinet").get("/risks/heat-map/?period=2023-24-q2")
    page = response.context["page"]
    assert len(page.rows) == 5 and all(len(cells) == 5 for _, cells in page.rows)
    # a reader, as at Q2: SR1's latest approved is Q1 (4, 4); SR2 (2, 2); SR3 (3, 3). As at Q1: the same three.
    now = expected_counts([(4, 4), (2, 2), (3, 3)])
    before = expected_counts([(4, 4), (2, 2), (3, 3)])
    for key, (count, was) in shown_counts(page).items():
        assert (count, was) == (now.get(key, 0), before.get(key, 0)), key
    html = text(response)
    assert "Likelihood: Almost certain (5)" in html and "Impact: Severe (5)" in html
    assert "(1 last period)" in html and "16, High" in html and "25, Very high" in html
    assert "/risks/?period=2023-24-q2&amp;likelihood=4&amp;impact=4" in html
    staff = client_for("coordinator").get("/risks/heat-map/?period=2023-24-q2").context["page"]
    assert shown_counts(staff)[(5, 5)] == (1, 0) and shown_counts(staff)[(4, 4)] == (0, 1)


@pytest.fixture
def four_by_four(world):
    """The council's matrix made 4 x 4 in its own words, with three bands."""
    matrix = world["matrix"]
    matrix.levels.all().delete()
    matrix.bands.all().delete()
    for axis, names in [("likelihood", ["Remote", "Possible", "Probable", "Highly likely"]),
                        ("impact", ["Limited", "Noticeable", "Serious", "Critical"])]:
        for value, name in enumerate(names, start=1):
            RiskLevel.objects.create(matrix=matrix, axis=axis, value=value, name=name)
    for order, (name, low, high, colour) in enumerate([("Tolerable", 1, 3, "green"), ("Watch", 4, 8, "amber"),
                                                       ("Act now", 9, 16, "red")], start=1):
        RiskBand.objects.create(matrix=matrix, name=name, lowest_score=low, highest_score=high, colour=colour, order=order)
    matrix.appetite_score = 6
    matrix.save()
    return matrix


@pytest.mark.django_db
def test_the_heat_map_on_a_4_x_4_matrix_in_the_councils_words(world, four_by_four, client_for):
    response = client_for("cabinet").get("/risks/heat-map/?period=2023-24-q1")
    page = response.context["page"]
    assert len(page.rows) == 4 and all(len(cells) == 4 for _, cells in page.rows)
    now = expected_counts([(4, 4), (2, 2), (3, 3)])
    for key, (count, was) in shown_counts(page).items():
        assert count == now.get(key, 0), key
        assert was is None  # Q1 is the first period: nothing before it
    html = text(response)
    assert "Likelihood: Highly likely (4)" in html and "Impact: Critical (4)" in html and "16, Act now" in html
    assert "Almost certain" not in html
    register = text(client_for("cabinet").get("/risks/"))
    assert "Highly likely" not in register  # the table says the numbers; the band in the council's words
    assert "Act now" in register and "Outside risk appetite (above 6)" in register


# -- the dashboard and what needs attention ---------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_lists_risks_outside_appetite_and_needs_attention_cites_them(world, client_for):
    cache.clear()
    response = client_for("cabinet").get("/dashboard/?period=2023-24-q2")
    html = text(response)
    assert "Risks outside appetite as at 2023/24 Q2: 1" in html
    assert f'href="{world["sr1"].get_absolute_url()}"' in html
    line = next(line for line in response.context["data"].attention.lines if line.risk is not None)
    assert line.rule.key == "outside_appetite" and line.url == world["sr1"].get_absolute_url()
    assert line.words == ("scored Likely (4) x Major (4) = 16, High for 2023/24 Q1, above the appetite of 9: "
                          "outside appetite.")
    assert not line.is_draft
    cache.clear()
    staff = client_for("coordinator").get("/dashboard/?period=2023-24-q2")
    lines = [line for line in staff.context["data"].attention.lines if line.risk is not None]
    assert [line.risk.reference for line in lines] == ["SR1", "SR4"] and all(line.is_draft for line in lines)


@pytest.mark.django_db
def test_a_review_approved_reaches_the_readers_kept_dashboard(world, client_for, demo_users):
    from reporting.risks.services import approve_review

    reader = client_for("cabinet")
    assert "SR4" not in text(reader.get("/dashboard/?period=2023-24-q2"))  # built and kept
    draft = RiskReview.objects.get(risk=world["sr4"])
    draft.state = "submitted"
    draft.save()
    approve_review(review=draft, by=demo_users["approver"])
    page = text(reader.get("/dashboard/?period=2023-24-q2"))
    assert "Risks outside appetite as at 2023/24 Q2: 2" in page and world["sr4"].get_absolute_url() in page


@pytest.mark.django_db
def test_a_strategy_without_risks_shows_no_risk_panel(sefton, client_for):
    assert "Risks outside appetite" not in text(client_for("cabinet").get("/dashboard/"))


@pytest.mark.django_db
def test_the_header_links_to_the_register(world, client_for):
    assert 'href="/risks/"' in text(client_for("cabinet").get("/dashboard/"))


# -- the fuzz: hostile values in every parameter of the three pages --------------------------------

FUZZ_PARAMETERS = ["period", "owner", "objective", "sub_strand", "category", "band", "appetite", "min_score", "likelihood",
                   "impact", "sort", "page", "_export", "strategy"]


@pytest.mark.django_db
def test_hostile_parameters_get_an_answer_below_500_and_change_nothing(world, client_for):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.security.test_fuzz_forms import NASTY

    client = client_for("cabinet")
    addresses = ["/risks/", "/risks/heat-map/", world["sr1"].get_absolute_url()]
    before = list(RiskReview.objects.order_by("pk").values_list("pk", "state", "current_likelihood", "current_impact"))
    values = st.one_of(st.sampled_from(NASTY), st.text(max_size=20), st.integers(-2**70, 2**70).map(str))

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(address=st.sampled_from(addresses), query=st.dictionaries(st.sampled_from(FUZZ_PARAMETERS), values, max_size=4))
    def fuzz(address, query):
        response = client.get(address, query)
        assert response.status_code in (200, 400, 404), (address, query, response.status_code)  # 400: a NUL in the address
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in content

    fuzz()
    assert list(RiskReview.objects.order_by("pk").values_list("pk", "state", "current_likelihood", "current_impact")) == before
