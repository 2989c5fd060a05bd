"""One verdict everywhere: the variation the dashboard, the sub-strand page and the briefing draw in
bulk (reporting.variation.verdicts.verdicts_for, over reporting.attention.gather) is the KPI page's,
a recorded change of process included."""
from kpis.models import KPI, ChangeOfProcess, Measurement
from objectives.models import ReportingPeriod
from reporting.access import visible_measurements
from reporting.dashboard.pages import kpi_page
from reporting.variation.verdicts import verdicts_for
from tests.reporting.dashboard.test_kpi_chart_data import plant

BEFORE = [10, 11] * 6 + [10]  # 13 figures about 10.5
AFTER = [20, 21] * 6 + [20]  # then 13 about 20.5: a shift on one chart, common cause from the change on


def verdicts(user, kpi):
    latest = ReportingPeriod.objects.get(pk=Measurement.objects.filter(kpi=kpi).order_by("-period_key")[0].period_id)
    bulk = verdicts_for(kpis=[kpi], figures=visible_measurements(user), period=latest)[kpi.id][0].key
    return bulk, kpi_page(user=user, code=kpi.code).variation.variation_verdict.key


def test_the_bulk_verdict_is_the_kpi_pages_with_a_change_of_process_or_without(demo_users, sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    Measurement.objects.filter(kpi=hou02).delete()
    plant(hou02, BEFORE + AFTER)
    cabinet = demo_users["cabinet"]
    assert verdicts(cabinet, hou02) == ("improving", "improving")
    first_after = Measurement.objects.filter(kpi=hou02).order_by("period_key")[len(BEFORE)]
    ChangeOfProcess.objects.create(kpi=hou02, period=first_after.period, reason="A new way of counting")
    assert verdicts(cabinet, hou02) == ("common_cause", "common_cause")
