"""My returns says "Ready to submit" alone for a complete draft, never "Still missing: Nothing: ready
to submit" (issue 27)."""
import re

from tests.reporting._returns_support import housing_return  # noqa: F401


def test_a_complete_draft_reads_ready_to_submit_alone(demo_users, client_for):
    housing_return(demo_users, "draft")
    page = client_for("officer").get("/my-returns/").content.decode()
    assert "Nothing:" not in page
    cells = re.findall(r"<td[^>]*>\s*Ready to submit\s*</td>", page)
    assert len(cells) == 1 and "data-label" not in cells[0], cells
