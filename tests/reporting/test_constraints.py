"""Every database constraint of the reporting app refuses what it must."""
import pytest
from django.db import IntegrityError, transaction

from objectives.models import Action, ActionPlan
from reporting.models import (
    ActionUpdate, FigureBreakdownItem, OutputFigure, PlanUpdate, Notification, QuarterlyReturn, ReturnRevision,
)
from tests.factories import ReturnFactory

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            fn()


def test_one_return_per_sub_strand_per_period():
    ret = ReturnFactory()
    refused(lambda: QuarterlyReturn.objects.create(sub_strand=ret.sub_strand, period=ret.period))


def test_return_rag_and_state_take_known_values():
    refused(lambda: ReturnFactory(overall_rag="purple"))
    refused(lambda: ReturnFactory(state="lost"))


def test_an_approved_return_has_an_overall_status():
    refused(lambda: ReturnFactory(state="approved", overall_rag=""))
    assert ReturnFactory(state="approved", overall_rag="green").overall_rag_label == "Green"


def test_revision_numbers_unique_per_return():
    ret = ReturnFactory()
    ReturnRevision.objects.create(quarterly_return=ret, number=1, snapshot={}, reason="r")
    refused(lambda: ReturnRevision.objects.create(quarterly_return=ret, number=1, snapshot={}, reason="r"))


def test_one_email_per_event_per_person():
    Notification.objects.create(key="reminder:2023-24-q2:housing:before-7", kind="reminder_before", email="a@example.org",
                                subject="s", body="b")
    Notification.objects.create(key="reminder:2023-24-q2:housing:before-7", kind="reminder_before", email="b@example.org",
                                subject="s", body="b")
    refused(lambda: Notification.objects.create(key="reminder:2023-24-q2:housing:before-7", kind="reminder_before",
                                                email="a@example.org", subject="s", body="b"))


@pytest.fixture
def plan_update():
    plan = ActionPlan.objects.create(name="P", slug="p")
    Action.objects.create(plan=plan, number=1, wording="w")
    return PlanUpdate.objects.create(plan=plan, slug="2017-12", title="t", as_at="2017-12-31")


def test_plan_update_slug_unique_in_plan(plan_update):
    refused(lambda: PlanUpdate.objects.create(plan=plan_update.plan, slug="2017-12", title="t", as_at="2018-06-30"))


def test_action_update_belongs_to_exactly_one_round(plan_update):
    action = plan_update.plan.actions.get()
    ret = ReturnFactory()
    refused(lambda: ActionUpdate.objects.create(action=action))
    refused(lambda: ActionUpdate.objects.create(action=action, plan_update=plan_update, quarterly_return=ret))
    ActionUpdate.objects.create(action=action, plan_update=plan_update)
    refused(lambda: ActionUpdate.objects.create(action=action, plan_update=plan_update))


def test_figures_are_not_negative_and_ordered_uniquely(plan_update):
    au = ActionUpdate.objects.create(action=plan_update.plan.actions.get(), plan_update=plan_update)
    refused(lambda: OutputFigure.objects.create(action_update=au, label="x", value=-1))
    figure = OutputFigure.objects.create(action_update=au, label="x", value=1, order=1)
    refused(lambda: OutputFigure.objects.create(action_update=au, label="y", value=1, order=1))
    refused(lambda: FigureBreakdownItem.objects.create(figure=figure, label="a", value=-3))
    FigureBreakdownItem.objects.create(figure=figure, label="a", value=3, order=1)
    refused(lambda: FigureBreakdownItem.objects.create(figure=figure, label="b", value=3, order=1))
