"""Every change to the strategy's data changes the data version, so that no cached page outlives
the data it was built from (see reporting.page_cache).

The version changes once the change is committed (`transaction.on_commit`), not inside the
writer's transaction: changing one shared row there would hold its lock to the end of every
write, making all writers queue on it, and a writer holding it while waiting for another's row
lock could deadlock. Between the commit and the new version a reader may build the page from the
new data under the old version; the next request after the change moves on to the new version.
"""
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from reporting.page_cache import bump_data_version

DATA_APPS = ("objectives", "kpis", "reporting")
NOT_DATA = {"dataversion", "remindersent"}


def _visible_states():
    """{model: the states in which readers see it}: a change to one of these in no such state,
    before or after, is work in progress that readers cannot see."""
    from objectives.permissions import READER_VISIBLE_STATES
    from reporting.models import ActionUpdate, Briefing, QuarterlyReturn

    return {QuarterlyReturn: READER_VISIBLE_STATES, ActionUpdate: READER_VISIBLE_STATES, Briefing: {Briefing.State.ISSUED}}


def readers_may_see(sender, instance):
    """Whether readers could see this change. Only drafts say no; anything else says yes."""
    from kpis.models import Measurement
    from objectives.permissions import READER_VISIBLE_STATES
    from reporting.models import QuarterlyReturn

    visible = _visible_states().get(sender)
    if visible is not None:
        stored = getattr(instance, "_state_as_stored", None)
        return stored is STATE_NOT_LOADED or instance.state in visible or stored in visible
    if sender is Measurement:  # a figure is seen with its return (reporting.visibility)
        return QuarterlyReturn.objects.filter(
            sub_strand__kpis=instance.kpi_id, period_id=instance.period_id, state__in=READER_VISIBLE_STATES
        ).exists()
    return True


STATE_NOT_LOADED = object()  # a row loaded without its state: whether readers saw it is unknown


def _remember_state(sender, instance, **kwargs):
    """Keep the state the row has in the database, to tell a draft from a change to what was approved."""
    if instance.pk is None:
        instance._state_as_stored = None  # a new row: nobody has seen it
    else:
        # From __dict__: a row loaded without its state (.only()) must not cost a query per row here.
        instance._state_as_stored = instance.__dict__.get("state", STATE_NOT_LOADED)


def _changed(sender, instance=None, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the caller bumps once at the end
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: once the rows have changed (post_add, post_remove, post_clear) is enough
    update_fields = kwargs.get("update_fields")
    if sender is get_user_model() and update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing that a page shows
    readers_see_it = instance is None or readers_may_see(sender, instance)
    after_commit(lambda: bump_data_version(readers_see_it=readers_see_it))
    if instance is not None and sender in _visible_states():
        instance._state_as_stored = instance.state


def after_commit(func):
    """Run `func` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(func)


def connect():
    models = [m for label in DATA_APPS for m in apps.get_app_config(label).get_models()
              if m._meta.model_name not in NOT_DATA]
    models.append(get_user_model())  # names shown on pages
    for model in _visible_states():
        post_init.connect(_remember_state, sender=model, dispatch_uid=f"data-version-init-{model._meta.label}")
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-delete-{model._meta.label}")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(_changed, sender=m2m.remote_field.through,
                                dispatch_uid=f"data-version-m2m-{m2m.remote_field.through._meta.label}")
