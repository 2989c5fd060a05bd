"""The briefing page: the seed's briefing note rebuilt from the approved data, with "what changed"
and the appendix of KPIs when the coordinator includes them."""
import datetime
import html as htmllib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import Briefing, QuarterlyReturn
from reporting.briefings.contents import briefing_for
from reporting.briefings.selectors import briefing_context

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "sources" / "ses-q1-2023-24-briefing-note.txt"
MARKER = "ZZDRAFTONLY"

# Section 6 of the seed: each area's heading as the PDF gives it, and the sub-strand it is.
SEED_AREAS = [
    ("Business Growth & Investment", "business-growth-investment"),
    ("Employment and access to work", "employment-access-to-work"),
    ("Regenerated Places- Growth & Strategic Investment Programme", "growth-strategic-investment"),
    ("Regenerated Places- Housing", "housing"),
    ("Regenerated Places- Planning", "planning"),
    ("Regenerated Places- Tourism", "tourism"),
    ("Social Inclusion- Equality& Diversity", "equality-diversity"),
    ("Social Inclusion-Sustainable Travel", "sustainable-travel"),
    ("Social Inclusion- Net Zero/Low Carbon", "net-zero-low-carbon"),
    ("Social Inclusion- Health & Wellbeing", "health-wellbeing"),
    ("Social Inclusion-Digital", "digital"),
]


def squash(text):
    return re.sub(r"\s+", "", text)


def text_of(fragment):
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def seed_section_6():
    """{slug: (status word, commentary with whitespace removed)} read from the seed itself."""
    text = SEED.read_text(encoding="utf-8")
    summary = text[text.index("6. Quarter 1 April-June 2023 performance summary"):]
    pieces = re.split(r"Overall\s+[Ss]tatus\s+(Green|Amber|Red)", summary)
    statuses, bodies = pieces[1::2], pieces[2::2]
    assert len(statuses) == len(SEED_AREAS) == 11
    out = {}
    for i, (heading, slug) in enumerate(SEED_AREAS):
        body = squash(bodies[i])
        if i + 1 < len(SEED_AREAS):
            next_heading = squash(SEED_AREAS[i + 1][0])
            assert body.endswith(next_heading), next_heading
            body = body[: -len(next_heading)]
        out[slug] = (statuses[i], body)
    return out


def block(html, element_id):
    start = html.index(f'id="{element_id}"')
    return html[start:]


def commentary_html(html, slug):
    start = html.index(f'id="commentary-{slug}">') + len(f'id="commentary-{slug}">')
    return html[start:html.index("</div>", start)]


@pytest.fixture
def q1_html(client_for):
    response = client_for("cabinet").get(reverse("briefing", args=["2023-24-q1"]))
    assert response.status_code == 200
    return response.content.decode()


# -- the Done-when of issue 5 -----------------------------------------------------------------


@pytest.fixture
def q1_with_options(sefton):
    """The Q1 briefing with both optional parts included (the council's own has neither)."""
    Briefing.objects.filter(period__slug="2023-24-q1").update(include_what_changed=True, include_kpi_appendix=True)


@pytest.fixture
def q1_full_html(q1_with_options, client_for):
    response = client_for("cabinet").get(reverse("briefing", args=["2023-24-q1"]))
    assert response.status_code == 200
    return response.content.decode()


def test_q1_briefing_shows_eleven_areas_status_and_commentary_exactly_as_the_seed(q1_html):
    summary = q1_html[q1_html.index('id="section-summary"'):q1_html.index("</article>")]
    headings = [htmllib.unescape(h) for h in re.findall(r'<h3 class="govuk-heading-s">(.*?)</h3>', summary)]
    # One heading per area, as the seed writes them: an objective with no sub-strands named once,
    # and no numbered objective headings to clash with the note's 1.0–6.
    assert headings[:3] == ["Business Growth & Investment", "Employment and access to work",
                            "Regenerated Places – Growth & Strategic Investment Programme"]
    assert len(headings) == 11 and not any(re.match(r"\d\.", h) for h in headings)
    assert "No previous status" not in summary
    slugs_in_order = re.findall(r'<div class="app-sub-strand" id="progress-([\w-]+)">', summary)
    assert slugs_in_order == [slug for _, slug in SEED_AREAS]
    for slug, (status, commentary) in seed_section_6().items():
        section = block(summary, f"progress-{slug}")
        section = section[:section.index("</div>", section.index("app-commentary")) + 6]
        assert re.search(rf'app-rag--{status.lower()}">{status}</strong>', section), slug
        assert squash(text_of(commentary_html(summary, slug))) == commentary, slug


def test_q1_briefing_has_the_governance_calendar_of_section_4_1(q1_html):
    table = q1_html[q1_html.index('id="governance-calendar"'):]
    table = table[:table.index("</table>")]
    headings = [text_of(h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)]
    assert headings == ["Economy Cell meeting", "Dashboard update deadline",
                        "Cabinet Member (Regeneration & Skills) briefings",
                        "Cabinet Member / Overview & Scrutiny (Regeneration & Skills)"]
    rows = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]:
        rows.append([text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    # The seed's table: "Monthly"; "9 June"; "7 September 1 September"; "30 November 7 November";
    # "18 January 2024 7 February 2024 5 March 2024" (columns as reconstructed in the fixture).
    assert rows == [
        ["", "", "Monthly", ""],
        ["9 June 2023", "", "", ""],
        ["7 September 2023", "1 September 2023", "", ""],
        ["30 November 2023", "", "7 November 2023", ""],
        ["18 January 2024", "7 February 2024", "", "5 March 2024"],
    ]


def test_briefing_follows_the_seeds_structure(q1_html):
    order = ["1.0 Purpose of Briefing Note", "2.0 Recommendations", "3. Background",
             "4 Governance &amp; reporting", "5. Progress to date", "6. Quarter 1 April–June 2023 performance summary"]
    positions = [q1_html.index(heading) for heading in order]
    assert positions == sorted(positions)
    # The council's own note has neither "what changed" nor an appendix of KPIs, so neither is there.
    assert 'id="what-changed"' not in q1_html and 'id="kpi-annex"' not in q1_html
    # It gives no date of issue: none is shown (never the day the data was loaded).
    assert "Issued on" not in q1_html
    assert "To update Cabinet Member on progress with the Sefton Economic Strategy Action Plan 2023/24" in q1_html
    assert '<span class="app-para-number">3.2</span> Cabinet Member (Regeneration &amp; Skills) approved' in q1_html
    assert '<span class="app-para-number">4.2</span> Cabinet Member will be fully consulted' in q1_html
    assert '<span class="app-para-number">5.3</span> The attached workbook' in q1_html
    assert q1_html.index('id="governance-calendar"') < q1_html.index("4.2</span>")


def test_what_changed_and_the_appendix_come_after_the_summary_when_included(q1_full_html):
    order = ["6. Quarter 1 April–June 2023 performance summary", "7. What changed this quarter",
             "Appendix: Key Performance Indicators"]
    positions = [q1_full_html.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_q1_what_changed_lists_figures_not_available_and_no_missing_returns(q1_full_html):
    changed = q1_full_html[q1_full_html.index('id="what-changed"'):q1_full_html.index('id="section-annex"')]
    text = " ".join(text_of(changed).split())
    assert "There is no approved status from an earlier quarter to compare with." in text
    assert "TOU-01 Visitor numbers (Regenerated Places – Tourism): Calendar year 2022 figure not yet available" in text
    assert "HOU-02 Net additional dwellings per annum (Regenerated Places – Housing): 2022/23 figure not yet available" in text
    assert "None: every sub-strand has an approved return for 2023/24 Q1." in text


def test_the_appendix_has_the_kpis_with_a_figure_to_report_with_target_rag_and_data_lag(q1_full_html, sefton):
    annex = q1_full_html[q1_full_html.index('id="kpi-annex"'):]
    annex = annex[:annex.index("</table>")]
    assert annex.count('<th scope="row"') == Measurement.objects.filter(period__slug="2023-24-q1").count() == 7
    assert "No figure reported" not in annex
    text = " ".join(text_of(annex).split())
    assert "HOU-02 Net additional dwellings per annum" in text
    assert "640 (Local Plan requirement)" in text
    assert "Calendar year 2022 figure, reported in 2023/24 Q1" in text
    assert "Achieved" in text  # PLA-01's milestone


# -- what changed, from the data --------------------------------------------------------------


@pytest.fixture
def q2_story(sefton):
    """Q2 2023/24: Housing approved Amber (was Green) with HOU-02 Red; Tourism approved Green; Planning submitted;
    Digital a draft with a marker; the rest not started. Q1 HOU-02 re-rated Green for the comparison."""
    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    sub = {s.slug: s for s in SubStrand.objects.all()}
    QuarterlyReturn.objects.create(sub_strand=sub["housing"], period=q2, state="approved", overall_rag="amber",
                                   commentary="Housing Q2 approved commentary.")
    QuarterlyReturn.objects.create(sub_strand=sub["tourism"], period=q2, state="approved", overall_rag="green",
                                   commentary="Tourism Q2.")
    QuarterlyReturn.objects.create(sub_strand=sub["planning"], period=q2, state="submitted", overall_rag="red",
                                   commentary=f"{MARKER} submitted")
    QuarterlyReturn.objects.create(sub_strand=sub["digital"], period=q2, state="draft", overall_rag="red",
                                   commentary=f"{MARKER} draft")
    hou02 = KPI.objects.get(code="HOU-02")
    q1_figure = Measurement.objects.get(kpi=hou02, period=q1)
    q1_figure.not_available = False
    q1_figure.value = Decimal("700")
    q1_figure.frozen_rag = "green"
    q1_figure.save()
    Measurement.objects.create(kpi=hou02, period=q2, value=Decimal("500"), data_for="2022/23",
                               data_for_end=datetime.date(2023, 3, 31), rag_calculated="red", frozen_rag="red",
                               frozen_target=Decimal("640"), frozen_target_kind="local_plan",
                               frozen_at=datetime.datetime(2023, 9, 5, tzinfo=datetime.timezone.utc))
    Measurement.objects.create(kpi=KPI.objects.get(code="PLA-02"), period=q2, value=Decimal("999999"), data_for=MARKER,
                               rag_calculated="red")
    Briefing.objects.create(period=q2, title="Quarter 2 progress", purpose="Q2 purpose", recommendations="Note it",
                            governance="Before the table.\n\nAfter the table.", include_what_changed=True,
                            include_kpi_appendix=True)
    return q2


def test_what_changed_says_plainly_what_moved_turned_and_is_missing(q2_story, demo_users):
    context = briefing_context(period=q2_story, user=demo_users["coordinator"])
    wc = context["what_changed"]
    assert wc.previous_period.slug == "2023-24-q1"
    assert [m.sentence for m in wc.status_movements] == ["Regenerated Places – Housing: Green to Amber (worsened)"]
    assert wc.unchanged == 1  # Tourism
    assert [(k.code, k.previous_rag, k.rag) for k in wc.turned_red_or_amber] == [("HOU-02", "green", "red")]
    missing = {m.sub_strand.slug: m.sentence for m in wc.missing_returns}
    assert len(missing) == 9
    assert missing["planning"] == "Regenerated Places – Planning: Submitted, not yet approved"
    assert missing["digital"] == "Social Inclusion – Digital: Draft, not yet approved"
    assert missing["equality-diversity"].endswith(": Not started")


def test_a_briefing_shows_approved_data_only_even_to_the_economy_cell(q2_story, client_for):
    for username in ("coordinator", "approver"):
        html = client_for(username).get(reverse("briefing", args=["2023-24-q2"])).content.decode()
        assert MARKER not in html and "999,999" not in html and "999999" not in html
        assert "Housing Q2 approved commentary." in html
        assert "Submitted, not yet approved" in html


def test_readers_see_the_missing_returns_without_their_state(q2_story, demo_users):
    q2_story.briefing.state = "issued"
    q2_story.briefing.save()
    context = briefing_context(period=q2_story, user=demo_users["cabinet"])
    sentences = [m.sentence for m in context["what_changed"].missing_returns]
    assert "Regenerated Places – Planning: no approved return" in sentences
    assert not any("Submitted" in s or "Draft" in s for s in sentences)


def test_a_reader_cannot_read_a_briefing_that_is_not_issued(q2_story, client_for, demo_users):
    for reader in ("cabinet", "scrutiny"):
        response = client_for(reader).get(reverse("briefing", args=["2023-24-q2"]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "has not been issued yet" in html
        assert "Q2 purpose" not in html and "Housing Q2 approved commentary." not in html
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        briefing_context(period=q2_story, user=demo_users["cabinet"])


def test_the_economy_cell_sees_a_draft_briefing_labelled_as_such(q2_story, client_for):
    html = client_for("coordinator").get(reverse("briefing", args=["2023-24-q2"])).content.decode()
    assert "Draft: this briefing has not been issued yet." in html
    assert '<span class="app-para-number">4.1</span> Before the table.' in html
    assert reverse("briefing-edit", args=["2023-24-q2"]) in html
    approver_html = client_for("approver").get(reverse("briefing", args=["2023-24-q2"])).content.decode()
    # Planning waits for approval: no Issue button, and the reason where it would be (reporting.steps).
    assert reverse("briefing-issue", args=["2023-24-q2"]) not in approver_html
    assert "Issuing the briefing is not possible now." in approver_html
    assert "1 return is waiting for approval (Planning)" in approver_html
    assert reverse("briefing-edit", args=["2023-24-q2"]) not in approver_html


def test_a_new_briefing_carries_its_text_forward_from_the_last_one(sefton):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    q1_briefing = Briefing.objects.get(period__slug="2023-24-q1")
    new = briefing_for(q2)
    assert new.pk is None and new.state == "draft"
    assert new.title == "Sefton Economic Strategy Action Plan 2023/24 – Quarter 2 progress"
    for name in ("purpose", "recommendations", "background", "governance", "progress_introduction"):
        assert getattr(new, name) == getattr(q1_briefing, name)
    assert not Briefing.objects.filter(period=q2).exists()  # reading never writes


def test_briefing_context_is_plain_data_without_html(q2_story, demo_users):
    context = briefing_context(period=q2_story, user=demo_users["approver"])
    seen = []

    def walk(value, depth=0):
        if depth > 4:
            return
        if isinstance(value, str):
            seen.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, depth + 1)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name), depth + 1)

    walk(context)
    assert len(seen) > 100
    assert not [s for s in seen if re.search(r"<\w+[^>]*>", s)]
    assert list(context)[:5] == ["period", "briefing", "is_saved", "is_issued", "title"]


def test_unknown_period_is_a_404(client_for):
    assert client_for("cabinet").get("/periods/1999-00-q1/briefing/").status_code == 404


def test_a_long_kpi_annex_is_shown_a_page_at_a_time(client_for, q1_with_options, monkeypatch):
    from reporting.briefings import views as briefing_views

    q1 = ReportingPeriod.objects.get(slug="2023-24-q1")
    for kpi in KPI.objects.filter(is_active=True).exclude(measurements__period=q1):
        Measurement.objects.create(kpi=kpi, period=q1, not_available=True, frozen_at=datetime.datetime(2023, 7, 1,
                                                                                                       tzinfo=datetime.timezone.utc))
    monkeypatch.setattr(briefing_views, "ANNEX_PER_PAGE", 10)
    client = client_for("cabinet")
    total = KPI.objects.filter(is_active=True).count()
    assert total > 20
    first = client.get("/periods/2023-24-q1/briefing/").content.decode()
    second = client.get("/periods/2023-24-q1/briefing/?annex=2").content.decode()
    annex_rows = lambda html: re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/kpis/([^/]+)/"',
                                         html[html.index('id="kpi-annex"'):])
    assert len(annex_rows(first)) == 10 and len(annex_rows(second)) == 10
    assert not set(annex_rows(first)) & set(annex_rows(second))
    assert f"KPIs 11 to 20 of {total}" in second
    assert f"The Word document and the workbook have all {total}." in first
    assert 'href="?annex=3#section-annex" rel="next"' in second
    # a forged page number shows a page rather than an error
    for bad in ("zz", "-1", "99999"):
        assert client.get(f"/periods/2023-24-q1/briefing/?annex={bad}").status_code == 200


def test_a_short_kpi_annex_has_no_pages(q1_full_html):
    assert "Pages of the KPI appendix" not in q1_full_html
