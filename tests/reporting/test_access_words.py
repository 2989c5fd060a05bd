"""Issue 23, point 6: a refusal page says what the role cannot do as a sentence ("cannot start an
update on a recommendation"), never the rule's name taken apart ("cannot start the action update",
"set the up year", "send the back return"): every rule of reporting.access has its words."""
import re

import pytest
from django.urls import reverse

from reporting import access


def test_every_access_rule_has_its_words_and_no_words_are_left_over():
    from reporting.access import ACTION_WORDS

    assert set(ACTION_WORDS) == set(access.RULES)
    for rule, words in ACTION_WORDS.items():
        assert words and words == words.strip() and not words.endswith("."), rule
        assert not re.search(r"\bthe (up|back|action|my)\b", words), (rule, words)


@pytest.mark.parametrize("rule, said", [
    ("set_up_year", "cannot set up a new year."),
    ("send_back_return", "cannot send back a return."),
    ("start_action_update", "cannot start an update on a recommendation."),
    ("send_back_action_update", "cannot send back an update on a recommendation."),
    ("view_my_returns", "cannot fill in returns."),
    ("chase_returns", "cannot send reminders about returns."),
    ("manage_periods", "cannot open or close reporting periods."),
    ("reissue_briefing", "cannot issue the briefing again."),
])
def test_a_refusal_reads_as_a_sentence(demo_users, rule, said):
    assert access.refusal(demo_users["cabinet"], rule).endswith(f"(Cabinet Member or Overview & Scrutiny committee member), "
                                                                  f"and that role {said}")


def test_the_refusal_page_of_a_reader_starting_an_update_says_it_as_a_sentence(client_for):
    response = client_for("cabinet").get(reverse("action-update-new", args=["employment", "2017-12"]))
    assert response.status_code == 403
    assert "and that role cannot start an update on a recommendation." in response.content.decode().replace("&#x27;", "'")
