"""No dead end: the register offers "Raise a risk" and a risk's page "Change this risk" to whoever the
MANAGE_RISK step (reporting.steps) allows, the coordinating team, and to nobody else."""
import pytest
from django.urls import reverse

from objectives.models import ReportingPeriod, Strategy
from reporting.models import Risk, RiskReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(sefton, demo_users):
    """A risk approved in Q1, so that readers may see it."""
    strategy = Strategy.objects.order_by("pk").first()
    risk = Risk.objects.create(strategy=strategy, reference="SR1", title="Loss of external funding",
                               inherent_likelihood=4, inherent_impact=4, target_likelihood=2, target_impact=2)
    RiskReview.objects.create(risk=risk, period=ReportingPeriod.objects.get(slug="2023-24-q1"), state="approved",
                              current_likelihood=3, current_impact=3)
    return risk


@pytest.mark.parametrize(("user", "offered"), [("coordinator", True), ("cabinet", False)])
def test_the_register_offers_raise_a_risk_to_whoever_may_manage_risks(risk, client_for, user, offered):
    response = client_for(user).get(f"/risks/?strategy={risk.strategy.slug}")
    assert response.status_code == 200
    html = response.content.decode()
    assert (f'href="{reverse("risk-raise", args=[risk.strategy.slug])}"' in html) is offered
    assert ("Raise a risk" in html) is offered


@pytest.mark.parametrize(("user", "offered"), [("coordinator", True), ("cabinet", False)])
def test_a_risks_page_offers_change_this_risk_to_whoever_may_manage_risks(risk, client_for, user, offered):
    response = client_for(user).get(risk.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert (f'href="{reverse("risk-edit", args=[risk.strategy.slug, risk.reference])}"' in html) is offered
    assert ("Change this risk" in html) is offered
