"""The Economy Cell chooses which of a KPI's targets its RAG is measured against, on the targets page
(it used to need the administrator): the CHOOSE_PRIMARY_TARGET step, its access rule, its refusal when
the target has changed since the page was opened (issue 27)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Target
from kpis.services import set_primary_target, target_version
from reporting.steps import CHOOSE_PRIMARY_TARGET, OPERATIONS

URL = "/years/2023/targets/"


def hou02_targets():
    return {t.kind: (t.value, t.is_primary) for t in Target.objects.filter(kpi__code="HOU-02", financial_year=2023)}


def choose(client, other, opened):
    kpi = other.kpi
    return client.post(reverse("year-target-primary", args=[2023, other.pk]),
                       {"kpi": str(kpi.id), f"target-{kpi.id}-version": opened})


def test_the_coordinator_measures_the_rag_against_another_of_the_kpis_targets_from_the_targets_page(client_for):
    assert "choose_primary_target" in OPERATIONS and CHOOSE_PRIMARY_TARGET.rule == "choose_primary_target"
    coordinator = client_for("coordinator")
    page = coordinator.get(URL).content.decode()
    assert "HOU-02's other targets for 2023/24" in page
    assert page.count("Measure the RAG against this target") == Target.objects.filter(
        financial_year=2023, is_primary=False, kpi__kind=KPI.Kind.TARGETED, kpi__is_active=True).count()
    standard = Target.objects.get(kpi__code="HOU-02", financial_year=2023, kind="standard_method")
    primary = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    response = choose(coordinator, standard, target_version(primary))
    assert response.status_code == 302 and response.url.endswith("#kpi-HOU-02")
    assert hou02_targets() == {"standard_method": (Decimal(587), True), "local_plan": (Decimal(640), False)}
    followed = coordinator.get(response.url).content.decode()
    assert "HOU-02&#x27;s RAG for 2023/24 is now measured against its" in followed or \
        "HOU-02's RAG for 2023/24 is now measured against its" in followed


def test_a_choice_from_a_page_opened_before_the_target_changed_is_refused_and_changes_nothing(client_for):
    coordinator = client_for("coordinator")
    primary = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    opened = target_version(primary)
    set_primary_target(kpi=primary.kpi, financial_year=2023, value=Decimal(650), kind="local_plan")
    before = hou02_targets()
    standard = Target.objects.get(kpi__code="HOU-02", financial_year=2023, kind="standard_method")
    followed = coordinator.get(choose(coordinator, standard, opened).url).content.decode()
    assert "Nothing was changed" in followed
    assert hou02_targets() == before


@pytest.mark.parametrize("username", ["officer", "approver", "cabinet"])
def test_only_the_coordinating_team_chooses(client_for, username):
    standard = Target.objects.get(kpi__code="HOU-02", financial_year=2023, kind="standard_method")
    primary = Target.objects.get(kpi__code="HOU-02", financial_year=2023, is_primary=True)
    assert choose(client_for(username), standard, target_version(primary)).status_code == 403
    assert hou02_targets()["local_plan"][1] is True


def test_setting_the_kind_of_an_existing_other_target_makes_it_the_one_instead_of_refusing(sefton):
    hou02 = KPI.objects.get(code="HOU-02")
    assert set_primary_target(kpi=hou02, financial_year=2023, value=Decimal(590), kind="standard_method")
    assert hou02_targets() == {"standard_method": (Decimal(590), True), "local_plan": (Decimal(640), False)}
