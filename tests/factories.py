"""Small factories for tests that are not about Sefton's own data."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kpis.models import KPI, Measurement, Target
from objectives.models import ReportingPeriod, StrategicObjective, Strategy, SubStrand
from objectives.roles import GROUP_NAMES
from reporting.models import QuarterlyReturn


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            group, _ = Group.objects.get_or_create(name=GROUP_NAMES[extracted])
            self.groups.add(group)
        self.save()


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy
        django_get_or_create = ["slug"]

    name = "Test Strategy"
    slug = "test-strategy"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Objective {n + 1}")
    slug = factory.Sequence(lambda n: f"objective-{n + 1}")


class SubStrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubStrand

    objective = factory.SubFactory(ObjectiveFactory)
    name = factory.Sequence(lambda n: f"Sub-strand {n}")
    slug = factory.Sequence(lambda n: f"sub-strand-{n}")
    order = factory.Sequence(lambda n: n + 1)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["strategy", "financial_year", "number"]

    # The first strategy (as a period saved without one belongs to), made if there is none.
    strategy = factory.LazyFunction(lambda: Strategy.objects.order_by("pk").first() or StrategyFactory())
    financial_year = 2023
    number = 1
    # One period is open at a time (the one_open_period constraint): the first made is open, later ones closed.
    state = factory.LazyFunction(lambda: ReportingPeriod.State.CLOSED if ReportingPeriod.objects.filter(
        state=ReportingPeriod.State.OPEN).exists() else ReportingPeriod.State.OPEN)


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    sub_strand = factory.SubFactory(SubStrandFactory)
    code = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"Test KPI {n}")
    unit = KPI.Unit.NUMBER
    direction = "higher"
    order = factory.Sequence(lambda n: n + 1)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kpi = factory.SubFactory(KPIFactory)
    financial_year = 2023
    kind = Target.Kind.CORPORATE
    value = 100


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    period = factory.SubFactory(PeriodFactory)
    value = 100


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReturn

    sub_strand = factory.SubFactory(SubStrandFactory)
    period = factory.SubFactory(PeriodFactory)
    state = "draft"


def approved_figures(*measurements):
    """Mark figures approved as approving their return does (kpis.services.freeze_measurement:
    readers see frozen figures only), keeping the RAG each was given rather than re-rating it."""
    from django.utils import timezone

    from kpis.figures import rating_context

    for m in measurements:
        context = rating_context(m)
        target = context.target
        m.frozen_target = target.value if target else None
        m.frozen_target_kind = target.kind if target else ""
        m.frozen_tolerance = target.amber_tolerance if target else None
        m.frozen_rag = m.rag_override or m.rag_calculated or ""
        m.frozen_at = timezone.now()
        m.save()
    return measurements[0] if len(measurements) == 1 else measurements
