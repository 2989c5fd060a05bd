"""No lost work beyond the return (issue 14, item 5): an action-plan update and the briefing's text,
posted after the session ended, are kept and put back for the same person once they sign in again,
marked unsaved; nothing is saved until they save; never for anyone else."""
import datetime
import html

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from objectives.models import Action
from reporting.briefings.contents import briefing_for
from reporting.kept_work import KEPT
from reporting.models import ActionUpdate, PlanUpdate
from objectives.models import ReportingPeriod
from tests.conftest import DEMO_PASSWORDS
from tests.reporting._returns_support import fast_password_hashing, form_fields  # noqa: F401
from tests.reporting.plan_helpers import update_post

pytestmark = pytest.mark.django_db

TYPED = "Typed at length while the session ran out"


def end_sessions():
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))


def sign_in(client, username, next_url):
    response = client.post(f"{reverse('login')}?next={next_url}", {
        "username": username, "password": DEMO_PASSWORDS[username], "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return response


def page_of(client, url):
    return html.unescape(client.get(url).content.decode())


@pytest.fixture
def draft_update(sefton, demo_users):
    """A June 2018 round with the officer's draft update on recommendation (14)."""
    plan_update = PlanUpdate.objects.create(plan=PlanUpdate.objects.get(slug="2017-12").plan, slug="2018-06",
                                            title="June 2018", as_at="2018-06-30")
    return ActionUpdate.objects.create(action=Action.objects.get(plan__slug="employment", number=14),
                                       plan_update=plan_update, narrative="Draft narrative", state="draft")


def test_an_action_plan_update_typed_as_the_session_ended_is_put_back(client_for, draft_update):
    url = reverse("action-update-edit", args=["employment", "2018-06", 14])
    officer = client_for("officer")
    assert officer.get(url).status_code == 200
    end_sessions()
    response = officer.post(url, update_post(narrative=TYPED, version=draft_update.version))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ActionUpdate.objects.get(pk=draft_update.pk).narrative == "Draft narrative"  # nothing saved
    sign_in(officer, "officer", url)
    page = page_of(officer, url)
    assert TYPED in page and "has been put back" in page
    assert 'data-warn-unsaved="restored"' in page  # leaving without saving warns
    assert ActionUpdate.objects.get(pk=draft_update.pk).narrative == "Draft narrative"
    assert TYPED not in page_of(officer, url), "once only"


def test_the_briefings_text_typed_as_the_session_ended_is_put_back_for_that_person_only(client_for, sefton,
                                                                                       demo_users):
    url = reverse("briefing-edit", args=["2023-24-q2"])
    coordinator = client_for("coordinator")
    fields = form_fields(coordinator.get(url).content, css_class=None)
    fields.pop("csrfmiddlewaretoken", None)
    end_sessions()
    response = coordinator.post(url, {**fields, "purpose": TYPED})
    assert response.status_code == 302 and KEPT in coordinator.session
    note = briefing_for(ReportingPeriod.objects.get(slug="2023-24-q2"))
    assert note.purpose != TYPED
    sign_in(coordinator, "admin", url)  # someone else on the same browser
    assert KEPT not in coordinator.session
    assert TYPED not in page_of(coordinator, url)


def test_the_briefings_text_comes_back_to_the_one_who_typed_it(client_for, sefton, demo_users):
    url = reverse("briefing-edit", args=["2023-24-q2"])
    coordinator = client_for("coordinator")
    fields = form_fields(coordinator.get(url).content, css_class=None)
    fields.pop("csrfmiddlewaretoken", None)
    end_sessions()
    coordinator.post(url, {**fields, "purpose": TYPED})
    sign_in(coordinator, "coordinator", url)
    page = page_of(coordinator, url)
    assert TYPED in page and "has been put back" in page and 'data-warn-unsaved="restored"' in page
