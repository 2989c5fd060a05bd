"""The return form's live RAG (static/js/return-form.js) says what the Python rules (kpis.rag, through
kpis.figures.rating_contexts) say, on a table of cases typed into a real Chromium."""
from decimal import Decimal

import pytest

from kpis.figures import rating_contexts
from kpis.models import KPI, Measurement, Target
from kpis.rag import rag_label, suggested_overall
from objectives.models import ReportingPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What an officer types, and for the milestone KPI what they choose.
NUMBER_CASES = ["700", "640", "639.99", "620", "608", "607.9", "1,234", "£650", " 641 ", "0", "", "abc", "6.4.0"]
LOWER_CASES = ["90", "100", "104", "105", "105.01", "140"]
MILESTONE_CASES = ["achieved", "on_track", "at_risk", "missed", "not_started", ""]


def python_rag(kpi, period, typed=None, status=""):
    """The rules' RAG for what was typed, as the server would rate it on save."""
    value = None
    if typed is not None:
        cleaned = typed.strip().replace(",", "").replace("£", "")
        try:
            value = Decimal(cleaned) if cleaned else None
        except ArithmeticError:
            value = None
    m = Measurement(kpi=kpi, period=period, value=value, milestone_status=status)
    context = rating_contexts([kpi], period, {kpi.id: m})[kpi.id]
    return m.rating(context).rag


def live_rag(page, kpi):
    return page.locator(f'[data-live-rag="{kpi.id}"] strong').inner_text()


def test_the_live_rag_agrees_with_the_python_rules(page, sign_in, demo_users):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    hou01.direction = "lower"  # a lower-is-better KPI with a target of its own, for the other half of the rule
    hou01.save()
    Target.objects.create(kpi=hou01, financial_year=2023, kind=Target.Kind.CORPORATE, value=Decimal("100"),
                          amber_tolerance=Decimal("5"))
    milestone = KPI.objects.get(code="PLA-01")
    sign_in("officer")

    page.goto("/periods/2023-24-q2/returns/housing/")
    checked = []
    for kpi, cases in ((hou02, NUMBER_CASES), (hou01, LOWER_CASES)):
        for typed in cases:
            page.fill(f'[name="kpi-{kpi.id}-value"]', typed)
            expected = rag_label(python_rag(kpi, period, typed))
            assert live_rag(page, kpi) == expected, (kpi.code, typed)
            checked.append(expected)
    # The KPI mix: what the page suggests is what kpis.rag.suggested_overall says.
    page.fill(f'[name="kpi-{hou02.id}-value"]', "600")  # Red
    page.fill(f'[name="kpi-{hou01.id}-value"]', "90")  # Green
    shown = [python_rag(hou02, period, "600"), python_rag(hou01, period, "90")]
    assert page.locator("#suggested-overall strong").inner_text() == rag_label(suggested_overall(shown))
    # Not yet available is not rated, whatever the value box held.
    page.check(f'[name="kpi-{hou02.id}-not_available"]')
    assert live_rag(page, hou02) == "Not rated"

    page.goto("/periods/2023-24-q2/returns/planning/")
    for status in MILESTONE_CASES:
        page.select_option(f'[name="kpi-{milestone.id}-milestone_status"]', status)
        expected = rag_label(python_rag(milestone, period, status=status))
        assert live_rag(page, milestone) == expected, status
        checked.append(expected)
    assert {"Red", "Amber", "Green", "Not rated"} <= set(checked)  # every outcome was tried
    assert page.console_errors == []
