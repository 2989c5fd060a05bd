"""Issue 25's "done when", on the generated large council (bench/large_council.py, 40 quarters, here
with 8 KPIs): every KPI with 13 or more figures shows its variation and assurance, icon and words,
on the dashboard and on its own page. (Fewer than 13 figures: words and no icon,
tests/reporting/variation/test_mdc_icons.py; Sefton's demo has no figure yet to chart.)"""
import re

import pytest
from django.test import Client
from django.urls import reverse

from bench.large_council import generate
from kpis.models import KPI
from objectives.roles import Role
from tests.factories import UserFactory

VARIATIONS = ("Common cause", "Special cause: improving", "Special cause: concerning")
ASSURANCES = ("Consistently passing", "Hit or miss", "Consistently failing")
ICON_WITH_WORDS = r'<svg class="app-mdc__icon"[^>]*aria-hidden="true".*?</svg><span class="app-mdc__words">({})</span>'


def signed_in(role):
    client = Client()
    client.force_login(UserFactory(role=role), backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
def test_every_kpi_of_a_forty_quarter_council_shows_its_variation_and_assurance_in_icon_and_words():
    generate(objectives=2, sub_strands=2, kpis=8, quarters=40, submitted=0)
    client = signed_in(Role.READER)
    html = client.get(reverse("dashboard"), {"strategy": "benchmark-strategy", "kpis": "all"}).content.decode()
    table = html[html.index('id="kpi-table"'):]
    table = table[:table.index("</table>")]
    rows = [row for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S) if "/kpis/" in row]
    assert len(rows) == 8
    for row in rows:
        assert re.search(ICON_WITH_WORDS.format("|".join(VARIATIONS)), row, re.S), row
        assert re.search(ICON_WITH_WORDS.format("|".join(ASSURANCES)), row, re.S), row
    for kpi in KPI.objects.filter(sub_strand__objective__strategy__slug="benchmark-strategy"):
        page = client.get(kpi.get_absolute_url()).content.decode()
        said = re.findall(ICON_WITH_WORDS.format("[^<]+"), page, re.S)  # the KPI page says each in full
        assert any(words.startswith(VARIATIONS) for words in said), (kpi.code, said)
        assert any(words.startswith(ASSURANCES) for words in said), (kpi.code, said)
        assert "Not enough figures yet" not in page
