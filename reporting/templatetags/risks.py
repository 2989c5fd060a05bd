"""The risk register's lists on the workflow's pages, added beside what those pages list (My returns,
the review queue): each reads one selector of reporting.risks, through the access rules."""
from django import template

from reporting.risks import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def my_risk_reviews(context, period):
    """The reviews of the risks the signed-in person owns, for the period (started or not)."""
    return selectors.my_risk_reviews(context["request"].user, period)


@register.simple_tag(takes_context=True)
def risk_reviews_waiting(context):
    """The risk reviews submitted and waiting for approval that the signed-in person may see."""
    return selectors.submitted_reviews(context["request"].user)
