"""Setting a target's trajectory on the targets page (the coordinator's SET_TARGET step): linear from a
baseline, or set period by period; refused beside the field when a part is missing, nothing saved;
flat (as before) unless set; carried forward to the next year."""
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Target
from tests.reporting.test_years import open_targets, post_targets


@pytest.fixture
def next_year(client_for):
    client_for("coordinator").post(reverse("year-set-up", args=[2024]), {})  # 2024/25, targets carried forward
    return KPI.objects.get(code="HOU-02")


def target(code="HOU-02", year=2024):
    return Target.objects.get(kpi__code=code, financial_year=year, is_primary=True)


def test_the_targets_page_sets_a_linear_trajectory_from_a_baseline(next_year, client_for):
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("year-targets", args=[2024])).content.decode()
    assert "Trajectory through the year" in page and "Point for 2024/25 Q3" in page
    response = post_targets(coordinator, {f"target-{next_year.id}-trajectory": "linear",
                                          f"target-{next_year.id}-baseline": "400"})
    assert response.status_code == 302
    t = target()
    assert (t.value, t.profile, t.baseline) == (Decimal("640"), "linear", Decimal("400"))


def test_the_targets_page_sets_a_trajectory_period_by_period(next_year, client_for):
    coordinator = client_for("coordinator")
    response = post_targets(coordinator, {f"target-{next_year.id}-trajectory": "periods",
                                          f"target-{next_year.id}-point-1": "100", f"target-{next_year.id}-point-2": "250",
                                          f"target-{next_year.id}-point-3": "450"})
    assert response.status_code == 302
    assert (target().profile, target().period_points) == ("periods", ["100", "250", "450"])
    # opened again, the page shows it, and saving it unchanged changes nothing
    opened = open_targets(coordinator)
    assert opened[f"target-{next_year.id}-point-2"] == "250"
    post_targets(coordinator, {}, opened=opened)
    assert target().period_points == ["100", "250", "450"]


@pytest.mark.parametrize("changes, field, message", [
    ({"trajectory": "linear"}, "baseline",
     "Give the HOU-02 baseline: the figure at the start of the year that a linear trajectory runs from"),
    ({"trajectory": "periods", "point-1": "100", "point-3": "450"}, "point-2",
     "Give the HOU-02 point for 2024/25 Q2, or choose another trajectory"),
    ({"trajectory": "linear", "baseline": "lots"}, "baseline", "Enter the HOU-02 baseline as a number"),
])
def test_a_trajectory_missing_a_part_is_refused_beside_the_field_and_nothing_is_saved(next_year, client_for, changes,
                                                                                        field, message):
    before = list(Target.objects.order_by("pk").values())
    response = post_targets(client_for("coordinator"), {f"target-{next_year.id}-{k}": v for k, v in changes.items()})
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text.split(f'id="id_target-{next_year.id}-{field}-error"')[1].split("</p>")[0]
    assert list(Target.objects.order_by("pk").values()) == before


def test_a_trajectory_is_carried_forward_to_the_next_year(sefton, client_for):
    Target.objects.filter(kpi__code="HOU-02", financial_year=2023, is_primary=True).update(profile="linear",
                                                                                           baseline=Decimal("500"))
    client_for("coordinator").post(reverse("year-set-up", args=[2024]), {})
    assert (target().profile, target().baseline) == ("linear", Decimal("500"))
