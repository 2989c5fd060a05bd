"""The return form in a real Chromium (issue 14, items 8 and 5): GOV.UK conditional reveals with and
without JavaScript, GOV.UK's date input, the Digital return's height, the page at 375 px."""
import pytest

from kpis.models import KPI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSING = "/periods/2023-24-q2/returns/housing/"
DIGITAL = "/periods/2023-24-q2/returns/digital/"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
DIGITAL_HEIGHT_BEFORE = 9435  # px at 1280 px wide, seven fields for every KPI (measured before issue 14)


def kpi_id(code):
    return KPI.objects.get(code=code).id


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_ticking_reveals_the_expected_date_and_the_override_and_a_date_comes_back_as_typed(page, sign_in, demo_users):
    hou01, hou02 = kpi_id("HOU-01"), kpi_id("HOU-02")
    page.set_viewport_size(DESKTOP)
    sign_in("officer")
    page.goto(HOUSING)
    day = page.locator(f"#id_kpi-{hou01}-expected_date-day")
    reason = page.locator(f"#id_kpi-{hou02}-override_reason")
    assert not day.is_visible() and not reason.is_visible()
    page.get_by_label("Not yet available").first.check()
    assert day.is_visible()
    page.locator(f"#id_kpi-{hou02}-override").check()
    assert reason.is_visible() and page.locator(f"#id_kpi-{hou02}-rag_override").is_visible()
    page.locator(f"#id_kpi-{hou02}-override").uncheck()
    assert not reason.is_visible()

    day.fill("30")
    page.locator(f"#id_kpi-{hou01}-expected_date-month").fill("6")
    page.locator(f"#id_kpi-{hou01}-expected_date-year").fill("2024")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    assert "2024-06-30" not in page.content()
    boxes = [page.locator(f"#id_kpi-{hou01}-expected_date-{part}").input_value() for part in ("day", "month", "year")]
    assert boxes == ["30", "6", "2024"]
    assert day.is_visible()  # saved as "not yet available": open
    assert page.console_errors == []


def test_without_javascript_every_field_shows(browser, live_server, demo_users):
    from tests.conftest import DEMO_PASSWORDS

    hou01, hou02 = kpi_id("HOU-01"), kpi_id("HOU-02")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORDS["officer"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(HOUSING)
    for selector in (f"#id_kpi-{hou01}-expected_date-day", f"#id_kpi-{hou02}-rag_override", f"#id_kpi-{hou02}-override_reason"):
        assert page.locator(selector).is_visible(), selector
    context.close()


def test_the_digital_return_is_shorter_and_fits_a_phone(page, sign_in, demo_users, axe_check):
    page.set_viewport_size(DESKTOP)
    sign_in("coordinator")
    page.goto(DIGITAL)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < DIGITAL_HEIGHT_BEFORE * 0.7, height  # 5,812 px when measured
    page.set_viewport_size(PHONE)
    page.goto(HOUSING)
    assert page_width(page) <= PHONE["width"]
    axe_check(page, "return form at 375 px")
    page.goto(DIGITAL)
    assert page_width(page) <= PHONE["width"]


# -- no lost work (item 5) ---------------------------------------------------------------------

TYPED = "Completions ahead of plan; typed while the session ran out."


def test_a_session_that_ends_mid_return_gives_the_typed_text_back_after_signing_in(page, sign_in, demo_users):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tests.conftest import DEMO_PASSWORDS

    sign_in("officer")
    page.goto(HOUSING)
    commentary = page.get_by_label("Commentary", exact=True)
    commentary.fill("")
    commentary.press_sequentially(TYPED)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))  # the session ends
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    assert "/accounts/login/" in page.url
    assert "what you typed has been kept" in page.content()
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORDS["officer"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(HOUSING)
    assert page.get_by_label("Commentary", exact=True).input_value() == TYPED
    assert "What you typed before your session ended has been put back" in page.content()


def test_leaving_a_changed_form_warns_and_saving_it_does_not(page, sign_in, demo_users):
    sign_in("officer")
    page.goto(HOUSING)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", answer)
    page.get_by_role("link", name="My returns").first.click()  # nothing changed: no question
    page.wait_for_url("**/my-returns/")
    assert asked == []
    page.goto(HOUSING)
    page.get_by_label("Commentary", exact=True).press_sequentially(" And one more thing.")
    page.get_by_role("link", name="My returns").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and page.url.endswith(HOUSING)  # stayed, the text still there
    assert "And one more thing." in page.get_by_label("Commentary", exact=True).input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    assert asked == ["beforeunload"], "saving is not leaving"
    assert "And one more thing." in page.get_by_label("Commentary", exact=True).input_value()


def test_a_warning_before_the_session_ends_and_stay_signed_in(page, sign_in, demo_users, settings, axe_check):
    from django.contrib.sessions.models import Session

    settings.SESSION_WARNING_SECONDS = settings.SESSION_COOKIE_AGE - 2  # the warning two seconds after the page
    sign_in("officer")
    page.goto(HOUSING)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=10000)
    assert page.evaluate("document.activeElement.id") == "session-timeout-title"  # focus moved to it
    assert "you will be signed out in" in dialog.inner_text()
    assert not dialog.get_by_role("button", name="Close").is_visible()  # only once the time has run out
    axe_check(page, "session timeout warning")
    before = Session.objects.get().expire_date
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert Session.objects.get().expire_date > before  # the session's end moved on
    assert page.url.endswith(HOUSING) and page.console_errors == []
