"""A return's history reads in the form's own labels, never a model's internal fields: no "period
key", no "set the submitted of the return to …" (issue 27)."""
from reporting.returns.history import return_history
from tests.reporting._returns_support import housing_return  # noqa: F401

INTERNAL = ["period key", "next figure key", "next approved key", "the submitted", "the approved", "data for end",
            "updated by", "is synthetic"]


def test_an_approved_returns_history_says_each_change_in_the_forms_words(demo_users):
    ret = housing_return(demo_users, "approved")
    sentences = [change.sentence for entry in return_history(ret) for change in entry.changes]
    assert sentences
    said = "\n".join(sentences).lower()
    assert [word for word in INTERNAL if word in said] == [], said
    assert any("submitted" in s.lower() for s in sentences), said  # the steps themselves are still said
    assert any("approved" in s.lower() for s in sentences), said
