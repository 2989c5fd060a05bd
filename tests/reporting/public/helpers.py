"""Moving the Sefton data through the workflow for the public-page tests: Q2 returns approved and
its briefing issued, as the services do it."""
from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.briefings.services import issue_briefing, update_briefing
from reporting.models import QuarterlyReturn
from reporting.returns.services import approve_return


def approve_q2(demo_users, slug="health-wellbeing", commentary="Q2 commentary", value=4321):
    """A submitted Q2 return, with a figure for each KPI, approved by the approver."""
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    sub = SubStrand.objects.get(slug=slug)
    ret = QuarterlyReturn.objects.create(sub_strand=sub, period=period, state="submitted", overall_rag="amber",
                                         commentary=commentary)
    for kpi in KPI.objects.filter(sub_strand=sub):
        if kpi.is_milestone:
            Measurement.objects.create(kpi=kpi, period=period, milestone_status="on_track", commentary=commentary)
        else:
            Measurement.objects.create(kpi=kpi, period=period, value=value, data_for="Q2 2023/24", commentary=commentary)
    return approve_return(quarterly_return=ret, by=demo_users["approver"])


def issue_q2(demo_users):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    from reporting.briefings.contents import briefing_for

    note = update_briefing(briefing=briefing_for(period), by=demo_users["coordinator"],
                           data={"title": "Quarter 2 progress", "purpose": "Purpose."}, expected_version=0)
    return issue_briefing(briefing=note, by=demo_users["approver"])
