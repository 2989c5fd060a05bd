"""Issue 13's defects 4, 6, 8 and 9, each as a hostile user met it: every answer below 500, a clear
message, and nothing changed by a refusal. (Figures: tests/kpis/test_figure_range.py; races:
tests/reliability/; workbooks: test_hostile_workbooks.py; production: test_production_smoke.py.)"""
import html

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from kpis.models import KPI
from objectives.models import Action
from objectives.signin import client_address
from reporting.models import ActionUpdate, FigureBreakdownItem, OutputFigure, PlanUpdate, QuarterlyReturn
from reporting.returns.forms import as_post_data, initial_form_data
from tests.reporting._returns_support import database_state, form_fields, housing_return, return_url
from tests.reporting.plan_helpers import update_post

PLAN = "employment"


def text(response):
    return html.unescape(response.content.decode())


# -- 4. sign-in ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 255, 256, 300, 5000])
def test_a_very_long_username_gets_the_sign_in_page_not_a_500(length):
    response = Client(raise_request_exception=False).post(reverse("login"), {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in text(response)


@pytest.mark.django_db
def test_password_spraying_from_one_address_locks_the_address(demo_users, settings):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(settings.AXES_IP_FAILURE_LIMIT - 1):  # one guess at each of many usernames: never five at one
        assert client.post(reverse("login"), {"username": f"someone{i}", "password": "Summer2024!"}).status_code == 200
    assert client.post(reverse("login"), {"username": "someone-else", "password": "Summer2024!"}).status_code == 429
    locked = client.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"})
    assert locked.status_code == 429 and "Too many sign-in attempts" in text(locked)
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")  # another address is not locked
    assert elsewhere.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"}).status_code == 302


@pytest.mark.django_db
def test_a_few_failures_across_usernames_do_not_lock_the_address(demo_users):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for i in range(4):
        client.post(reverse("login"), {"username": f"typo{i}", "password": "x"})
    assert client.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"}).status_code == 302


def _request(remote, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_client_address_is_the_connections_unless_trusted_proxies_are_configured():
    with override_settings(TRUSTED_PROXY_COUNT=0):  # anyone can type X-Forwarded-For: never believed
        assert client_address(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"
    with override_settings(TRUSTED_PROXY_COUNT=1):  # one load balancer: the address it wrote, the right-most
        assert client_address(_request("10.0.0.5", "1.2.3.4")) == "1.2.3.4"
        assert client_address(_request("10.0.0.5", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"  # a forged entry to its left
        assert client_address(_request("10.0.0.5")) == "10.0.0.5"
        assert client_address(_request("10.0.0.5", "not-an-address")) == "10.0.0.5"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address(_request("10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9")) == "1.2.3.4"


@pytest.mark.django_db
def test_behind_a_load_balancer_each_client_is_throttled_on_its_own(demo_users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.50")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("login"), {"username": "cabinet", "password": "wrong"})
    colleague = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.60")  # same balancer, other client
    assert colleague.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"}).status_code == 302


@pytest.fixture
def proxy_note():
    """The note that a request came through a proxy is kept in the cache: each test starts and ends without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_proxy_not_believed_is_warned_of_on_the_admins_home_page_and_in_check_deploy(client_for, settings, proxy_note):
    """Behind a load balancer with TRUSTED_PROXY_COUNT left at 0 (requests carry X-Forwarded-For),
    the administrator is told on the admin's home page, and `check --deploy` warns."""
    from django.core import checks

    settings.TRUSTED_PROXY_COUNT = 0
    admin = client_for("admin")
    before = admin.get(reverse("admin:index")).content.decode()
    assert "TRUSTED_PROXY_COUNT" not in before  # nothing came through a proxy yet
    Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.50").get(reverse("login"))
    page = admin.get(reverse("admin:index")).content.decode()
    assert "Sign-in throttling cannot tell people apart" in page and "Set TRUSTED_PROXY_COUNT" in page
    # check --deploy's own checks, asked as the command asks them (the test run's environment makes
    # Django's async-safety check an error, which would stop the command before it prints ours)
    deploy = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "objectives.W001"]
    assert deploy and "TRUSTED_PROXY_COUNT is 0" in deploy[0].msg
    settings.TRUSTED_PROXY_COUNT = 1  # set as it should be: no warning, on the page or in the check
    assert "TRUSTED_PROXY_COUNT" not in admin.get(reverse("admin:index")).content.decode()
    assert not [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "objectives.W001"]


# -- 6. whole numbers in requests --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "２０２３", "9223372036854775808", "-1", "2023.0"])
def test_a_calendar_year_that_is_not_a_plain_number_shows_the_current_year(client_for, year):
    assert client_for("coordinator").get(reverse("period-calendar"), {"year": year}).status_code == 200
    # (a NUL anywhere in a request is refused before any page: tests/security/test_unstorable_text.py)


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["²", "99999999999", "-3", "3.0"])
def test_a_forged_recommendation_number_is_ignored(client_for, sefton, number):
    response = client_for("coordinator").get(reverse("action-update-new", args=[PLAN, "2017-12"]), {"recommendation": number})
    assert response.status_code in (200, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("ids", [["²"], ["9223372036854775808"], ["1", "²"], ["-1"], ["١"]])
def test_forged_return_ids_in_bulk_approval_change_nothing(demo_users, client_for, ids):
    housing_return(demo_users, "submitted")
    before = database_state()
    response = client_for("approver").post(reverse("review-approve"), {"returns": ids})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert database_state() == before


# -- 8. the edit lock -----------------------------------------------------------------------------------


@pytest.fixture
def june(sefton, demo_users):
    plan_update = PlanUpdate.objects.create(plan=PlanUpdate.objects.get(slug="2017-12").plan, slug="2018-06",
                                            title="June 2018", as_at="2018-06-30")
    au = ActionUpdate.objects.create(action=Action.objects.get(plan__slug=PLAN, number=14), plan_update=plan_update,
                                     narrative="Draft narrative", state="draft")
    fig = OutputFigure.objects.create(action_update=au, order=1, label="Referrals", value=91, unit="referrals")
    FigureBreakdownItem.objects.create(figure=fig, order=1, label="Start up", value=91)
    return plan_update, au


def plan_state():
    return (list(ActionUpdate.objects.order_by("pk").values_list("pk", "narrative", "version")),
            list(OutputFigure.objects.order_by("pk").values_list("pk", "label", "value")),
            list(FigureBreakdownItem.objects.order_by("pk").values_list("pk", "label", "value")),
            list(PlanUpdate.objects.order_by("pk").values_list("pk", "summary", "version")))


def test_the_plan_cover_form_without_its_version_is_refused(client_for, june):
    plan_update, _ = june
    client = client_for("coordinator")
    url = reverse("plan-report-cover", args=[PLAN, "2018-06"])
    fields = form_fields(client.get(url).content, css_class=None)
    fields.pop("version")
    fields["summary"] = "Overwritten without the lock"
    before = plan_state()
    response = client.post(url, fields)
    assert response.status_code == 200 and "There is a problem" in text(response)
    assert plan_state() == before


def test_the_plan_update_form_without_its_version_is_refused(client_for, june):
    client = client_for("officer")
    data = update_post(narrative="Overwritten without the lock", figures=[{"label": "Referrals", "value": "91"}])
    before = plan_state()
    response = client.post(reverse("action-update-edit", args=[PLAN, "2018-06", 14]), data)
    assert response.status_code == 200 and "There is a problem" in text(response)
    assert plan_state() == before


@pytest.mark.parametrize("total", ["-1", "0", "-100"])
def test_a_forged_figure_count_deletes_nothing(client_for, june, total):
    _, au = june
    data = update_post(narrative="Draft narrative", version=au.version, figures=[{"label": "Referrals", "value": "91"}])
    data["figures-TOTAL_FORMS"] = total
    before = plan_state()
    response = client_for("officer").post(reverse("action-update-edit", args=[PLAN, "2018-06", 14]), data)
    assert response.status_code == 200
    assert "The form was damaged or is out of date" in text(response)
    assert plan_state() == before and OutputFigure.objects.filter(action_update=au).count() == 1


def test_a_forged_breakdown_count_deletes_nothing(client_for, june):
    _, au = june
    data = update_post(narrative="Draft narrative", version=au.version,
                       figures=[{"label": "Referrals", "value": "91", "breakdown": [("Start up", "91")]}])
    data["figures-0-breakdown-TOTAL_FORMS"] = "-1"
    before = plan_state()
    response = client_for("officer").post(reverse("action-update-edit", args=[PLAN, "2018-06", 14]), data)
    assert response.status_code == 200 and "There is a problem" in text(response)
    assert plan_state() == before


# -- 9. the smaller points -----------------------------------------------------------------------------


def test_a_second_click_on_approve_says_it_is_already_approved(demo_users, client_for):
    ret = housing_return(demo_users, "submitted")
    approver = client_for("approver")
    url = reverse("return-approve", args=["2023-24-q2", "housing"])
    assert approver.post(url, {"version": ret.version}).status_code == 302
    again = approver.post(url, {"version": ret.version}, follow=True)
    assert again.status_code == 200
    assert "Housing (2023/24 Q2) has already been approved." in text(again)
    assert "You do not have permission" not in text(again)


def test_approving_without_the_version_is_refused(demo_users, client_for):
    housing_return(demo_users, "submitted")
    before = database_state()
    response = client_for("approver").post(reverse("return-approve", args=["2023-24-q2", "housing"]), {}, follow=True)
    assert "has been changed since you opened it" in text(response)
    assert database_state() == before


def test_a_double_clicked_save_does_not_say_someone_else_changed_it(demo_users, client_for):
    housing_return(demo_users, "draft")
    officer = client_for("officer")
    page = form_fields(officer.get(return_url()).content)
    page.update({"commentary": "Typed once, clicked twice", "intent": "save"})
    assert officer.post(return_url(), page).status_code == 302
    second = officer.post(return_url(), page)
    assert second.status_code == 409
    words = text(second)
    assert "You saved this return" in words and "pressing Save twice" in words
    assert "changed by Olivia Officer" not in words


@pytest.mark.parametrize("reason", ["\u200b\u200b\u200b", "\ufeff", " \u2060 \u200d ", "\u00a0\u3000"])
def test_an_override_reason_of_invisible_characters_is_refused(demo_users, client_for, reason):
    ret = housing_return(demo_users, "draft")
    hou02 = KPI.objects.get(code="HOU-02")
    data = as_post_data(initial_form_data(ret))
    data.update({f"kpi-{hou02.id}-override": "on", f"kpi-{hou02.id}-rag_override": "red",
                 f"kpi-{hou02.id}-override_reason": reason, "intent": "save"})
    before = database_state()
    response = client_for("officer").post(return_url(), data)
    assert "HOU-02: give a reason for overriding the status" in text(response)
    assert database_state() == before


@pytest.mark.parametrize("comment", ["\u200b", "\u200b \u200c"])
def test_a_send_back_comment_of_invisible_characters_is_refused(demo_users, client_for, comment):
    housing_return(demo_users, "submitted")
    before = database_state()
    response = client_for("approver").post(reverse("return-send-back", args=["2023-24-q2", "housing"]),
                                           {"version": QuarterlyReturn.objects.get(sub_strand__slug="housing",
                                                                                   period__slug="2023-24-q2").version,
                                            "comment": comment})
    assert response.status_code == 200 and "Write a comment saying what needs to change" in text(response)
    assert database_state() == before


def test_the_plan_narrative_and_cover_have_length_limits(client_for, june):
    _, au = june
    before = plan_state()
    response = client_for("officer").post(reverse("action-update-edit", args=[PLAN, "2018-06", 14]), update_post(
        narrative="x" * 10_001, version=au.version))
    assert "The progress must be 10,000 characters or fewer" in text(response)
    client = client_for("coordinator")
    url = reverse("plan-report-cover", args=[PLAN, "2018-06"])
    fields = form_fields(client.get(url).content, css_class=None)
    fields["summary"] = "y" * 20_001
    response = client.post(url, fields)
    assert "Summary must be 20,000 characters or fewer" in text(response)
    assert plan_state() == before


def test_a_body_over_the_upload_limit_gets_a_page_in_words(client_for, june, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    _, au = june
    before = plan_state()
    response = client_for("officer").post(reverse("action-update-edit", args=[PLAN, "2018-06", 14]), update_post(
        narrative="z" * 200_000, version=au.version))
    assert response.status_code == 400
    assert "What you sent is larger than the 98 KB this service takes at once" in text(response)
    assert "nothing has been saved" in text(response)
    assert "Bad Request (400)" not in text(response)
    assert plan_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/", "/dashboard/", "/dashboard/?_export=csv", "/action-plans/employment/reports/2017-12/report.docx",
    "/periods/2023-24-q1/briefing/", "/periods/2023-24-q1/briefing.xlsx", "/kpis/HOU-02/", "/action-plans/",
])
def test_what_a_signed_in_person_gets_is_private_to_them(client_for, url):
    response = client_for("cabinet").get(url)
    assert response.status_code == 200, response.status_code
    assert "private" in response["Cache-Control"], (url, response.get("Cache-Control"))
    assert "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_a_second_click_on_issue_says_the_briefing_is_already_issued(client_for):
    for method in ("get", "post"):
        response = getattr(client_for("approver"), method)(reverse("briefing-issue", args=["2023-24-q1"]),
                                                           *([{"version": "1"}] if method == "post" else []), follow=True)
        assert response.redirect_chain[-1][0] == reverse("briefing", args=["2023-24-q1"])
        assert "This briefing has already been issued." in text(response)
    assert client_for("cabinet").get(reverse("briefing-issue", args=["2023-24-q1"])).status_code == 403
