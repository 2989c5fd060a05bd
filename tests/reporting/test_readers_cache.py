"""What readers' pages keep (reporting.readers_cache): built once for everyone who may see the same
(reporting.access.audience), and built again as soon as the data behind them changes, in whichever
process changed it; never one person's content for another who may see less."""
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kpis.models import KPI, Measurement, Target
from objectives.models import ReportingPeriod, SubStrand
from reporting.access import PUBLIC, audience
from reporting.models import Briefing, DataVersion, QuarterlyReturn
from reporting.readers_cache import data_version
from tests.factories import StrategyFactory
from tests.reporting.public.helpers import approve_q2, issue_q2
from tests.reporting.dashboard.test_kpi_page import housing_history  # noqa: F401
from tests.reporting.test_strategy_readers import climate_for_scrutiny, leaked  # noqa: F401

Q2_DASHBOARD = "/dashboard/?period=2023-24-q2"
DASHBOARD = "reporting/dashboard/_dashboard_content.html"
BRIEFING = "reporting/briefings/_briefing_content.html"
PUBLIC_DASHBOARD = "reporting/public/_dashboard_content.html"
STALE = "reporting/dashboard/_stale_content.html"
OVERVIEW = "reporting/overview/_home_content.html"
REGISTER_TOP = "reporting/risks/_register_top.html"
SUB_STRAND = "reporting/dashboard/_sub_strand_content.html"
KPI_PAGE = "reporting/dashboard/_kpi_top.html"
HEAT_MAP = "reporting/risks/_heat_map_content.html"


def get(client, url, content):
    """The page, and whether its content was built for this request (else it was kept)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return main(response.content.decode()), content in [t.name for t in response.templates]


def main(html):
    """The page's main content (the header around it holds the person's own sign-out token)."""
    return html[html.index("<main"):html.index("</main>")]


def status_row(html, name):
    """The status table's row of a sub-strand."""
    start = html.index(f">{name}</a></th>", html.index('id="status-table"'))
    return html[start:html.index("</tr>", start)]


def test_a_readers_dashboard_is_kept_until_a_return_is_approved(client_for, demo_users):
    reader = client_for("cabinet")
    before, built = get(reader, Q2_DASHBOARD, DASHBOARD)
    assert built and "No approved status" in status_row(before, "Health &amp; Wellbeing")
    again, built = get(reader, Q2_DASHBOARD, DASHBOARD)
    assert not built and again == before  # kept: the data has not changed
    assert get(client_for("scrutiny"), Q2_DASHBOARD, DASHBOARD) == (before, False)  # who may see the same, shares it
    assert "Cllr Morgan" not in before  # and nothing of the person it was built for

    approve_q2(demo_users)
    after, built = get(reader, Q2_DASHBOARD, DASHBOARD)
    assert built and "Amber" in status_row(after, "Health &amp; Wellbeing")


def test_the_stale_figures_are_kept_for_readers_until_a_figure_is_approved(client_for, demo_users):
    """Every KPI's figures are judged to list the stale ones (as what needs attention judges them):
    built once for everyone of the same audience, and again when readers may see a new figure."""
    reader, url = client_for("cabinet"), "/dashboard/stale-figures/?period=2023-24-q2"
    before, built = get(reader, url, STALE)
    assert built and get(reader, url, STALE) == (before, False)
    assert get(client_for("scrutiny"), url, STALE) == (before, False)
    assert get(client_for("coordinator"), url, STALE)[1]  # who sees drafts has content of their own
    approve_q2(demo_users)
    assert get(reader, url, STALE)[1]


def test_the_overview_is_kept_for_readers_until_a_return_is_approved(client_for, demo_users):
    reader = client_for("cabinet")
    before, built = get(reader, "/", OVERVIEW)
    assert built and get(reader, "/", OVERVIEW) == (before, False)
    assert get(client_for("scrutiny"), "/", OVERVIEW) == (before, False)  # who may see the same, shares it
    approve_q2(demo_users)
    after, built = get(reader, "/", OVERVIEW)
    assert built and after != before and "2023/24 Q2" in after


def test_the_risk_register_is_kept_for_readers_until_a_risk_changes(client_for, demo_users):
    """Kept for everyone of the same audience, but for the coordinating team's own "Raise a risk",
    drawn for each person outside what is kept."""
    from reporting.models import Risk

    reader = client_for("cabinet")
    before, built = get(reader, "/risks/", REGISTER_TOP)
    assert built and get(reader, "/risks/", REGISTER_TOP) == (before, False)
    assert get(client_for("scrutiny"), "/risks/", REGISTER_TOP) == (before, False)
    assert "Raise a risk" not in before and "Raise a risk" in client_for("coordinator").get("/risks/").content.decode()
    risk = Risk.objects.order_by("pk").first()
    if risk is not None:
        risk.title = "ZZRENAMED risk"
        risk.save()
    else:
        SubStrand.objects.get(slug="housing").save()
    assert get(reader, "/risks/", REGISTER_TOP)[1]


def test_the_risk_register_says_to_who_sees_drafts_that_reviews_not_yet_approved_are_shown(client_for):
    said = "Reviews not yet approved are shown and labelled"
    assert said in client_for("coordinator").get("/risks/").content.decode()
    assert said not in client_for("cabinet").get("/risks/").content.decode()


def without_the_persons_links(html):
    """A KPI page's main content but for what is drawn for each person (recording a change of process)."""
    for marker in ('<p class="govuk-body-s" id="change-of-process-refused">', '<p class="govuk-body"><a class="govuk-link" '
                   'id="record-change-of-process"'):
        if marker in html:
            start = html.index(marker)
            html = html[:start] + html[html.index("</p>", start) + 4:]
    return html


def test_a_kpi_page_is_kept_for_readers_until_a_figure_is_approved(client_for, demo_users):
    """Its figures, variation, comparison and targets: built once for everyone of the same audience
    (each day), and again as soon as readers may see a new figure."""
    kpi = KPI.objects.filter(sub_strand__slug="health-wellbeing").exclude(kind=KPI.Kind.MILESTONE).order_by("code").first()
    reader, url = client_for("cabinet"), f"/kpis/{kpi.code}/"
    before, built = get(reader, url, KPI_PAGE)
    assert built and "4,321" not in before
    assert get(reader, url, KPI_PAGE) == (before, False)
    again, built = get(client_for("scrutiny"), url, KPI_PAGE)  # who may see the same, shares it
    assert not built and without_the_persons_links(again) == without_the_persons_links(before)
    assert get(client_for("coordinator"), url, KPI_PAGE)[1]  # who sees drafts has content of their own
    approve_q2(demo_users, value=4321)
    after, built = get(reader, url, KPI_PAGE)
    assert built and "4,321" in after


def test_a_kpi_pages_links_for_the_person_are_drawn_for_each_person_outside_what_is_kept(client_for, demo_users,
                                                                                       housing_history):  # noqa: F811
    """Recording a change of process (or why that person may not) and importing benchmarks depend on
    the person's role: never kept with the content."""
    url = f"/kpis/{housing_history.code}/"
    cabinet, built = get(client_for("cabinet"), url, KPI_PAGE)
    scrutiny, kept_for_scrutiny = get(client_for("scrutiny"), url, KPI_PAGE)
    assert built and not kept_for_scrutiny
    for page, who in ((cabinet, "cabinet"), (scrutiny, "scrutiny")):
        refusal = page[page.index('id="change-of-process-refused"'):]
        refusal = refusal[:refusal.index("</p>")]
        assert demo_users[who].get_full_name() in refusal, who  # the refusal names the person it is for
        assert 'id="record-change-of-process"' not in page and 'id="import-benchmark"' not in page
    coordinator = client_for("coordinator").get(url).content.decode()
    assert 'id="record-change-of-process"' in coordinator and 'id="import-benchmark"' in coordinator
    assert 'id="change-of-process-refused"' not in coordinator


def test_a_draft_figure_kept_for_the_economy_cell_never_reaches_a_readers_kpi_page(client_for,
                                                                                   housing_history):  # noqa: F811
    url = f"/kpis/{housing_history.code}/"  # its 2023/24 Q3 figure (424,242) a draft
    coordinator, built = get(client_for("coordinator"), url, KPI_PAGE)
    assert built and "424,242" in coordinator
    for who in ("cabinet", "scrutiny", "officer2"):
        page, built = get(client_for(who), url, KPI_PAGE)
        assert "424,242" not in page and "655" in page, who
    assert "424,242" not in get(Client(), f"/public/kpis/{housing_history.code}/", KPI_PAGE)[0]


def test_the_risk_heat_map_is_kept_for_readers_until_a_review_is_approved(client_for):
    from objectives.models import Strategy
    from tests.reporting.risks.test_pages import make_risk, review

    risk = make_risk(Strategy.objects.order_by("pk").first(), "ZZ1", title="ZZ flooding of the depot")
    draft = review(risk, ReportingPeriod.objects.get(slug="2023-24-q1"), "draft", 4, 4)
    url = "/risks/heat-map/?period=2023-24-q1"
    coordinator, built = get(client_for("coordinator"), url, HEAT_MAP)  # built first for who sees drafts
    assert built and "ZZ flooding of the depot" in coordinator and "Not yet approved" in coordinator
    reader = client_for("cabinet")
    before, built = get(reader, url, HEAT_MAP)
    assert built and "ZZ flooding of the depot" not in before  # a reader never gets the draft review
    assert get(reader, url, HEAT_MAP) == (before, False)
    assert get(client_for("scrutiny"), url, HEAT_MAP) == (before, False)  # who may see the same, shares it
    draft.state = "approved"
    draft.save()
    after, built = get(reader, url, HEAT_MAP)
    assert built and "ZZ flooding of the depot" in after


def test_the_heat_map_says_to_who_sees_drafts_that_no_risk_has_a_review_of_any_state(client_for):
    from objectives.models import Strategy
    from tests.reporting.risks.test_pages import make_risk

    make_risk(Strategy.objects.order_by("pk").first(), "ZZ2", title="ZZ unreviewed risk")
    url = "/risks/heat-map/?period=2023-24-q1"
    assert "No risk has a review up to 2023/24 Q1" in client_for("coordinator").get(url).content.decode()
    assert "No risk has an approved review up to 2023/24 Q1" in client_for("cabinet").get(url).content.decode()


def test_issuing_the_briefing_changes_the_public_dashboard_at_once(sefton, demo_users, client):
    before, built = get(client, "/public/", PUBLIC_DASHBOARD)
    assert built and "2023/24 Q2" not in before
    approve_q2(demo_users)  # approved, not yet published: the public sees no change
    assert get(client, "/public/", PUBLIC_DASHBOARD)[0] == before
    issue_q2(demo_users)
    after, built = get(client, "/public/", PUBLIC_DASHBOARD)
    assert built and "2023/24 Q2" in after


def test_a_sub_strand_page_is_kept_for_readers_until_its_return_is_approved(client_for, demo_users):
    """Its status, commentary, KPIs (every figure judged for the variation icons) and history: built once
    for everyone of the same audience, and again as soon as readers may see a new return."""
    reader, url = client_for("cabinet"), "/sub-strands/health-wellbeing/"
    before, built = get(reader, url, SUB_STRAND)
    assert built and "Q2 commentary" not in before
    assert get(reader, url, SUB_STRAND) == (before, False)
    assert get(client_for("scrutiny"), url, SUB_STRAND) == (before, False)  # who may see the same, shares it
    assert "Cllr Morgan" not in before
    assert get(client_for("coordinator"), url, SUB_STRAND)[1]  # who sees drafts has content of their own
    approve_q2(demo_users)
    after, built = get(reader, url, SUB_STRAND)
    assert built and "Q2 commentary" in after and "2023/24 Q2" in after


def test_publishing_changes_the_public_sub_strand_page_at_once(sefton, demo_users, client):
    url = "/public/sub-strands/health-wellbeing/"
    before, built = get(client, url, SUB_STRAND)
    assert built and get(client, url, SUB_STRAND) == (before, False)
    approve_q2(demo_users)  # approved, not yet published: the public sees no change
    assert get(client, url, SUB_STRAND)[0] == before
    issue_q2(demo_users)
    after, built = get(client, url, SUB_STRAND)
    assert built and "Q2 commentary" in after and "Q2 commentary" not in before


def test_a_renamed_kpi_changes_the_kpi_appendix_the_next_reader_sees(client_for):
    note = Briefing.objects.get(period__slug="2023-24-q1")
    note.include_kpi_appendix = True
    note.save()
    reader, url = client_for("cabinet"), "/periods/2023-24-q1/briefing/"
    response = reader.get(url)
    kpi = response.context["annex"].object_list[0].kpi
    assert get(reader, url, BRIEFING) == (main(response.content.decode()), False)
    kpi.title = "ZZRENAMED in the admin"
    kpi.save()
    after, built = get(reader, url, BRIEFING)
    assert built and "ZZRENAMED in the admin" in after


def test_a_new_target_changes_what_is_seen_next(client_for):
    """A figure not yet approved is judged against the KPI's target as it stands (an approved one
    keeps the target it was approved against)."""
    kpi = KPI.objects.get(code="HOU-02")
    Measurement.objects.create(kpi=kpi, period=ReportingPeriod.objects.get(slug="2023-24-q2"), value=Decimal(5),
                               data_for="Q2", rag_calculated="red")
    coordinator = client_for("coordinator")
    before, built = get(coordinator, Q2_DASHBOARD, DASHBOARD)
    assert built and "HOU-02" in before and "987,654" not in before
    assert get(coordinator, Q2_DASHBOARD, DASHBOARD) == (before, False)
    for target in kpi.targets.all():
        target.value = Decimal(987654)
        target.save()
    after, built = get(coordinator, Q2_DASHBOARD, DASHBOARD)
    assert built and "987,654" in after


def test_a_change_made_by_another_process_is_seen_by_this_one(client_for):
    """Each process keeps its own copies (a local-memory cache): the version they are kept under is
    read from the database on every request, so what another process approved is seen at once."""
    reader = client_for("cabinet")
    before, _ = get(reader, "/dashboard/?period=2023-24-q1", DASHBOARD)
    housing = QuarterlyReturn.objects.filter(sub_strand__slug="housing", period__slug="2023-24-q1")
    assert "Red" not in status_row(before, "Housing")
    # Another process's write, as it reaches this one: its rows and the version it raised with them.
    housing.update(overall_rag="red")
    DataVersion.objects.filter(pk=1).update(number=F("number") + 1, readers=F("readers") + 1)
    after, built = get(reader, "/dashboard/?period=2023-24-q1", DASHBOARD)
    assert built and "Red" in status_row(after, "Housing")


def test_every_write_to_what_pages_show_raises_the_version(sefton, demo_users):
    def version():
        return data_version()  # as a page reads it: what it builds next is kept under this

    start = version()
    approve_q2(demo_users)  # a return, its figures
    assert version() > start
    for change in (lambda: SubStrand.objects.filter(slug="housing").first().save(),
                   lambda: Target.objects.first().save(),
                   lambda: ReportingPeriod.objects.get(slug="2023-24-q3").save(),
                   lambda: demo_users["coordinator"].save(),  # a name shown on pages
                   lambda: Measurement.objects.filter(period__slug="2023-24-q2").first().delete()):
        before = version()
        change()
        assert version() > before


def test_signing_in_changes_no_version(sefton, demo_users):
    before = data_version()  # read as a page reads it: a write after this would raise it again
    Client().force_login(demo_users["cabinet"], backend="django.contrib.auth.backends.ModelBackend")
    assert data_version() == before


def raises_of_the_version(queries):
    return [q for q in queries if q["sql"].startswith("UPDATE") and "reporting_dataversion" in q["sql"]]


def test_a_transaction_raises_the_version_once_for_all_its_writes(sefton):
    before = data_version()
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        for slug in ("housing", "planning", "tourism"):
            SubStrand.objects.get(slug=slug).save()
        Target.objects.first().save()
    assert len(raises_of_the_version(ctx.captured_queries)) == 1
    assert data_version() == before + 1


def test_a_write_after_the_version_was_read_raises_it_again(sefton):
    """What a page builds after reading the version is kept under it: a later write of the same
    transaction must not leave that content under the version that now holds the write."""
    with transaction.atomic():
        SubStrand.objects.get(slug="housing").save()
        read = data_version()
        SubStrand.objects.get(slug="planning").save()
        assert data_version() > read


def test_a_raise_undone_with_its_savepoint_is_made_again(sefton):
    before = data_version()
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), transaction.atomic():  # a savepoint, rolled back with its raise
            SubStrand.objects.get(slug="housing").save()
            1 / 0
        SubStrand.objects.get(slug="planning").save()
    assert data_version() == before + 1


def test_a_write_readers_may_see_raises_the_readers_version_after_a_draft_raised_the_other(sefton):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    readers = data_version(drafts=False)
    with transaction.atomic():
        draft = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period,
                                               state="draft", overall_rag="red")
        draft.state = "approved"
        draft.save()
    assert data_version(drafts=False) == readers + 1


@pytest.mark.django_db(transaction=True)
def test_each_committed_transaction_raises_the_version_even_through_the_same_atomic():
    """`transaction.atomic` as a decorator is one object, entered again for each call: the mark of a
    raise ends with its transaction, committed or rolled back."""
    @transaction.atomic
    def write(name):
        StrategyFactory(name=name, slug=name.lower())

    versions = [data_version()]
    for name in ("One", "Two"):
        write(name)
        versions.append(data_version())
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        StrategyFactory(name="Three", slug="three")
        1 / 0
    assert data_version() == versions[-1]  # rolled back with the write
    write("Four")
    versions.append(data_version())
    assert versions == sorted(set(versions)) and len(versions) == 4


def test_a_draft_kept_for_the_economy_cell_never_reaches_a_reader(client_for, demo_users):
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period, state="draft",
                                   overall_rag="red")
    Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=period, value=Decimal("123456"),
                               data_for="Q2", rag_calculated="red")
    coordinator, built = get(client_for("coordinator"), Q2_DASHBOARD, DASHBOARD)
    assert built and "Not yet approved" in coordinator and "123,456" in coordinator
    for who in ("cabinet", "scrutiny"):
        page, _ = get(client_for(who), Q2_DASHBOARD, DASHBOARD)
        assert "Not yet approved" not in page and "123,456" not in page, who
    officer, built = get(client_for("officer2"), Q2_DASHBOARD, DASHBOARD)  # an officer of other sub-strands
    assert built and "123,456" not in officer


def test_a_reader_of_one_strategy_never_gets_anothers_kept_dashboard(climate_for_scrutiny, client_for):  # noqa: F811
    url = "/dashboard/?strategy=climate-emergency"
    named, built = get(client_for("scrutiny"), url, DASHBOARD)
    assert built and leaked(named)  # the named reader reads it, and it is kept
    other = client_for("cabinet").get(url).content.decode()
    assert leaked(other) == []


@pytest.mark.parametrize(("who", "sees"), [("cabinet", "readers"), ("scrutiny", "readers"), ("coordinator", "all"),
                                           ("approver", "all"), ("officer", "own"), ("officer2", "own")])
def test_the_audience_says_what_each_person_may_see(demo_users, who, sees):
    assert audience(demo_users[who])[0] == sees
    assert audience(PUBLIC) == ("public",)
    assert audience(demo_users["officer"]) != audience(demo_users["officer2"])  # each officer their own drafts


def test_an_officers_draft_leaves_what_readers_keep_and_changes_what_the_economy_cell_sees(client_for):
    reader, coordinator = client_for("cabinet"), client_for("coordinator")
    for_reader, _ = get(reader, Q2_DASHBOARD, DASHBOARD)
    for_coordinator, _ = get(coordinator, Q2_DASHBOARD, DASHBOARD)
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    draft = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period, state="draft",
                                           overall_rag="red")
    Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=period, value=Decimal("123456"), data_for="Q2",
                               rag_calculated="red")
    draft.commentary = "Typed some more"
    draft.save()
    assert get(reader, Q2_DASHBOARD, DASHBOARD) == (for_reader, False)  # still valid: kept
    now, built = get(coordinator, Q2_DASHBOARD, DASHBOARD)
    assert built and now != for_coordinator and "123,456" in now


def test_a_return_reopened_for_a_correction_leaves_the_readers_pages_at_once(client_for, demo_users):
    from reporting.returns.corrections import reopen_return

    approved = approve_q2(demo_users)
    reader = client_for("cabinet")
    before, _ = get(reader, Q2_DASHBOARD, DASHBOARD)
    assert "Amber" in status_row(before, "Health &amp; Wellbeing")
    reopen_return(quarterly_return=approved, by=demo_users["coordinator"], reason="A figure was wrong")
    after, built = get(reader, Q2_DASHBOARD, DASHBOARD)
    assert built  # readers saw the approved return: what was kept for them is no longer valid
    assert after.count("Amber") <= before.count("Amber")


def test_the_readers_version_moves_only_with_what_readers_may_see(sefton, demo_users):
    def versions():
        return data_version(), data_version(drafts=False)  # as pages read them

    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    number, readers = versions()
    draft = QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=period, state="draft",
                                           overall_rag="red")
    figure = Measurement.objects.create(kpi=KPI.objects.get(code="HOU-02"), period=period, value=Decimal(5))
    figure.value = Decimal(6)
    figure.save()
    assert versions()[0] > number and versions()[1] == readers  # drafts: every write's number only
    draft.state = "approved"
    draft.save()
    assert versions()[1] == readers + 1  # approved: readers may see it now
    draft.state = "draft"
    draft.save()
    assert versions()[1] == readers + 2  # and they saw it before this write
    SubStrand.objects.get(slug="housing").save()
    assert versions()[1] == readers + 3  # the structure readers always see


@pytest.mark.parametrize(("who", "url", "data_tables"), [
    ("cabinet", "/dashboard/", ['"objectives_strategy"', '"objectives_reportingperiod"']),
    ("cabinet", "/dashboard/stale-figures/", ['"objectives_strategy"', '"objectives_reportingperiod"']),
    ("cabinet", "/", ['"objectives_strategicobjective"', '"reporting_quarterlyreturn"']),
    ("cabinet", "/risks/", ['"reporting_risk"', '"reporting_riskreview"']),
    ("cabinet", "/risks/heat-map/", ['"reporting_risk"', '"reporting_riskreview"', '"objectives_reportingperiod"']),
    ("cabinet", "/kpis/HOU-02/", ['"kpis_measurement"', '"kpis_target"', '"kpis_kpi"']),
    (None, "/public/kpis/HOU-02/", ['"kpis_measurement"', '"kpis_target"', '"kpis_kpi"']),
    ("cabinet", "/periods/2023-24-q1/briefing/", ['"objectives_reportingperiod"', '"reporting_briefing"']),
    # (the public pages' validators, reporting.public.caching, are kept under the same version, read first)
    (None, "/public/", ['"objectives_strategy"', '"objectives_reportingperiod"."slug"']),
    (None, "/public/quarters/2023-24-q1/briefing/", ['"objectives_reportingperiod"."slug"', '"reporting_briefing"."period_id" =']),
    ("cabinet", "/sub-strands/health-wellbeing/", ['"objectives_substrand"."slug"', '"reporting_quarterlyreturn"."sub_strand_id"']),
    (None, "/public/sub-strands/health-wellbeing/", ['"objectives_substrand"."slug"', '"reporting_quarterlyreturn"."sub_strand_id"']),
    # the officers' pages whose content is kept (their buttons drawn for each person)
    ("coordinator", "/periods/2023-24-q1/returns/housing/", ['"reporting_quarterlyreturn"', '"kpis_measurement"', '"kpis_kpi"']),
    ("officer", "/periods/2023-24-q2/returns/housing/", ['"reporting_quarterlyreturn"', '"kpis_measurement"', '"kpis_kpi"']),
    ("coordinator", "/years/2023/targets/", ['"kpis_target"', '"kpis_kpi"']),
    ("approver", "/review/", ['"reporting_quarterlyreturn"', '"reporting_actionupdate"', '"reporting_riskreview"']),
    ("officer", "/my-returns/", ['"objectives_substrand"', '"reporting_quarterlyreturn"', '"objectives_reportingperiod"']),
    ("coordinator", "/my-returns/", ['"objectives_substrand"', '"reporting_quarterlyreturn"', '"objectives_reportingperiod"']),
])
def test_the_version_is_read_before_the_data_a_page_is_built_from(sefton, demo_users, client, who, url, data_tables):
    """Else a write committed in between would be kept, unseen, under the newer version."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if who:
        client.force_login(demo_users[who], backend="django.contrib.auth.backends.ModelBackend")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    version = next(i for i, q in enumerate(sql) if "reporting_dataversion" in q)
    assert all(not any(table in q for table in data_tables) for q in sql[:version]), sql[:version + 1]


def test_a_page_being_built_is_built_once_for_those_who_ask_meanwhile(settings):
    """A crowd arriving after an approval waits for one build in each process, rather than each
    building the page again."""
    import threading
    import time
    from types import SimpleNamespace

    from reporting import readers_cache

    settings.READERS_CACHE_SECONDS = 60
    request, builds, served = SimpleNamespace(_ses_data_version=(7, 7)), [], []

    def build():
        builds.append(1)
        time.sleep(0.3)
        return {"html": "built once"}

    crowd = [threading.Thread(target=lambda: served.append(readers_cache.kept(request, "test", user=PUBLIC, build=build)))
             for _ in range(5)]
    for reader in crowd:
        reader.start()
    for reader in crowd:
        reader.join()
    assert len(builds) == 1 and served == [{"html": "built once"}] * 5


def test_the_council_and_the_strategies_are_read_once_for_every_request_until_the_data_changes(client_for):
    """The council, the strategies, who reads them and the public pages' switch are the same for
    everyone: read once (reporting.readers_cache.shared_between_requests), not on every request, and
    read again as soon as anything changes."""
    from objectives.models import Council

    client_for("cabinet").get("/accessibility/")
    with CaptureQueriesContext(connection) as ctx:
        assert client_for("scrutiny").get("/accessibility/").status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "objectives_council" not in sql and "objectives_strategy" not in sql and "reporting_sitesettings" not in sql
    Council.objects.update_or_create(key=1, defaults={"short_name": "Renamedtown"})  # update_or_create saves: raised
    assert "Renamedtown" in client_for("scrutiny").get("/accessibility/").content.decode()


def test_a_reader_taken_off_a_strategy_is_refused_it_at_once(climate_for_scrutiny, client_for, demo_users):  # noqa: F811
    scrutiny, fleet = client_for("scrutiny"), "/sub-strands/fleet/"
    assert scrutiny.get(fleet).status_code == 200  # who reads what is now kept between requests
    climate_for_scrutiny.readers.set([demo_users["cabinet"]])
    assert scrutiny.get(fleet).status_code == 403
    assert client_for("cabinet").get(fleet).status_code == 200
