"""Risks and their reviews made directly, for the tests of the risk papers (the briefing's section,
the committee report, the workbook, the API, the open data). The whole cycle through the services
is tests/reporting/risks/test_whole_cycle.py."""
from django.utils import timezone

from objectives.models import ReportingPeriod, Strategy
from reporting.models import Risk, RiskReview

STRATEGY = "sefton-economic-strategy"


def a_risk(reference="SR1", title="Loss of the main contractor", *, exempt=False, inherent=(4, 5), target=(2, 3),
           category=None, strategy=STRATEGY, **extra):
    return Risk.objects.create(
        strategy=Strategy.objects.get(slug=strategy), reference=reference, title=title,
        cause=extra.pop("cause", "The main contractor fails"), effect=extra.pop("effect", "The programme stops"),
        owner_title=extra.pop("owner_title", "Head of Regeneration"), category=category,
        inherent_likelihood=inherent[0], inherent_impact=inherent[1], target_likelihood=target[0],
        target_impact=target[1], exempt=exempt, **extra)


def reviewed(risk, period_slug, likelihood, impact, *, state="approved", direction="increasing",
             commentary="Reviewed."):
    period = ReportingPeriod.objects.get(strategy_id=risk.strategy_id, slug=period_slug)
    review, _ = RiskReview.objects.update_or_create(risk=risk, period=period, defaults=dict(
        state=state, current_likelihood=likelihood, current_impact=impact, direction=direction,
        commentary=commentary, approved_at=timezone.now() if state in ("approved", "published") else None))
    return review
