import pytest

from kpis.models import Measurement
from objectives.models import ReportingPeriod
from reporting.models import QuarterlyReturn
from reporting.access import visible_returns
from reporting.access import reported_measurements, visible_measurements
from reporting.returns.services import approve_return


@pytest.fixture
def q2_housing_draft(sefton, demo_users):
    from kpis.models import KPI

    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    kpi = KPI.objects.get(code="HOU-02")
    ret = QuarterlyReturn.objects.create(sub_strand=kpi.sub_strand, period=period, overall_rag="red", commentary="draft")
    m = Measurement.objects.create(kpi=kpi, period=period, value=612)
    return ret, m


def test_readers_see_no_draft_return_or_figure(q2_housing_draft, demo_users):
    ret, m = q2_housing_draft
    for reader in ("cabinet", "scrutiny"):
        user = demo_users[reader]
        assert ret not in visible_returns(user)
        assert m not in visible_measurements(user)
    assert m not in reported_measurements()


def test_officer_sees_own_draft_but_not_anothers(q2_housing_draft, demo_users):
    ret, m = q2_housing_draft
    assert m in visible_measurements(demo_users["officer"])
    assert ret in visible_returns(demo_users["officer"])
    assert m not in visible_measurements(demo_users["officer2"])
    assert ret not in visible_returns(demo_users["officer2"])


def test_economy_cell_and_approver_see_drafts(q2_housing_draft, demo_users):
    ret, m = q2_housing_draft
    for username in ("coordinator", "approver", "admin"):
        assert m in visible_measurements(demo_users[username])


def test_approval_makes_figures_visible_to_readers(q2_housing_draft, demo_users):
    ret, m = q2_housing_draft
    ret.state = "submitted"
    ret.save()
    approve_return(quarterly_return=ret, by=demo_users["approver"])
    assert m in visible_measurements(demo_users["cabinet"])
