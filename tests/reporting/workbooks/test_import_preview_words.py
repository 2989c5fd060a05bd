"""The import preview writes numbers and dates as every other page does: "12,500", "31 March 2024",
never "12500" or "2024-03-31" (issue 27)."""
import datetime

from tests.reporting.workbooks.test_import_roundtrip import (  # noqa: F401 (q2 is a fixture)
    IMPORT_URL, as_upload, cell_of, download, page_text, q2, upload)


def test_the_preview_writes_figures_and_dates_as_the_pages_do(q2, client_for):  # noqa: F811
    coordinator = client_for("coordinator")
    wb = download(coordinator, f"{IMPORT_URL.replace('/import/', '/return-template.xlsx')}")
    cell_of(wb, "EMP-01", "2023/24 Q2").value = 12500
    cell_of(wb, "HOU-01", "Expected date").value = datetime.datetime(2024, 3, 31)
    text = page_text(upload(coordinator, as_upload(wb)))
    assert "Check the changes before saving" in text
    assert "12,500" in text and "12500" not in text
    assert "31 March 2024" in text and "31 October 2023" in text
    assert "2024-03-31" not in text and "2023-10-31" not in text
