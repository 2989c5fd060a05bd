"""The coordinating team's links to the register's entry pages (raise a risk, change one), offered
where the MANAGE_RISK step (reporting.steps) allows them."""
from django import template

from reporting import steps

register = template.Library()


@register.simple_tag(takes_context=True)
def manage_risks_offer(context, risk=None):
    """The MANAGE_RISK step for the signed-in person: its link, or the reason, or nothing (reporting.steps.Offer)."""
    return steps.MANAGE_RISK.offer(context["request"].user, risk)
