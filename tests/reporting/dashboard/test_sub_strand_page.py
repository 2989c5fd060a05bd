"""The sub-strand page: latest status and commentary, status history, its KPIs against target."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from objectives.models import ReportingPeriod, SubStrand
from reporting.dashboard.pages import sub_strand_page
from reporting.models import QuarterlyReturn

User = get_user_model()

MARKER = "ZZDRAFTONLY"


@pytest.fixture
def history(sefton):
    """Health & Wellbeing: Green in 2022/23 Q4 (published), Amber in Q1 (the seed), a Red draft in Q2."""
    sub = SubStrand.objects.get(slug="health-wellbeing")
    q4 = ReportingPeriod.objects.create(financial_year=2022, number=4, state="published")
    QuarterlyReturn.objects.create(sub_strand=sub, period=q4, state="published", overall_rag="green", commentary="Q4.")
    QuarterlyReturn.objects.create(sub_strand=sub, period=ReportingPeriod.objects.get(slug="2023-24-q2"), state="draft",
                                   overall_rag="red", commentary=f"{MARKER} in the draft")
    return sub


def test_sub_strand_page_shows_latest_status_commentary_history_and_kpis(client_for, history):
    response = client_for("cabinet").get(reverse("sub-strand", args=["health-wellbeing"]))
    assert response.status_code == 200
    html = response.content.decode()
    page = response.context["page"]
    assert page.latest.period.slug == "2023-24-q1" and page.latest.overall_rag == "amber"
    assert 'app-rag--amber">Amber</strong>' in html
    assert "The KPIs focus youth poverty, employee earnings" in html
    assert [(h["period"].label, h["rag_label"], h["movement_words"]) for h in page.history] == [
        ("2023/24 Q1", "Amber", "Worsened"), ("2022/23 Q4", "Green", "No previous status")]
    assert "Worsened" in html
    assert [line.kpi.code for line in page.kpis] == [f"HW-0{i}" for i in range(1, 8)]
    for i in range(1, 8):
        assert f'href="/kpis/HW-0{i}/"' in html
    assert "<caption" in html


def test_kpis_show_their_latest_figure_against_target_and_the_period_it_is_for(client_for, sefton):
    html = client_for("cabinet").get(reverse("sub-strand", args=["housing"])).content.decode()
    assert "640 (Local Plan requirement)" in html
    assert "2022/23 figure, reported in 2023/24 Q1" in html
    assert "Not yet available" in html


def test_a_reader_never_sees_the_draft(client_for, history):
    """Each reader's page is built from what that reader may see: no draft figure, status or filter result leaks."""
    for reader in ("cabinet", "scrutiny"):
        response = client_for(reader).get(reverse("sub-strand", args=["health-wellbeing"]))
        html = response.content.decode()
        assert MARKER not in html and "app-rag--red" not in html
        page = sub_strand_page(user=User.objects.get(username=reader), slug="health-wellbeing")
        assert all(not h["is_draft"] for h in page.history)


def test_the_officer_sees_their_own_draft_labelled(client_for, history):
    html = client_for("officer2").get(reverse("sub-strand", args=["health-wellbeing"])).content.decode()
    assert MARKER in html and "Not yet approved" in html
    other = client_for("officer").get(reverse("sub-strand", args=["health-wellbeing"])).content.decode()
    assert MARKER not in other  # not their sub-strand


def test_unknown_sub_strand_is_a_404_and_the_page_needs_a_login(client_for, sefton):
    assert client_for("cabinet").get("/sub-strands/no-such-thing/").status_code == 404
    assert Client().get(reverse("sub-strand", args=["housing"])).status_code == 302
