"""The API's risks and their reviews, read through the access rules (reporting.access RISKS and
RISK_REVIEWS), never a copy of them: a reader's token sees a risk only with a review they may see
(approved or published).

An exempt risk (not for publication) never leaves through a token of anyone who does not see drafts
(a reader's): the API feeds Power BI and Excel reports that are shared and published, which is why
the issue counts "the API for a reader token" among the public places. The staff's tokens see
every risk they may see."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from reporting import access
from reporting.api import risk_serializers
from reporting.api.filters import RiskFilter, RiskReviewFilter
from reporting.api.views import LIST_REFUSALS, ONE_REFUSALS, ReadOnly
from reporting.models import Risk, RiskAction, RiskReview
from reporting.risks.report import matrix_with_levels


def documented(name, plural, serializer):
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}", responses={200: serializer(many=True), **LIST_REFUSALS}, tags=[plural]),
        retrieve=extend_schema(summary=f"One {name}", responses={200: serializer, **ONE_REFUSALS}, tags=[plural]),
    )


class WithMatrix(ReadOnly):
    """Every score of a page read on the council's matrix, read once."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "matrix": matrix_with_levels()}


def seen_risks(user):
    """The risks this token's user may see through the API (see the module: no exempt risk for a reader)."""
    risks = access.RISKS.filter(user, Risk.objects.all())
    return risks if access.sees_drafts(user) else risks.filter(exempt=False)


@documented("risk", "risks", risk_serializers.RiskSerializer)
class RiskViewSet(WithMatrix):
    """The risks this token's user may see: a reader sees a risk with an approved review only."""

    serializer_class = risk_serializers.RiskSerializer
    filterset_class = RiskFilter

    def get_queryset(self):
        return (seen_risks(self.request.user).select_related("strategy", "category")
                .prefetch_related(Prefetch("actions", queryset=RiskAction.objects.order_by("order", "pk")), "kpis")
                .order_by("id"))


@documented("risk review", "risk reviews", risk_serializers.RiskReviewSerializer)
class RiskReviewViewSet(WithMatrix):
    """The risk reviews this token's user may see: readers see approved and published reviews only,
    of the risks they may see."""

    serializer_class = risk_serializers.RiskReviewSerializer
    filterset_class = RiskReviewFilter

    def get_queryset(self):
        user = self.request.user
        reviews = access.RISK_REVIEWS.filter(user, RiskReview.objects.all())
        return reviews.filter(risk__in=seen_risks(user)).select_related("risk__strategy", "period").order_by("id")
