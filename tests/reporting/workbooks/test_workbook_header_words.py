"""The briefing workbook's running header and footer (what each printed page carries) speak in the
council's own words, as its cells do: never "Objective" for a council whose level is an outcome
(issue 27)."""
import io

import openpyxl
from django.test import Client

from tests.test_council_grammar import NOT_OURS, oakvale  # noqa: F401 (a fixture)


def test_every_sheets_printed_header_is_in_the_councils_words(oakvale):  # noqa: F811
    client = Client()
    client.force_login(oakvale["team"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/periods/2023-24-h1/briefing.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    printed = {ws.title: " | ".join(filter(None, (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text,
                                                   ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text)))
               for ws in wb.worksheets}
    assert printed["Summary"].startswith("Oakvale District Council")
    assert {title: text for title, text in printed.items() if NOT_OURS.search(text) or NOT_OURS.search(title)} == {}
    for ws in wb.worksheets:  # the running header is the sheet's own title, in the same words
        assert ws.title == "_tracker" or ws.oddHeader.right.text.replace("&&", "&") == ws["A1"].value
