"""govuk-frontend 6's header in Chromium (issue 27): the approver, who has the most links, reads the
whole menu on one line at 1280 px (it wrapped under the old header); at 375 px the Service navigation's
own Menu button opens it, and nothing is wider than the phone. And a character count counts as one types."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_approvers_menu_is_one_line_at_1280_px_and_opens_from_its_button_at_375_px(page, sign_in, demo_users):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("approver")
    page.goto("/dashboard/")
    items = page.locator("#navigation > li")
    assert items.count() >= 6  # the approver's links and Sign out
    tops = set(page.eval_on_selector_all("#navigation > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"))
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines at 1280 px"
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.locator(".govuk-header__logotype, .govuk-logo, svg.govuk-header__logotype").count() == 0  # no crown

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/dashboard/")
    menu, links = page.get_by_role("button", name="Menu"), page.locator("#navigation")
    assert menu.is_visible() and not links.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert links.get_by_role("link", name="Review queue").is_visible()
    assert links.get_by_role("button", name="Sign out approver").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_character_count_says_what_is_left_as_one_types(page, sign_in, demo_users):
    sign_in("officer")
    page.goto("/periods/2023-24-q2/returns/housing/")
    box = page.locator("#id_commentary")
    box.fill("Twelve chars")
    page.wait_for_timeout(300)  # the count is said after a short pause, as govuk-frontend does
    said = page.locator("#id_commentary-group .govuk-character-count__status").inner_text()
    assert said == "You have 9,988 characters remaining", said
