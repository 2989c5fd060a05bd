"""A strategy reported monthly, end to end: its periods are months ("April 2023"), a month is
filled in, submitted, approved and its briefing issued, the dashboard reads month by month, and the
next year is set up as twelve months."""
import pytest
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.loaders import load_fixture_files
from reporting.models import QuarterlyReturn
from tests.test_whole_year import complete_return, post_form, text

MONTHLY = """
strategy: {slug: repairs, name: Housing Repairs Plan, cadence: monthly}
objectives:
  - number: 1
    name: Homes in Good Repair
    slug: homes-in-good-repair
    sub_strands:
      - slug: repairs
        name: Repairs
        order: 1
        reports_as_objective: true
        kpis:
          - {code: REP-01, title: Repairs done on time (%), unit: percent, direction: higher, cadence: monthly}
periods:
  - {financial_year: 2023, number: 1, state: published, events: [{name: Repairs Board, date: 2023-05-10}]}
  - {financial_year: 2023, number: 2, state: open, dashboard_deadline: 2023-06-07,
     events: [{name: Repairs Board, date: 2023-06-14}]}
returns:
  - period: 2023-24-m01
    sub_strand: repairs
    state: published
    overall_rag: red
    commentary: A backlog after the winter.
    measurements: [{kpi: REP-01, value: 71, data_for: April 2023}]
"""


@pytest.fixture
def monthly(demo_users, tmp_path):
    path = tmp_path / "repairs.yaml"
    path.write_text(MONTHLY, encoding="utf-8")
    load_fixture_files([path])
    SubStrand.objects.get(slug="repairs").editors.add(demo_users["officer"])


def test_a_month_end_to_end(monthly, client_for):
    officer, approver, coordinator = client_for("officer"), client_for("approver"), client_for("coordinator")
    cabinet = client_for("cabinet")
    may = "2023-24-m02"
    assert ReportingPeriod.objects.get(slug=may).long_label == "May 2023"
    page = text(officer.get(reverse("return", args=[may, "repairs"])))
    assert "Last month (April 2023)" in page and "A backlog after the winter." in page
    complete_return(officer, may, "repairs", commentary="The backlog is cleared.")
    ret = QuarterlyReturn.objects.get(period__slug=may)
    assert "Repairs May 2023 approved" in text(
        approver.post(reverse("return-approve", args=[may, "repairs"]), {"version": ret.version}, follow=True))
    edited = post_form(coordinator, reverse("briefing-edit", args=[may]), {
        "purpose": "To update the Cabinet Member on repairs.", "recommendations": "That the progress is noted."},
        css_class=None)
    assert "There is a problem" not in text(edited), text(edited).split("Skip to main content")[1][:1500]
    issued = post_form(approver, reverse("briefing-issue", args=[may]), css_class=None)
    assert "The briefing has been issued" in text(issued), text(issued).split("Skip to main content")[1][:1500]
    dashboard = text(cabinet.get(reverse("dashboard") + "?strategy=repairs"))
    assert "April 2023" in dashboard and "May 2023" in dashboard and "Improved" in dashboard  # Red → Green
    assert "in the 2 months to May 2023" in dashboard
    note = text(cabinet.get(reverse("briefing", args=[may])))
    assert "The backlog is cleared." in note and "May 2023 performance summary" in note
    assert "14 June 2023" in note.split("Governance calendar", 1)[1][:300]
    set_up = text(coordinator.get(reverse("year-set-up", args=[2024]) + "?strategy=repairs"))
    assert "April 2024" in set_up and "March 2025" in set_up
    assert "2024/25 is set up: 12 months" in text(post_form(coordinator, reverse("year-set-up", args=[2024]), css_class=None))
    assert ReportingPeriod.objects.filter(strategy__slug="repairs", financial_year=2024).count() == 12
