"""A change of process (issue 25, point 2): the Economy Cell records for a KPI that its process
changed from a period, with a reason; the KPI's variation limits are recalculated from that figure on
(kpis.spc, as plotthedots' `recalc`/`rebase` and the SQL's "RebasePoint"), the page says where and
why; the step (reporting.steps RECORD_CHANGE_OF_PROCESS) is the Economy Cell's only, and bad input is
refused with a message, saving nothing. The history keeps who recorded and removed it."""
import datetime
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from kpis import spc
from kpis.models import KPI, ChangeOfProcess, Measurement
from objectives.models import ReportingPeriod
from reporting.steps import RECORD_CHANGE_OF_PROCESS, WHO
from tests.factories import approved_figures

# 8 quarters alternating 10, 13 (mean 11.5), then 8 alternating 20, 23 (mean 21.5): every moving
# range within a half is 3, so each half's limits are its mean ± 2.66 × 3 = ± 7.98:
#   before the change: 11.5 − 7.98 = 3.52 and 11.5 + 7.98 = 19.48;
#   from the change:   21.5 − 7.98 = 13.52 and 21.5 + 7.98 = 29.48.
# Taken together instead: mean 16.5, moving ranges 14 × 3 and one 7 (13 to 20), mean 49 / 15 = 3.2667,
# limits 16.5 ± 8.69 = 7.81 and 25.19.
FIGURES = [10, 13] * 4 + [20, 23] * 4
REASON = "From 2020/21 Q1 the figure counts homes from the new Local Plan monitoring system, not council tax records."


@pytest.fixture
def sixteen_quarters(sefton, demo_users):
    hou02 = KPI.objects.get(code="HOU-02")
    quarters = [(year, number) for year in range(2018, 2022) for number in range(1, 5)]
    figures = []
    for (year, number), value in zip(quarters, FIGURES):
        period = ReportingPeriod.objects.create(financial_year=year, number=number, state="closed")
        figures.append(Measurement.objects.create(kpi=hou02, period=period, value=Decimal(value), data_for=period.label,
                                                  data_for_end=datetime.date(year + 1, 3, 31)))
    approved_figures(*figures)
    return hou02


def change_from(slug):
    return ReportingPeriod.objects.get(slug=slug)


def variation_rows(html):
    part = html[html.index('id="kpi-variation"'):]
    part = part[:part.index("</table>")]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', part, re.S)[1:]


def cells(row):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_chart_recalculates_its_limits_from_the_change_and_says_where_and_why():
    series = [(f"P{i}", Decimal(v)) for i, v in enumerate(FIGURES, start=1)]
    chart = spc.xmr(series, direction="higher", recalculate_at=[8], reasons={8: REASON}, n=6)
    last, first = chart.points[-1], chart.points[0]
    assert (spc.rounded(last.mean), spc.rounded(last.lower_limit), spc.rounded(last.upper_limit)) == (
        Decimal("21.50"), Decimal("13.52"), Decimal("29.48"))  # from the later segment only
    assert (spc.rounded(first.mean), spc.rounded(first.lower_limit), spc.rounded(first.upper_limit)) == (
        Decimal("11.50"), Decimal("3.52"), Decimal("19.48"))  # the earlier figures keep their own limits
    assert chart.changes == (spc.ChangePoint(8, "P9", REASON),)
    together = spc.xmr(series, direction="higher", n=6)
    assert (spc.rounded(together.points[-1].lower_limit), spc.rounded(together.points[-1].upper_limit)) == (
        Decimal("7.81"), Decimal("25.19"))
    assert together.changes == ()


def test_the_kpi_page_shows_limits_from_the_change_on_and_says_where_and_why(sixteen_quarters, client_for):
    ChangeOfProcess.objects.create(kpi=sixteen_quarters, period=change_from("2020-21-q1"), reason=REASON)
    html = client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode()
    rows = variation_rows(html)
    assert len(rows) == 16
    assert cells(rows[0])[2:5] == ["11.5", "3.52", "19.48"]  # after the figure and its target
    assert cells(rows[-1])[2:5] == ["21.5", "13.52", "29.48"]
    assert "limits recalculated from here: change of process" in rows[8] and "2020/21 Q1" in rows[8]
    assert "recalculated" not in rows[7]
    said = html[html.index('id="changes-of-process"'):]
    said = said[:said.index("</ul>")]
    assert "A change of process from 2020/21 Q1" in said and "worked out again from the 2020/21 Q1 figure on" in said
    assert "Local Plan monitoring system" in said


def test_without_a_change_the_limits_are_the_whole_series(sixteen_quarters, client_for):
    rows = variation_rows(client_for("cabinet").get(reverse("kpi", args=["HOU-02"])).content.decode())
    assert cells(rows[-1])[2:5] == ["16.5", "7.81", "25.19"]


# -- the step: the Economy Cell's, refused to anyone else with the reason where the link would be ----


@pytest.mark.parametrize("who", ["officer", "cabinet", "approver"])
def test_the_step_is_refused_to_others_with_the_reason_where_the_link_would_be(sixteen_quarters, client_for, demo_users, who):
    refusal = RECORD_CHANGE_OF_PROCESS.refusal(demo_users[who], sixteen_quarters)
    assert refusal is not None and refusal.check == WHO
    assert "cannot record or remove a change of process for a KPI" in refusal.reason
    client = client_for(who)
    html = client.get(reverse("kpi", args=["HOU-02"])).content.decode()
    assert 'id="change-of-process-refused"' in html and "cannot record or remove a change of process" in html
    assert 'id="record-change-of-process"' not in html
    url = reverse("kpi-change-of-process", args=["HOU-02"])
    assert client.get(url).status_code == 403
    period = change_from("2020-21-q1")
    assert client.post(url, {"period": str(period.pk), "reason": REASON}).status_code == 403
    assert not ChangeOfProcess.objects.exists()


def test_the_economy_cell_records_and_removes_a_change_kept_in_the_history(sixteen_quarters, client_for, demo_users):
    client = client_for("coordinator")
    html = client.get(reverse("kpi", args=["HOU-02"])).content.decode()
    assert 'id="record-change-of-process"' in html and 'id="change-of-process-refused"' not in html
    url = reverse("kpi-change-of-process", args=["HOU-02"])
    period = change_from("2020-21-q1")
    response = client.post(url, {"period": str(period.pk), "reason": REASON})
    assert response.status_code == 302
    change = ChangeOfProcess.objects.get()
    assert (change.kpi, change.period, change.reason, change.recorded_by) == (
        sixteen_quarters, period, REASON, demo_users["coordinator"])
    page = client.get(url).content.decode()
    assert "From 2020/21 Q1" in page and "Local Plan monitoring system" in page
    remove = reverse("kpi-change-of-process-remove", args=["HOU-02", change.pk])
    assert client_for("officer").post(remove).status_code == 403 and ChangeOfProcess.objects.exists()
    assert client.post(remove).status_code == 302
    assert not ChangeOfProcess.objects.exists()
    entries = LogEntry.objects.get_for_model(ChangeOfProcess).order_by("timestamp")
    assert [(e.action, e.actor) for e in entries] == [
        (LogEntry.Action.CREATE, demo_users["coordinator"]), (LogEntry.Action.DELETE, demo_users["coordinator"])]
    again = client.post(remove, follow=True).content.decode()
    assert "removed already" in again


# -- bad input: a message, nothing saved ------------------------------------------------------------


@pytest.mark.parametrize("case, says", [
    ("no reason", "Give the reason for the change of process"),
    ("blank reason", "Give the reason for the change of process"),
    ("long reason", "The reason must be 2,000 characters or fewer"),
    ("no period", "Choose the period from which the process changed"),
    ("the first figure", "Choose a period with a figure of HOU-02, after its first"),
    ("a period with no figure", "Choose a period with a figure of HOU-02, after its first"),
    ("not a period", "Choose a period with a figure of HOU-02, after its first"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(sixteen_quarters, client_for, case, says):
    period = change_from("2020-21-q1")
    post = {
        "no reason": {"period": str(period.pk), "reason": ""},
        "blank reason": {"period": str(period.pk), "reason": "   \n  "},
        "long reason": {"period": str(period.pk), "reason": "x" * 2001},
        "no period": {"period": "", "reason": REASON},
        "the first figure": {"period": str(change_from("2018-19-q1").pk), "reason": REASON},
        "a period with no figure": {"period": str(change_from("2023-24-q2").pk), "reason": REASON},
        "not a period": {"period": "99999", "reason": REASON},
    }[case]
    response = client_for("coordinator").post(reverse("kpi-change-of-process", args=["HOU-02"]), post)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and says in html
    assert not ChangeOfProcess.objects.exists()


def test_a_second_change_from_the_same_period_is_refused(sixteen_quarters, client_for):
    period = change_from("2020-21-q1")
    ChangeOfProcess.objects.create(kpi=sixteen_quarters, period=period, reason=REASON)
    response = client_for("coordinator").post(reverse("kpi-change-of-process", args=["HOU-02"]),
                                              {"period": str(period.pk), "reason": "again"})
    assert response.status_code == 200 and "Choose a period with a figure of HOU-02" in response.content.decode()
    assert ChangeOfProcess.objects.count() == 1


def test_the_kpi_pages_queries_do_not_grow_with_its_changes_of_process(sixteen_quarters, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("cabinet")
    url = reverse("kpi", args=["HOU-02"])
    client.get(url)
    counts = []
    for slug in ("2019-20-q1", "2020-21-q1", "2021-22-q1"):
        ChangeOfProcess.objects.create(kpi=sixteen_quarters, period=change_from(slug), reason=REASON)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_the_public_kpi_page_says_where_the_limits_were_recalculated_and_offers_nothing(sixteen_quarters):
    from django.test import Client

    ChangeOfProcess.objects.create(kpi=sixteen_quarters, period=change_from("2020-21-q1"), reason=REASON)
    ReportingPeriod.objects.filter(financial_year__lt=2022).update(state="published")  # the figures are approved
    html = Client().get("/public/kpis/HOU-02/").content.decode()
    assert 'id="record-change-of-process"' not in html and 'id="change-of-process-refused"' not in html
    assert len(variation_rows(html)) == 16 and "A change of process from 2020/21 Q1" in html
