"""Every database constraint of the KPI app refuses what it must."""
import pytest
from django.db import IntegrityError, transaction

from kpis.models import KPI, Measurement, Target
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory, SubStrandFactory, TargetFactory

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            fn()


def test_kpi_code_is_unique():
    KPIFactory(code="HOU-02")
    refused(lambda: KPIFactory(code="HOU-02"))


def test_milestone_unit_goes_with_milestone_direction():
    sub = SubStrandFactory()
    refused(lambda: KPI.objects.create(sub_strand=sub, code="M1", title="t", unit="milestone", direction="higher"))
    refused(lambda: KPI.objects.create(sub_strand=sub, code="M2", title="t", unit="number", direction="milestone"))
    KPI.objects.create(sub_strand=sub, code="M3", title="t", unit="milestone", direction="milestone")


def test_kpi_direction_must_be_known():
    refused(lambda: KPI.objects.create(sub_strand=SubStrandFactory(), code="D1", title="t", direction="sideways"))


def test_one_target_per_kpi_year_and_kind():
    target = TargetFactory(kind=Target.Kind.LOCAL_PLAN)
    refused(lambda: Target.objects.create(kpi=target.kpi, financial_year=target.financial_year, kind="local_plan", is_primary=False))


def test_one_primary_target_per_kpi_and_year():
    target = TargetFactory(kind=Target.Kind.LOCAL_PLAN, is_primary=True)
    refused(lambda: Target.objects.create(kpi=target.kpi, financial_year=target.financial_year, kind="standard_method", is_primary=True))
    Target.objects.create(kpi=target.kpi, financial_year=target.financial_year, kind="standard_method", is_primary=False)


def test_amber_tolerance_is_not_negative():
    refused(lambda: TargetFactory(amber_tolerance=-1))


def test_one_measurement_per_kpi_per_period():
    m = MeasurementFactory()
    refused(lambda: Measurement.objects.create(kpi=m.kpi, period=m.period, value=1))


def test_override_needs_a_reason():
    refused(lambda: MeasurementFactory(rag_override="green", override_reason=""))
    assert MeasurementFactory(rag_override="green", override_reason="Data lag").rag == "green"


def test_not_available_has_no_value():
    refused(lambda: MeasurementFactory(not_available=True, value=5))
    assert MeasurementFactory(not_available=True, value=None).not_available


@pytest.mark.parametrize("field", ["rag_override", "rag_calculated", "frozen_rag"])
def test_rag_fields_take_only_rag_values(field):
    refused(lambda: MeasurementFactory(**{field: "purple", "override_reason": "r"}))


def test_measurement_clean_explains_problems_beside_fields():
    from django.core.exceptions import ValidationError

    m = Measurement(kpi=KPIFactory(), period=PeriodFactory(), rag_override="red", override_reason=" ", not_available=True, value=3)
    with pytest.raises(ValidationError) as exc:
        m.clean()
    assert set(exc.value.message_dict) == {"override_reason", "value"}
