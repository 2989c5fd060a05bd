"""The 2017 Action Plan for Employment, as the second seed reports it."""
import re
from decimal import Decimal
from pathlib import Path

from objectives.models import Action
from reporting.models import ActionUpdate, OutputFigure

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "sources" / "employment-action-plan-update-dec-2017.txt"


def squash(text):
    return re.sub(r"\s+", "", text)


def test_recommendations_reported_and_those_rolled_together(sefton):
    actions = Action.objects.filter(plan__slug="employment")
    reported = actions.exclude(status="superseded")
    assert list(reported.values_list("number", flat=True)) == [1, 2, 3, 5, 7, 9, 10, 11, 14, 15]
    assert list(actions.filter(status="superseded").values_list("number", flat=True)) == [4, 6, 8, 12, 13]


def test_wording_and_narratives_are_the_seeds(sefton):
    seed = squash(SEED.read_text(encoding="utf-8"))
    updates = ActionUpdate.objects.filter(plan_update__slug="2017-12").select_related("action")
    assert updates.count() == 10
    for update in updates:
        assert squash(update.action.wording) in seed, update.action.number
        for line in update.narrative.splitlines():
            assert squash(line.removeprefix("* ")) in seed, (update.action.number, line[:60])


def test_the_figures_are_data(sefton):
    figures = OutputFigure.objects.filter(action_update__plan_update__slug="2017-12")
    values = {f.value for f in figures if f.value is not None}
    for number in ["81", "186", "65", "1470", "1500", "1532", "35000000", "860000", "220", "43000", "150000", "300"]:
        assert Decimal(number) in values, number
    kura = figures.get(label__icontains="Kura")
    assert (kura.value, kura.rising_to) == (Decimal(200), Decimal(400))
    referrals = figures.get(breakdown__label="MSIF loan finance")
    assert referrals.value is None  # the seed gives no total
    assert [(b.label, int(b.value)) for b in referrals.breakdown.all()] == [
        ("MSIF loan finance", 25), ("New markets", 41), ("Premises", 22), ("Skills for Growth", 7),
        ("Start up", 91), ("Trade/export", 5), ("International Business Festival 2018", 10),
    ]
