"""The calendar's words (issue 27): "Remind everyone outstanding (n)" counts only the returns a reminder
can go about and reach; the years' links name each year once."""
import re

from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.notifications import people_to_remind
from reporting.workflow import chase_refusal


def test_remind_everyone_counts_only_the_returns_someone_can_be_reminded_about(client_for):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    subs = list(SubStrand.objects.filter(objective__strategy=q2.strategy))
    reachable = [s for s in subs if people_to_remind(s) and chase_refusal(None, q2) is None]
    assert 0 < len(reachable) < len(subs), "the fixture has returns nobody can be reminded about"
    page = client_for("coordinator").get(reverse("period-calendar"), {"year": 2023}).content.decode()
    assert re.findall(r"Remind everyone outstanding \((\d+)\)", page) == [str(len(reachable))]
    assert f"{len(subs)} returns are not submitted yet" in page  # what is outstanding is still said in full


def test_each_year_is_linked_once(client_for):
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("period-calendar"), {"year": 2024}).content.decode()
    assert page.count('href="?year=2023"') == 1, "2024/25 links to 2023/24 once"
    assert 'href="?year=2025"' in page and "Next year" in page  # the year after, not set up, still offered
    page = coordinator.get(reverse("period-calendar"), {"year": 2023}).content.decode()
    assert page.count('href="?year=2022"') == 1 and "Previous year" in page
    assert page.count('href="?year=2024"') == 1
