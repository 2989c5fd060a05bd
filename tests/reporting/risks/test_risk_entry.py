"""The coordinating team raises a risk and changes its register entry and actions on pages of their own
(reporting/risks/entry.py), never in the admin: the MANAGE_RISK step asked; the matrix's words as
radios, the strategy's objectives in the council's words; bad input answered beside its field with
nothing written; a stale edit answered 409 with what was typed kept; each write audited and raising
the data version."""
import datetime
import html
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client

from objectives.models import ReportingPeriod, Role
from reporting.models import Risk, RiskAction, RiskMatrix
from reporting.readers_cache import data_version
from reporting.risks import services
from tests.factories import (
    KPIFactory, ObjectiveFactory, PeriodFactory, StrategyFactory, SubStrandFactory, UserFactory,
)
from tests.reporting.risks.helpers import council, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {role: UserFactory(username=role, role=getattr(Role, role.upper()), first_name=role.title(),
                              last_name="Person")
            for role in ("officer", "coordinator", "approver", "reader")}


@pytest.fixture
def world(people):
    """A strategy with an objective, its sub-strand and a KPI; another strategy with the same; the
    council calls its objectives "Priorities"."""
    found = council()
    found.objective_one, found.objective_many = "Priority", "Priorities"
    found.save()
    strategy = StrategyFactory()
    PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN)
    objective = ObjectiveFactory(strategy=strategy, name="Grow the economy")
    sub_strand = SubStrandFactory(objective=objective, name="Inward investment")
    kpi = KPIFactory(sub_strand=sub_strand, code="INV-01", title="Jobs created")
    other = StrategyFactory(name="Other strategy", slug="other-strategy")
    other_objective = ObjectiveFactory(strategy=other, name="Someone else's")
    other_kpi = KPIFactory(sub_strand=SubStrandFactory(objective=other_objective), code="OTH-01")
    matrix = RiskMatrix.for_council(found)
    category = matrix.categories.create(name="Financial")
    return {"strategy": strategy, "objective": objective, "sub_strand": sub_strand, "kpi": kpi,
            "other_objective": other_objective, "other_kpi": other_kpi, "category": category}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def raise_url(strategy):
    return f"/risks/{strategy.slug}/raise/"


def edit_url(risk):
    return f"/risks/{risk.strategy.slug}/{risk.reference}/edit/"


def posted(world, people, **changes):
    data = {"reference": "SR7", "title": "Investors pull out", "cause": "Rates stay high",
            "effect": "Schemes stall", "owner": str(people["officer"].pk), "owner_title": "Head of Growth",
            "category": str(world["category"].pk), "objective": str(world["objective"].pk),
            "sub_strand": str(world["sub_strand"].pk), "inherent_likelihood": "4", "inherent_impact": "5",
            "target_likelihood": "2", "target_impact": "3", "controls": "Quarterly investor meetings.",
            "next_review_date-day": "15", "next_review_date-month": "1", "next_review_date-year": "2024",
            "exempt": "on", "kpis": [str(world["kpi"].pk)]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_raise_page_offers_the_matrix_words_and_the_councils_words(world, people):
    page = client_of(people["coordinator"]).get(raise_url(world["strategy"]))
    assert page.status_code == 200
    markup = page.content.decode()
    for name in ("inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact"):
        assert re.search(rf'<input[^>]*type="radio"[^>]*name="{name}"', markup) or \
            re.search(rf'<input[^>]*name="{name}"[^>]*type="radio"', markup)
    text = text_of(page)
    assert "Almost certain (5)" in text and "Severe (5)" in text
    assert "Priority" in text and "Strategic objective" not in text
    assert "INV-01: Jobs created" in text and "OTH-01" not in text
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="kpis"', markup) or \
        re.search(r'<input[^>]*name="kpis"[^>]*type="checkbox"', markup)


def test_the_coordinating_team_raises_a_risk_audited_raising_the_data_version(world, people):
    before = (data_version(), data_version(drafts=False))  # as a page reads it: a write after this raises it
    response = client_of(people["coordinator"]).post(raise_url(world["strategy"]), posted(world, people))
    assert response.status_code == 302
    risk = Risk.objects.get(reference="SR7")
    assert response["Location"] == edit_url(risk)
    assert (risk.title, risk.owner, risk.owner_title, risk.category, risk.objective, risk.sub_strand) == (
        "Investors pull out", people["officer"], "Head of Growth", world["category"], world["objective"],
        world["sub_strand"])
    assert (risk.inherent_likelihood, risk.inherent_impact, risk.target_likelihood, risk.target_impact) == (4, 5, 2, 3)
    assert risk.next_review_date == datetime.date(2024, 1, 15) and risk.exempt
    assert list(risk.kpis.all()) == [world["kpi"]]
    assert LogEntry.objects.get_for_object(risk).filter(actor=people["coordinator"]).exists()
    after = (data_version(), data_version(drafts=False))
    assert after[0] > before[0] and after[1] > before[1]


@pytest.mark.parametrize("who", ["officer", "approver", "reader"])
def test_only_the_coordinating_team_raises_or_edits(world, people, who):
    risk = make_risk(strategy=world["strategy"], owner=people["officer"])
    client = client_of(people[who])
    assert client.get(raise_url(world["strategy"])).status_code == 403
    assert client.post(raise_url(world["strategy"]), posted(world, people)).status_code == 403
    assert client.post(edit_url(risk), posted(world, people, version="1", title="Changed")).status_code == 403
    assert not Risk.objects.filter(reference="SR7").exists()
    assert Risk.objects.get(pk=risk.pk).title == "Investment slows"


BAD_INPUT = {
    "no title": ({"title": ""}, "title", "Enter the risk's title."),
    "a forged owner": ({"owner": "999999"}, "owner", "Choose one of the people listed."),
    "a reader as owner": ({"owner": "READER"}, "owner", "Choose one of the people listed."),
    "a malformed owner": ({"owner": "x'; drop"}, "owner", "Choose one of the people listed."),
    "another strategy's objective": ({"objective": "OTHER_OBJECTIVE", "sub_strand": ""}, "objective",
                                     "Choose one of the priorities listed."),
    "another strategy's KPI": ({"kpis": ["OTHER_KPI"]}, "kpis", "Choose only KPIs listed here."),
    "a malformed KPI": ({"kpis": ["abc"]}, "kpis", "Choose only KPIs listed here."),
    "a score off the matrix": ({"inherent_likelihood": "9"}, "inherent_likelihood",
                               "Choose one of the likelihoods listed."),
    "no score": ({"target_impact": ""}, "target_impact", "Choose the target impact."),
    "a date that does not exist": ({"next_review_date-day": "31", "next_review_date-month": "2"},
                                   "next_review_date", "real date"),
    "a forged category": ({"category": "424242"}, "category", "Choose one of the categories listed."),
    "a duplicate reference": ({"reference": "SR1"}, "reference", "SR1 is already the reference of a risk"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_is_answered_beside_its_field_and_nothing_is_written(world, people, case):
    make_risk(strategy=world["strategy"], reference="SR1")
    changes, field, message = BAD_INPUT[case]
    values = {"READER": str(people["reader"].pk), "OTHER_OBJECTIVE": str(world["other_objective"].pk)}
    changes = {k: ([str(world["other_kpi"].pk)] if v == ["OTHER_KPI"] else values.get(v, v) if isinstance(v, str) else v)
               for k, v in changes.items()}
    count = Risk.objects.count()
    response = client_of(people["coordinator"]).post(raise_url(world["strategy"]), posted(world, people, **changes))
    assert response.status_code == 400
    markup = response.content.decode()
    assert "There is a problem" in markup
    group = re.search(rf'<div class="govuk-form-group govuk-form-group--error[^"]*" id="id_{field}-group">',
                      markup, re.S)
    assert group is not None and "govuk-error-message" in markup[group.start():group.start() + 4000]
    assert message in text_of(response)
    assert Risk.objects.count() == count


def test_a_sub_strand_of_another_objective_is_refused(world, people):
    second = ObjectiveFactory(strategy=world["strategy"], name="Skills")
    response = client_of(people["coordinator"]).post(raise_url(world["strategy"]),
                                                     posted(world, people, objective=str(second.pk)))
    assert response.status_code == 400
    assert "of the priority chosen" in text_of(response)
    assert not Risk.objects.filter(reference="SR7").exists()


def test_the_edit_page_shows_the_entry_and_saves_a_change(world, people):
    risk = make_risk(strategy=world["strategy"], owner=people["officer"], objective=world["objective"])
    client = client_of(people["coordinator"])
    page = client.get(edit_url(risk))
    assert page.status_code == 200
    assert 'value="Investment slows"' in page.content.decode()
    response = client.post(edit_url(risk), posted(world, people, reference=None, version="1", title="Investors leave",
                                                  inherent_impact="3", exempt=None))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.inherent_impact, risk.exempt, risk.version) == ("Investors leave", 3, False, 2)
    assert list(risk.kpis.all()) == [world["kpi"]]
    assert risk.reference == "SR1"
    assert LogEntry.objects.get_for_object(risk).filter(actor=people["coordinator"]).exists()


def test_a_stale_edit_is_refused_saying_who_and_keeping_what_was_typed(world, people):
    risk = make_risk(strategy=world["strategy"])
    other = UserFactory(username="colleague", role=Role.COORDINATOR, first_name="Pat", last_name="Colleague")
    services.update_risk(risk=risk, by=other, version=1, title="Changed by Pat")
    response = client_of(people["coordinator"]).post(
        edit_url(risk), posted(world, people, reference=None, version="1", title="My own words"))
    assert response.status_code == 409
    text = text_of(response)
    assert "changed by Pat Colleague" in text
    assert 'value="My own words"' in response.content.decode()
    assert 'name="version" value="2"' in response.content.decode()
    risk.refresh_from_db()
    assert (risk.title, risk.version) == ("Changed by Pat", 2)


def test_update_risk_refuses_another_strategys_kpi_changing_nothing(world, people):
    from django.core.exceptions import ValidationError

    risk = make_risk(strategy=world["strategy"])
    with pytest.raises(ValidationError):
        services.update_risk(risk=risk, by=people["coordinator"], version=1, title="New", kpis=[world["other_kpi"]])
    risk.refresh_from_db()
    assert (risk.title, risk.version, risk.kpis.count()) == ("Investment slows", 1, 0)


def test_actions_added_changed_and_removed_on_their_pages(world, people):
    risk = make_risk(strategy=world["strategy"])
    client = client_of(people["coordinator"])
    base = f"/risks/{risk.strategy.slug}/{risk.reference}/actions/"
    assert client.get(base + "add/").status_code == 200
    added = client.post(base + "add/", {"description": "Bid for funding", "owner": "Head of Growth",
                                        "due_date-day": "31", "due_date-month": "3", "due_date-year": "2024",
                                        "status": "not_started"})
    assert added.status_code == 302
    action = RiskAction.objects.get(risk=risk)
    assert (action.description, action.owner, action.due_date) == ("Bid for funding", "Head of Growth",
                                                                   datetime.date(2024, 3, 31))
    assert "Bid for funding" in text_of(client.get(edit_url(risk)))
    bad = client.post(base + f"{action.pk}/", {"description": "", "status": "finished"})
    assert bad.status_code == 400 and "Enter the action." in text_of(bad)
    assert "Choose one of the statuses listed." in text_of(bad)
    changed = client.post(base + f"{action.pk}/", {"description": "Bid again", "status": "in_progress"})
    assert changed.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.status) == ("Bid again", "in_progress")
    assert client.get(base + f"{action.pk}/remove/").status_code == 200
    assert client.post(base + f"{action.pk}/remove/").status_code == 302
    assert not RiskAction.objects.exists()
    assert LogEntry.objects.filter(content_type__model="riskaction", actor=people["coordinator"]).count() == 3


def test_another_risks_action_is_not_found_through_this_risk(world, people):
    risk = make_risk(strategy=world["strategy"])
    theirs = RiskAction.objects.create(risk=make_risk(strategy=world["strategy"], reference="SR2"), description="Theirs")
    client = client_of(people["coordinator"])
    base = f"/risks/{risk.strategy.slug}/{risk.reference}/actions/"
    assert client.post(base + f"{theirs.pk}/", {"description": "Mine now", "status": "complete"}).status_code == 404
    assert client.post(base + f"{theirs.pk}/remove/").status_code == 404
    assert RiskAction.objects.get(pk=theirs.pk).description == "Theirs"


def test_the_links_are_offered_to_the_coordinating_team_only(world, people):
    risk = make_risk(strategy=world["strategy"], owner=people["officer"])
    review = f"/risks/{risk.strategy.slug}/{risk.reference}/reviews/2023-24-q1/"
    assert f'href="{edit_url(risk)}"' in client_of(people["coordinator"]).get(review).content.decode()
    assert f'href="{edit_url(risk)}"' not in client_of(people["officer"]).get(review).content.decode()
    assert f'href="{raise_url(world["strategy"])}"' in client_of(people["coordinator"]).get("/my-returns/").content.decode()
    assert f'href="{raise_url(world["strategy"])}"' not in client_of(people["officer"]).get("/my-returns/").content.decode()


def test_each_change_to_the_register_raises_the_readers_data_version(world, people):
    risk = make_risk(strategy=world["strategy"])
    by = people["coordinator"]
    seen = [data_version(drafts=False)]
    services.update_risk(risk=risk, by=by, version=1, title="New title", kpis=[world["kpi"]])
    seen.append(data_version(drafts=False))
    action = services.add_action(risk=risk, by=by, description="Bid", owner="", due_date=None, status="not_started")
    seen.append(data_version(drafts=False))
    services.update_action(action=action, by=by, description="Bid again", owner="", due_date=None, status="complete")
    seen.append(data_version(drafts=False))
    services.remove_action(action=action, by=by)
    seen.append(data_version(drafts=False))
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
