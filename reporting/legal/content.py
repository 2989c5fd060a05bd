"""What the accessibility statement, the privacy notice and the cookies page say that the product
itself can vouch for, kept beside the tests that keep it true:

- AXE_CORE_VERSION and AXE_CHECKED_PAGES: the pages the browser tests check with axe-core (a test
  checks that each one is checked, and that the version is the one axe-playwright-python bundles);
- COOKIES: every cookie the product sets (a test collects the cookies a whole visit sets and
  compares them with this list).
"""
from dataclasses import dataclass

from django.conf import settings

AXE_CORE_VERSION = "4.12.1"
AXE_RULE_SETS = "WCAG 2.0, 2.1 and 2.2, levels A and AA"
PREPARED_ON = "1 December 2026"

# (label as the browser tests name the page, where it is, the screen widths it is checked at); where it
# is asks for the council's words by name (objectives.council.words: "{sub_strand.a}").
AXE_CHECKED_PAGES = [
    ("sign-in page", "/accounts/login/", "1280 px"),
    ("sign-in page with errors", "/accounts/login/", "1280 px"),
    ("overview", "/", "1280 px"),
    ("my returns", "/my-returns/", "1280 px"),
    ("empty return form", "a period's return", "1280 px"),
    ("return form with errors", "a period's return", "1280 px"),
    ("submitted return", "a period's return", "1280 px"),
    ("review queue", "/review/", "1280 px"),
    ("return under review", "a period's return", "1280 px"),
    ("dashboard", "/dashboard/", "1280 px"),
    ("KPI page with chart", "a KPI's page", "1280 px"),
    ("briefing", "a period's briefing note", "1280 px"),
    ("public dashboard", "/public/", "1280 px and 375 px"),
    ("public briefing", "a period's published briefing note", "1280 px and 375 px"),
    ("public sub-strand page", "{sub_strand.a}'s public page", "1280 px and 375 px"),
    ("public KPI page", "a KPI's public page, with its chart", "1280 px and 375 px"),
    ("open data", "/public/data/", "1280 px and 375 px"),
    ("accessibility statement", "/accessibility/", "1280 px and 375 px"),
    ("privacy notice", "/privacy/", "1280 px and 375 px"),
    ("cookies page", "/cookies/", "1280 px and 375 px"),
    ("sign-in page with Sign in with Microsoft", "/accounts/login/, with single sign-on on", "1280 px"),
    ("API tokens page", "/account/api-tokens/", "1280 px"),
    ("API tokens page at 375 px", "/account/api-tokens/", "375 px"),
    ("new token page", "/account/api-tokens/, after making a token", "1280 px"),
    ("committee report", "an action plan's committee report", "1280 px"),
    ("attach papers", "a recommendation's update: its attached papers", "1280 px"),
    ("attach papers with errors", "a recommendation's update: its attached papers", "1280 px"),
    ("attach papers with one attached", "a recommendation's update: its attached papers", "1280 px"),
    ("return form at 375 px", "a period's return", "375 px"),
    ("session timeout warning", "any signed-in page, a few minutes before the session ends", "1280 px"),
    ("sign-in paused page", "/accounts/login/, after too many incorrect passwords", "375 px"),
    ("password reset page", "/accounts/password-reset/", "375 px"),
    ("refusal page", "a page the account's role may not open", "375 px"),
    ("the owner's review form", "a risk's review in a period, as its owner", "1280 px and 375 px"),
    ("the approver's review page", "a risk's review in a period, submitted", "1280 px and 375 px"),
    ("the raise a risk page", "the risk register: raise a risk", "1280 px and 375 px"),
    ("the edit page with an action", "the risk register: change a risk and its actions", "1280 px and 375 px"),
    ("KPI page with the comparison", "a KPI's page, compared with similar councils", "1280 px and 375 px"),
]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies():
    """Every cookie the product sets: all of them essential (none for analytics or advertising)."""
    hours = settings.SESSION_COOKIE_AGE // 3600
    return [
        Cookie(settings.SESSION_COOKIE_NAME, "Keeps you signed in. Set when you sign in, or when your session ends "
                                             "while you are sending a form, to keep what you typed until you sign in again.",
               f"When you close your browser, or after {hours} hour{'s' if hours != 1 else ''} without using the service"),
        Cookie(settings.CSRF_COOKIE_NAME, "Stops other websites sending forms in your name (cross-site request forgery). "
                                          "Set on pages with a form, such as the sign-in page.",
               f"After {settings.CSRF_COOKIE_AGE // (24 * 3600)} days"),
        Cookie("messages", "Carries a confirmation, such as “The return has been saved”, to the next page you see.",
               "When you close your browser, or as soon as the message has been shown"),
    ]


def contact_email():
    """Where people write about accessibility and privacy: CONTACT_EMAIL, else the service's own address."""
    return settings.CONTACT_EMAIL or settings.DEFAULT_FROM_EMAIL
