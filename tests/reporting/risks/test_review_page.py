"""The review page: the owner's form (the matrix's words as radios, the score and band shown), Save
and Submit; the approver's Approve and Send back with a reason; a refused step's reason where its
button would be; a forged address, a stale edit and a malformed form answered clearly, changing nothing."""
import re

import pytest
from django.test import Client

from objectives.models import ReportingPeriod, Role
from reporting.models import RiskAction, RiskReview
from tests.factories import PeriodFactory, StrategyFactory, UserFactory
from tests.reporting.risks.helpers import four_by_four, make_risk

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def people():
    return {role: UserFactory(username=role, role=getattr(Role, role.upper()), first_name=role.title())
            for role in ("officer", "coordinator", "approver", "reader")}


@pytest.fixture
def risk(people):
    strategy = StrategyFactory()
    PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN)
    found = make_risk(strategy=strategy, owner=people["officer"])
    RiskAction.objects.create(risk=found, description="Bid for funding", order=1)
    return found


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def url(risk, suffix=""):
    return f"/risks/{risk.strategy.slug}/{risk.reference}/reviews/2023-24-q1/{suffix}"


def posted(risk, **changes):
    action = risk.actions.get()
    data = {"version": "0", "current_likelihood": "4", "current_impact": "4", "direction": "increasing",
            "commentary": "Rates rose.", "actions_progress": "", f"action_{action.pk}_status": "in_progress",
            "intent": "save"}
    data.update(changes)
    return data


def test_the_owner_sees_the_matrix_words_as_radios(risk, people):
    page = client_of(people["officer"]).get(url(risk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio" name="current_likelihood" value="4"' in html.replace("  ", " ") or \
        re.search(r'<input[^>]*name="current_likelihood"[^>]*value="4"', html)
    assert "Almost certain (5)" in html and "Severe (5)" in html
    assert "Save as draft" in html


def test_the_owner_saves_then_submits_and_sees_the_score_and_band(risk, people):
    client = client_of(people["officer"])
    saved = client.post(url(risk), posted(risk))
    assert saved.status_code == 302
    page = text_of(client.get(url(risk)))
    assert "Likely (4) x Major (4) = 16, High" in page
    assert "Outside risk appetite" in page
    assert risk.actions.get().status == "in_progress"
    review = RiskReview.objects.get()
    submitted = client.post(url(risk), posted(risk, intent="submit", version=str(review.version)))
    assert submitted.status_code == 302
    assert RiskReview.objects.get().state == "submitted"


def test_on_a_four_by_four_matrix_the_radios_are_its_words(people):
    four_by_four()
    strategy = StrategyFactory()
    PeriodFactory(strategy=strategy, state=ReportingPeriod.State.OPEN)
    risk = make_risk(strategy=strategy, owner=people["officer"], inherent_impact=3, target_impact=1)
    html = client_of(people["officer"]).get(url(risk)).content.decode()
    assert "Very likely (4)" in html and "Critical (4)" in html
    assert "Almost certain" not in html


def test_an_incomplete_submit_names_what_is_missing_and_keeps_the_draft(risk, people):
    client = client_of(people["officer"])
    response = client.post(url(risk), posted(risk, intent="submit", commentary="", direction=""))
    assert response.status_code == 400
    page = text_of(response)
    assert "Write the commentary." in page and "Say the direction of travel." in page
    assert RiskReview.objects.get().state == "draft"


def test_a_malformed_form_is_refused_clearly_changing_nothing(risk, people):
    client = client_of(people["officer"])
    response = client.post(url(risk), posted(risk, current_likelihood="9", version="x"))
    assert response.status_code == 400
    assert "Choose one of the likelihoods listed." in text_of(response)
    assert not RiskReview.objects.exists()


def test_a_stale_edit_is_refused_saying_so_changing_nothing(risk, people):
    client = client_of(people["officer"])
    client.post(url(risk), posted(risk))
    review = RiskReview.objects.get()
    client_of(people["coordinator"]).post(url(risk), posted(risk, commentary="Theirs", version=str(review.version)))
    response = client.post(url(risk), posted(risk, commentary="Mine", version=str(review.version)))
    assert response.status_code == 409
    assert "changed by Coordinator" in text_of(response)
    assert RiskReview.objects.get().commentary == "Theirs"


def test_a_forged_address_is_not_found(risk, people):
    client = client_of(people["officer"])
    assert client.get(f"/risks/{risk.strategy.slug}/SR99/reviews/2023-24-q1/").status_code == 404
    assert client.get(f"/risks/{risk.strategy.slug}/SR1/reviews/2030-31-q1/").status_code == 404
    other = PeriodFactory(strategy=StrategyFactory(name="Other", slug="other"), state="closed")
    assert client.get(f"/risks/{risk.strategy.slug}/SR1/reviews/{other.slug}/").status_code == 404


def test_the_approver_approves_on_the_review_page(risk, people):
    review = RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state="submitted",
                                       current_likelihood=2, current_impact=2, direction="stable", commentary="Fine")
    client = client_of(people["approver"])
    page = client.get(url(risk))
    assert "Approve" in text_of(page) and "Send back" in text_of(page)
    response = client.post(url(risk, "approve/"), {"version": str(review.version)})
    assert response.status_code == 302
    assert RiskReview.objects.get().state == "approved"


def test_the_approver_sends_back_with_a_reason(risk, people):
    review = RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state="submitted",
                                       current_likelihood=2, current_impact=2, direction="stable", commentary="Fine")
    client = client_of(people["approver"])
    empty = client.post(url(risk, "send-back/"), {"version": str(review.version), "reason": ""})
    assert empty.status_code == 400
    assert "Say what needs to change" in text_of(empty)
    assert RiskReview.objects.get().state == "submitted"
    client.post(url(risk, "send-back/"), {"version": str(review.version), "reason": "Why 2?"})
    assert RiskReview.objects.get().state == "returned"
    owner_page = text_of(client_of(people["officer"]).get(url(risk)))
    assert "Sent back for changes: Why 2?" in owner_page


def test_a_refused_step_shows_its_reason_where_its_button_would_be(risk, people):
    RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state="approved",
                              current_likelihood=2, current_impact=2, direction="stable", commentary="Fine")
    response = client_of(people["officer"]).get(url(risk))
    assert "Changing this review is not possible now." in text_of(response)
    assert 'value="save"' not in response.content.decode()
    approver = text_of(client_of(people["approver"]).get(url(risk)))
    assert "Approving this review is not possible now. The review of SR1 for 2023/24 Q1 has already been approved." in approver


def test_a_reader_never_sees_a_draft(risk, people):
    RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state="draft", commentary="Secret")
    assert client_of(people["reader"]).get(url(risk)).status_code == 403
    assert client_of(people["reader"]).get(f"/risks/{risk.strategy.slug}/SR1/").status_code == 403


def test_an_officer_who_does_not_own_it_cannot_post(risk, people):
    other = UserFactory(username="other", role=Role.OFFICER)
    assert client_of(other).post(url(risk), posted(risk)).status_code == 403
    assert not RiskReview.objects.exists()


def test_my_returns_lists_the_risk_reviews_the_officer_owns(risk, people):
    page = client_of(people["officer"]).get("/my-returns/?strategy=" + risk.strategy.slug)
    text = text_of(page)
    assert "Your risk reviews" in text and "SR1: Investment slows" in text and "Not started" in text
    assert f'href="{url(risk)}"' in page.content.decode()
    assert "Your risk reviews" not in text_of(client_of(people["coordinator"]).get("/my-returns/"))


def test_the_review_queue_lists_submitted_risk_reviews(risk, people):
    RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(), state="submitted",
                              current_likelihood=2, current_impact=2, direction="stable", commentary="Fine")
    text = text_of(client_of(people["approver"]).get("/review/"))
    assert "1 risk review submitted and waiting for approval" in text and "SR1: Investment slows" in text


def test_a_review_started_and_saved_by_someone_else_meanwhile_is_not_overwritten(risk, people):
    client_of(people["coordinator"]).post(url(risk), posted(risk, commentary="Theirs"))
    response = client_of(people["officer"]).post(url(risk), posted(risk, commentary="Mine", version="0"))
    assert response.status_code == 409
    assert RiskReview.objects.get().commentary == "Theirs"


def test_the_scores_over_time_are_the_approved_reviews_in_words(risk, people):
    earlier = PeriodFactory(strategy=risk.strategy, financial_year=2022, number=4, state="closed")
    RiskReview.objects.create(risk=risk, period=earlier, state="approved", current_likelihood=5, current_impact=4,
                              direction="increasing", commentary="Worse")
    RiskReview.objects.create(risk=risk, period=risk.strategy.periods.get(number=1, financial_year=2023),
                              state="approved", current_likelihood=3, current_impact=4, direction="decreasing",
                              commentary="Better")
    page = text_of(client_of(people["reader"]).get(url(risk)))
    assert "2022/23 Q4 Almost certain (5) Major (4) 20, Very high Risk increasing" in page
    assert "2023/24 Q1 Possible (3) Major (4) 12, High Risk decreasing" in page
