"""The return form's live status in a real Chromium (static/js/return-form.js asks the server,
reporting.returns.live_rating) shows, while the officer types, what a save gives the same figure: on
the shared table of cases (tests/kpis/rag_cases.py), which tests/reporting/returns/test_live_rating.py
checks against what the save stores."""
import re
from pathlib import Path

import pytest
from django.conf import settings

from kpis.rag import rag_label, suggested_overall
from objectives.models import SubStrand
from tests.kpis.rag_cases import CASES, make_case_kpis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = '.app-return-form[data-live-rating="shown"]'  # the page has shown the answer to the latest change
WORDS = {"Red": "red", "Amber": "amber", "Green": "green"}
# How long the page waits after the last change before it asks the server (static/js/return-form.js).
# The page's clock is Playwright's (page.clock): each case moves it on by that much at once, rather
# than the test waiting for it (49 cases: 12 s of a browser and a test doing nothing).
DELAY = int(re.search(r"var DELAY = (\d+);", (Path(settings.BASE_DIR) / "static/js/return-form.js").read_text())[1])


def type_case(page, case, kpi):
    """Type (or choose) what the case says, as an officer would, and wait for the page's answer."""
    if kpi.is_milestone:
        page.select_option(f'[name="kpi-{kpi.id}-milestone_status"]', case.typed)
    else:
        page.set_checked(f'[name="kpi-{kpi.id}-not_available"]', case.not_available)
        page.fill(f'[name="kpi-{kpi.id}-value"]', case.typed)
    page.clock.run_for(DELAY)  # the moment after the last change: the page asks
    page.locator(SHOWN).wait_for()


def live_status(page, kpi):
    """(the word in the status tag, the words beside it)."""
    shown = page.locator(f'[data-live-rag="{kpi.id}"]')
    return shown.locator("strong").inner_text(), " ".join(shown.inner_text().split())


def test_the_live_status_shows_what_a_save_gives_on_every_shared_case(page, sign_in, demo_users):
    kpis = make_case_kpis(SubStrand.objects.get(slug="housing"))
    sign_in("officer")
    page.clock.install()
    page.goto("/periods/2023-24-q2/returns/housing/")
    page.clock.run_for(DELAY)
    page.locator(SHOWN).wait_for()  # the first answer, for what the page opened with
    wrong = []
    for case in CASES:
        kpi = kpis[case.kpi]
        type_case(page, case, kpi)
        label, words = live_status(page, kpi)
        if label != case.label or case.says not in words:
            wrong.append((str(case), label, words))
    assert wrong == []

    # The KPI mix: what the page suggests is what kpis.rag.suggested_overall says of the statuses shown.
    type_case(page, next(case for case in CASES if case.typed == "2.09"), kpis["CASE-HIGH"])  # Amber
    shown = [WORDS.get(word) for word in page.locator("[data-live-rag] strong").all_inner_texts()]
    assert "amber" in shown
    assert page.locator("#suggested-overall strong").inner_text() == rag_label(suggested_overall(shown))
    assert page.console_errors == []
