"""Kinds of indicator (issue 25, point 1): each KPI is targeted, contextual or a milestone, one
answer (KPI.kind). A contextual KPI is never rated, not even by an override, so its figures carry
no RAG: "Contextual: not rated"."""
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis.models import KPI, Measurement
from kpis.rag import rag_label, rate
from kpis.services import freeze_measurement, rate_measurement
from tests.factories import KPIFactory, MeasurementFactory, PeriodFactory, SubStrandFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_the_rating_rule_gives_a_contextual_kpi_no_rating_not_even_by_an_override():
    red = dict(direction="higher", value=Decimal("10"), target=Decimal("100"))
    assert rate(**red).rag == "red"  # the same figure, targeted
    assert rate(kind="contextual", **red).rag is None
    assert rate(kind="contextual", **red).basis == "Contextual: not rated"
    assert rate(kind="contextual", override="green", override_reason="we think so", **red).rag is None
    assert rag_label(None, kind="contextual") == "Contextual: not rated"
    assert rag_label(None) == "Not rated"


def test_a_contextual_kpis_figure_is_saved_and_approved_with_no_rag():
    kpi = KPIFactory(kind=KPI.Kind.CONTEXTUAL)
    TargetFactory(kpi=kpi, financial_year=2023, value=100)
    m = Measurement(kpi=kpi, period=PeriodFactory(), value=Decimal("10"))
    rate_measurement(m)
    freeze_measurement(m)
    m.save()
    m.refresh_from_db()
    assert (m.rag, m.rag_calculated, m.frozen_rag, m.rag_basis) == (None, "", "", "Contextual: not rated")
    assert Measurement.objects.annotate(shown=Measurement.shown_rag_expression()).get(pk=m.pk).shown is None


def test_a_contextual_kpi_refuses_an_override_with_a_message():
    m = Measurement(kpi=KPIFactory(kind=KPI.Kind.CONTEXTUAL), period=PeriodFactory(), value=1,
                    rag_override="green", override_reason="looks fine")
    with pytest.raises(ValidationError) as refused:
        m.full_clean()
    assert "is a contextual KPI: it is not rated" in str(refused.value)


def test_a_kpi_made_contextual_loses_the_ratings_of_its_figures():
    kpi = KPIFactory()
    TargetFactory(kpi=kpi, financial_year=2023, value=100)
    m = MeasurementFactory(kpi=kpi, period=PeriodFactory(), value=Decimal("10"))
    rate_measurement(m)
    freeze_measurement(m)
    m.save()
    assert m.rag == "red"
    kpi.kind = KPI.Kind.CONTEXTUAL
    kpi.save()
    m.refresh_from_db()
    assert m.rag is None and m.rag_basis == "Contextual: not rated"


def test_a_milestone_is_of_the_milestone_kind_and_its_unit_and_direction_follow():
    sub = SubStrandFactory()
    old_way = KPI.objects.create(sub_strand=sub, code="M1", title="t", unit="milestone", direction="milestone")
    assert old_way.kind == KPI.Kind.MILESTONE and old_way.is_milestone
    by_kind = KPI.objects.create(sub_strand=sub, code="M2", title="t", kind="milestone")
    assert (by_kind.unit, by_kind.direction) == ("milestone", "milestone")
    mixed = KPI(sub_strand=sub, code="M3", title="t", kind="contextual", unit="milestone", direction="milestone")
    with pytest.raises(ValidationError, match="A milestone KPI has the kind, unit and direction"):
        mixed.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        KPI.objects.create(sub_strand=sub, code="M4", title="t", kind="contextual", direction="milestone", unit="milestone")
    with pytest.raises(IntegrityError), transaction.atomic():
        KPI.objects.create(sub_strand=sub, code="M5", title="t", kind="sideways")


def test_the_data_migration_makes_each_milestone_of_the_milestone_kind_and_leaves_the_rest_targeted():
    """Run on the KPIs as they were (a milestone known by its direction alone; the new column at its
    default): milestones become the milestone kind, every other KPI stays targeted (Sefton's papers
    mark none as a volume or context measure). The historical model is stood in for, as the
    constraint would refuse such rows in today's schema."""
    migration = importlib.import_module("kpis.migrations.0005_kinds_of_indicator_and_changes_of_process")
    rows = {code: {"direction": direction, "kind": "targeted"}
            for code, direction in [("HOU-02", "higher"), ("PLA-01", "milestone"), ("HW-03", "lower")]}

    class Row:
        def __init__(self, code):
            self.code, self.kind = code, rows[code]["kind"]

        def save(self, update_fields):
            assert update_fields == ["kind"]
            rows[self.code]["kind"] = self.kind

    class Objects:
        @staticmethod
        def filter(direction):
            return [Row(code) for code, row in rows.items() if row["direction"] == direction]

    class Apps:
        @staticmethod
        def get_model(app, name):
            assert (app, name) == ("kpis", "KPI")
            return type("KPI", (), {"objects": Objects})

    migration.milestones_are_of_the_milestone_kind(Apps, None)
    assert {code: row["kind"] for code, row in rows.items()} == {
        "HOU-02": "targeted", "PLA-01": "milestone", "HW-03": "targeted"}


def test_sefton_has_its_milestones_of_the_milestone_kind_and_no_contextual_kpi(sefton):
    kinds = dict(KPI.objects.values_list("code", "kind"))
    directions = dict(KPI.objects.values_list("code", "direction"))
    assert {c for c, k in kinds.items() if k == "milestone"} == {c for c, d in directions.items() if d == "milestone"}
    assert "contextual" not in kinds.values()


def test_the_admin_sets_a_kpis_kind_and_refuses_a_mixed_milestone_with_a_message(rf, django_user_model):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("boss", "boss@example.org", "x")
    kpi = KPIFactory()
    form_class = admin.site._registry[KPI].get_form(request, kpi)
    data = {"sub_strand": kpi.sub_strand_id, "code": kpi.code, "title": kpi.title, "kind": "contextual", "unit": "number",
            "direction": "higher", "order": 1, "is_active": "on", "data_lag_months": 0, "accumulation": "snapshot"}
    form = form_class(data, instance=kpi)
    assert form.is_valid(), form.errors
    form.save()
    assert KPI.objects.get(pk=kpi.pk).is_contextual
    mixed = form_class({**data, "kind": "targeted", "unit": "milestone", "direction": "milestone"}, instance=kpi)
    assert not mixed.is_valid()
    assert "A milestone KPI has the kind, unit and direction “Milestone”" in str(mixed.errors)
    assert KPI.objects.get(pk=kpi.pk).kind == "contextual"
