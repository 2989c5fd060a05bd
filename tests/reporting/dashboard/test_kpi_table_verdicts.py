"""The dashboard's KPI table: Making Data Count's variation and assurance (icon and words) and the two
statuses, now and forecast at the year's end, for planted KPIs; sorted and filtered by each, in the
CSV in words; a contextual KPI has its variation but no RAG status; a reader's table is never
moved by a draft figure."""
import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod
from objectives.roles import Role
from reporting.models import QuarterlyReturn
from tests.factories import KPIFactory, ObjectiveFactory, StrategyFactory, SubStrandFactory, TargetFactory, UserFactory

STEADY = [100, 102, 98] * 4 + [100]  # 13 figures: common cause, limits about 100 ± 8.9
BELOW = STEADY + [60]  # the latest below the lower limit
ABOVE = STEADY + [140]  # the latest above the upper limit


@pytest.fixture
def planted(db):
    strategy = StrategyFactory()
    # A name of its own: the factory's "Objective <n>" counts the objectives made before it in this process, and
    # a draft's figure (10) must be found nowhere in what a reader sees.
    sub = SubStrandFactory(objective=ObjectiveFactory(strategy=strategy, name="Growth"), name="Housing")
    quarters = []
    fy, q = 2020, 1
    for _ in range(14):  # 2020/21 Q1 to 2023/24 Q2
        quarters.append(ReportingPeriod.objects.create(strategy=strategy, financial_year=fy, number=q, state="published"))
        fy, q = (fy, q + 1) if q < 4 else (fy + 1, 1)
        QuarterlyReturn.objects.create(sub_strand=sub, period=quarters[-1], state="published", overall_rag="green")

    def plant(code, values, *, target, rag, kind="targeted", draft=None):
        kpi = KPIFactory(sub_strand=sub, code=code, title=f"{code} title", kind=kind, cadence="quarterly")
        if target is not None:
            TargetFactory(kpi=kpi, financial_year=2023, value=target)
        for i, (period, value) in enumerate(zip(quarters, values)):
            latest = i == len(values) - 1
            Measurement.objects.create(
                kpi=kpi, period=period, value=Decimal(value), rag_calculated=rag if latest else "",
                frozen_rag=rag if latest else "", frozen_at=timezone.now(), commentary="Explained.",
                frozen_target=target if latest else None, frozen_target_kind="corporate" if latest and target else "")
        if draft is not None:  # a draft figure for the next quarter: readers never see it
            Measurement.objects.create(kpi=kpi, period=quarters[len(values)], value=Decimal(draft), rag_calculated="red",
                                       commentary="")
        return kpi

    plant("K-CON", BELOW, target=100, rag="red")  # concerning; hit or miss; forecast Red
    plant("K-IMP", ABOVE, target=50, rag="green")  # improving; consistently passing
    plant("K-FLAT", STEADY + [101], target=200, rag="red")  # common cause; consistently failing
    plant("K-CTX", ABOVE, target=None, rag="", kind=KPI.Kind.CONTEXTUAL)  # contextual: variation, no RAG
    plant("K-DRAFT", STEADY, target=100, rag="green", draft=10)  # a draft 14th figure far below the limit
    return sub


def login(role):
    client = Client()
    client.force_login(UserFactory(role=role), backend="django.contrib.auth.backends.ModelBackend")
    return client


def table_of(client, **params):
    html = client.get(reverse("dashboard"), {"kpis": "all", **params}).content.decode()
    start = html.index('id="kpi-table"')
    table = html[start:html.index("</table>", start)]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)
    return {re.search(r">(K-[A-Z]+)</a>", row).group(1): row for row in rows if re.search(r">(K-[A-Z]+)</a>", row)}, table


def codes(client, **params):
    return list(table_of(client, **params)[0])


def words(row):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_the_kpi_table_shows_each_kpis_variation_assurance_and_two_statuses(planted):
    rows, table = table_of(login(Role.READER))
    for heading in ("Variation", "Assurance", "Status now", "Forecast at year end"):
        assert f">{heading}<" in table or f">{heading}</a>" in table
    assert "Special cause: concerning" in words(rows["K-CON"]) and "Hit or miss" in words(rows["K-CON"])
    assert "Special cause: improving" in words(rows["K-IMP"]) and "Consistently passing" in words(rows["K-IMP"])
    assert "Common cause" in words(rows["K-FLAT"]) and "Consistently failing" in words(rows["K-FLAT"])
    # each icon with its words beside it, the icon hidden from screen readers
    assert re.search(r'<svg[^>]*aria-hidden="true".*?</svg><span class="app-mdc__words">Special cause: concerning</span>', rows["K-CON"], re.S)
    # now, and forecast at the year's end (a straight line through the latest four: 60 pulls it below the target)
    assert re.search(r"Red</strong>.*Red</strong> <span[^>]*>\(computed projection\)", rows["K-CON"], re.S)
    assert re.search(r"Green</strong>.*Green</strong> <span[^>]*>\(computed projection\)", rows["K-IMP"], re.S)


def test_a_contextual_kpi_shows_its_variation_but_no_rag_status(planted):
    row = words(table_of(login(Role.READER))[0]["K-CTX"])
    assert "Special cause: improving" in row
    assert row.count("Contextual: not rated") == 2  # now and at the year's end
    assert not re.search(r"\b(Red|Amber|Green)\b", row)
    assert "Consistently" not in row and "Hit or miss" not in row


def test_the_kpi_table_sorts_by_variation_assurance_and_both_statuses(planted):
    client = login(Role.READER)
    assert codes(client, sort="variation") == ["K-CON", "K-CTX", "K-IMP", "K-DRAFT", "K-FLAT"]
    assert codes(client, sort="-variation")[0] in ("K-FLAT", "K-DRAFT")
    assert codes(client, sort="assurance")[:3] == ["K-FLAT", "K-CON", "K-DRAFT"]  # failing, hit or miss ×2
    assert codes(client, sort="assurance")[3] == "K-IMP"  # passing, then the contextual KPI (none)
    assert codes(client, sort="rag")[:2] == ["K-CON", "K-FLAT"]
    assert codes(client, sort="year_end")[-1] == "K-CTX"  # no forecast last


def test_the_kpi_table_filters_by_variation_assurance_and_both_statuses(planted):
    client = login(Role.READER)
    assert codes(client, variation="concerning") == ["K-CON"]
    assert codes(client, variation="improving") == ["K-CTX", "K-IMP"]
    assert codes(client, assurance="passing") == ["K-IMP"]
    assert codes(client, assurance="failing") == ["K-FLAT"]
    assert codes(client, now="red") == ["K-CON", "K-FLAT"]
    assert codes(client, year_end="green") == ["K-IMP"]
    assert codes(client, variation="improving", assurance="passing") == ["K-IMP"]
    # without "All KPIs" the table keeps its rows (off target or overdue), narrowed by the filter
    assert codes(client, kpis="", variation="concerning") == ["K-CON"]
    assert codes(client, kpis="", variation="improving") == []


def test_the_csv_says_the_verdicts_and_statuses_in_words(planted):
    response = login(Role.READER).get(reverse("dashboard"), {"kpis": "all", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    head = rows[0]
    by_code = {row[0]: dict(zip(head, row)) for row in rows[1:]}
    assert by_code["K-CON"]["Variation"] == "Special cause variation: concerning"
    assert by_code["K-CON"]["Assurance"] == "Hit or miss: the target may or may not be met"
    assert by_code["K-CON"]["Status now"] == "Red"
    assert by_code["K-CON"]["Forecast at year end"] == "Red (computed projection)"
    assert by_code["K-CTX"]["Status now"] == "Contextual: not rated"
    assert by_code["K-CTX"]["Variation"] == "Special cause variation: improving (higher)" or \
        by_code["K-CTX"]["Variation"].startswith("Special cause variation: improving")
    assert "<svg" not in response.content.decode("utf-8-sig")


def test_a_reader_never_sees_a_drafts_influence_on_the_verdicts(planted):
    reader = table_of(login(Role.READER))[0]
    assert "Common cause" in words(reader["K-DRAFT"]) and "10" not in words(reader["K-DRAFT"]).split()
    assert "K-DRAFT" not in codes(login(Role.READER), variation="concerning")
    coordinator = table_of(login(Role.COORDINATOR), period=ReportingPeriod.objects.order_by("-financial_year", "-number")[0].slug)[0]
    assert "Special cause: concerning" in words(coordinator["K-DRAFT"])  # those who see drafts see its effect, labelled


def test_the_sub_strand_page_shows_each_kpis_variation_and_assurance_icon_and_words(planted):
    html = login(Role.READER).get(planted.get_absolute_url()).content.decode()
    rows = {re.search(r">(K-[A-Z]+) ", row).group(1): row for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)
            if re.search(r">(K-[A-Z]+) ", row)}
    assert re.search(r'<svg[^>]*aria-hidden="true".*?</svg><span class="app-mdc__words">Special cause: concerning</span>', rows["K-CON"], re.S)
    assert "Hit or miss" in words(rows["K-CON"])
    assert "Special cause: improving" in words(rows["K-IMP"]) and "Consistently passing" in words(rows["K-IMP"])
    assert "Special cause: improving" in words(rows["K-CTX"]) and "Contextual: not rated" in words(rows["K-CTX"])
    assert "Consistently" not in words(rows["K-CTX"])
    assert "Common cause" in words(rows["K-DRAFT"])  # the reader's: the draft figure moves nothing
    coordinator = login(Role.COORDINATOR).get(planted.get_absolute_url()).content.decode()
    assert "Special cause: concerning" in coordinator[coordinator.index(">K-DRAFT "):]


def test_the_public_pages_show_the_same_verdicts_for_published_data(planted):
    from django.test import Client as Anonymous

    period = ReportingPeriod.objects.filter(strategy=planted.objective.strategy).order_by("-financial_year", "-number")[0]
    public = Anonymous()
    html = public.get(reverse("public-quarter", args=[period.slug])).content.decode()
    start = html.index('id="kpi-table"')
    table = html[start:html.index("</table>", start)]
    row = next(r for r in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S) if ">K-CON</a>" in r)
    assert re.search(r'<svg[^>]*aria-hidden="true".*?</svg><span class="app-mdc__words">Special cause: concerning</span>', row, re.S)
    assert "Hit or miss" in words(row) and "Red (computed projection)" in words(row)
    page = public.get(reverse("public-kpi", args=["K-CON"])).content.decode()
    verdict = page[page.index('id="variation-verdict"'):page.index("</dl>", page.index('id="variation-verdict"'))]
    assert "Special cause variation: concerning" in verdict and "<svg" in verdict
    sub = public.get(reverse("public-sub-strand", args=[planted.slug])).content.decode()
    assert "Special cause: concerning" in sub and "Special cause: concerning" not in sub[sub.index(">K-DRAFT "):]


def test_a_choice_not_in_the_list_is_named_and_the_table_left_unfiltered(planted):
    response = login(Role.READER).get(reverse("dashboard"), {"kpis": "all", "variation": "bogus", "year_end": "purple"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a variation from the list" in html and "Choose Red, Amber or Green" in html
    assert set(codes(login(Role.READER), kpis="all", variation="bogus")) == {"K-CON", "K-IMP", "K-FLAT", "K-CTX", "K-DRAFT"}
