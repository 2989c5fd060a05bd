"""No lost update: two saves from the same starting version — the second is refused with a clear
message, writes nothing, and what its author typed stays on the page."""
import threading

import pytest
from django.db import connection, connections

from kpis.models import KPI, Measurement
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.models import QuarterlyReturn
from reporting.returns.services import StaleEditError, save_return
from tests.reporting._returns_support import (  # noqa: F401
    database_state, fast_password_hashing, form_fields, housing_return, return_url,
)


def form_for(ret, user, changes):
    data = as_post_data(initial_form_data(ret))
    data.update(changes)
    form = ReturnForm(quarterly_return=ret, user=user, data=data)
    assert form.is_valid(), form.errors
    return form


@pytest.mark.django_db
def test_second_save_from_the_same_version_is_refused_and_loses_nothing(demo_users):
    ret = housing_return(demo_users, "draft")
    hou02 = KPI.objects.get(code="HOU-02")
    first = form_for(ret, demo_users["officer"], {"commentary": "FIRST", f"kpi-{hou02.id}-value": "700"})
    second = form_for(ret, demo_users["coordinator"], {"commentary": "SECOND", f"kpi-{hou02.id}-value": "500"})

    save_return(quarterly_return=ret, by=demo_users["officer"], form=first)
    before = database_state()
    with pytest.raises(StaleEditError) as refused:
        save_return(quarterly_return=ret, by=demo_users["coordinator"], form=second)

    assert "has been changed by Olivia Officer" in str(refused.value)
    assert database_state() == before  # the second save wrote nothing
    ret.refresh_from_db()
    assert ret.commentary == "FIRST"
    assert Measurement.objects.get(kpi=hou02, period=ret.period).value == 700
    assert second.cleaned_data["commentary"] == "SECOND"  # what they typed is still there to show


@pytest.mark.django_db
def test_two_browsers_editing_the_same_return(demo_users, client_for):
    housing_return(demo_users, "draft")
    officer, coordinator = client_for("officer"), client_for("coordinator")
    page_a = form_fields(officer.get(return_url()).content)
    page_b = form_fields(coordinator.get(return_url()).content)
    assert page_a["version"] == page_b["version"]

    page_a.update({"commentary": "Officer's words", "intent": "save"})
    assert officer.post(return_url(), page_a).status_code == 302

    before = database_state()
    page_b.update({"commentary": "Coordinator's words, typed at the same time", "intent": "save"})
    response = coordinator.post(return_url(), page_b)
    assert response.status_code == 409
    text = response.content.decode()
    assert "changed by Olivia Officer" in text and "since you opened it" in text
    assert "Coordinator&#x27;s words, typed at the same time" in text
    assert database_state() == before

    # The refused page now carries the current version: saving again, knowingly, replaces the officer's text.
    again = form_fields(response.content)
    again["intent"] = "save"
    assert coordinator.post(return_url(), again).status_code == 302
    assert QuarterlyReturn.objects.get(sub_strand__slug="housing", period__slug="2023-24-q2").commentary == (
        "Coordinator's words, typed at the same time"
    )


@pytest.mark.django_db
def test_two_people_starting_the_same_return_the_second_is_refused(demo_users, client_for):
    officer, coordinator = client_for("officer"), client_for("coordinator")
    page_a = form_fields(officer.get(return_url()).content)
    page_b = form_fields(coordinator.get(return_url()).content)
    assert page_a["version"] == page_b["version"] == "0"  # not started: opening it wrote nothing
    assert not QuarterlyReturn.objects.filter(period__slug="2023-24-q2", sub_strand__slug="housing").exists()

    page_a.update({"commentary": "Started by the officer", "intent": "save"})
    assert officer.post(return_url(), page_a).status_code == 302
    before = database_state()
    page_b.update({"commentary": "Started by the coordinator", "intent": "save"})
    response = coordinator.post(return_url(), page_b)
    assert response.status_code == 409
    assert "Started by the coordinator" in response.content.decode()
    assert database_state() == before


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_on_postgresql_exactly_one_wins(demo_users):
    """Real threads, real row locks (select_for_update): of several saves from one version, one is
    accepted and every other is refused as stale; none fails otherwise and none is lost silently."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the same guard is tested deterministically above")
    ret = housing_return(demo_users, "draft")
    forms = [form_for(ret, demo_users["coordinator"], {"commentary": f"writer {i}"}) for i in range(6)]
    barrier = threading.Barrier(len(forms))
    outcomes = []

    def save(form):
        try:
            barrier.wait(timeout=20)
            save_return(quarterly_return=ret, by=demo_users["coordinator"], form=form)
            outcomes.append(("saved", form.cleaned_data["commentary"]))
        except StaleEditError:
            outcomes.append(("stale", form.cleaned_data["commentary"]))
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(("error", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(f,)) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    saved = [text for kind, text in outcomes if kind == "saved"]
    assert len(outcomes) == len(forms)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert len(saved) == 1
    ret.refresh_from_db()
    assert ret.commentary == saved[0]
    assert ret.version == forms[0].cleaned_data["version"] + 1


@pytest.mark.django_db
def test_the_version_moves_on_with_every_save_and_transition(demo_users):
    ret = housing_return(demo_users, "draft")
    v = ret.version
    from reporting.returns.services import approve_return, submit_return

    ret = submit_return(quarterly_return=ret, by=demo_users["officer"])
    assert ret.version == v + 1
    ret = approve_return(quarterly_return=ret, by=demo_users["approver"])
    assert ret.version == v + 2
    assert QuarterlyReturn.objects.get(pk=ret.pk).version == v + 2
