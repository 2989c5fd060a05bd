"""The public pages: published data only, for anyone without signing in, built the same for
everyone (no cookie, no user, no token), with validators so that a conditional GET answers 304 and
Cache-Control: public so that a reverse proxy or CDN serves the crowd."""
import pytest
from django.test import Client

from kpis.models import KPI
from objectives.models import ReportingPeriod
from reporting.access import PUBLIC, RETURNS, visible_measurements, visible_returns
from reporting.models import QuarterlyReturn
from reporting.returns.corrections import reopen_return
from tests.reporting.public.helpers import approve_q2, issue_q2

PAGES = ["/public/", "/public/quarters/2023-24-q1/", "/public/quarters/2023-24-q1/briefing/", "/public/sub-strands/housing/",
         "/public/kpis/HOU-02/", "/public/kpis/TOU-01/", "/public/data/"]
FILES = ["/public/data/figures.csv", "/public/data/figures.json", "/public/data/statuses.csv",
         "/public/data/statuses.json", "/public/data/datapackage.json"]


@pytest.mark.parametrize("url", PAGES + FILES)
def test_public_pages_answer_without_signing_in_and_may_be_kept_by_shared_caches(sefton, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"].startswith('W/"') and response["Last-Modified"]
    assert "cookie" not in response.get("Vary", "").lower()
    assert not response.cookies


def test_a_signed_in_officer_gets_the_same_public_page_and_no_cookie(sefton, client_for, client):
    officer = client_for("coordinator")
    mine, anyones = officer.get("/public/"), client.get("/public/")
    assert mine.content == anyones.content
    assert not mine.cookies  # the session's cookie is never handed to a shared cache
    text = mine.content.decode()
    assert "Sign out" not in text and "csrfmiddlewaretoken" not in text and "coordinator" not in text


@pytest.mark.parametrize("url", ["/public/quarters/2023-24-q1/briefing/", "/public/data/figures.csv"])
def test_a_conditional_get_answers_304(sefton, client, url):
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert "public" in again["Cache-Control"] and again["ETag"] == first["ETag"]
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200


def etag(client, url="/public/data/figures.csv"):
    return client.get(url)["ETag"]


def test_drafts_and_unpublished_approvals_leave_the_validators_alone(sefton, demo_users, client):
    """An officer's day of data entry, and an approval before the briefing is issued, change
    nothing the public sees: the crowd's copies stay valid."""
    before = {url: etag(client, url) for url in ["/public/", "/public/data/figures.csv", "/public/kpis/HW-01/"]}
    approve_q2(demo_users)  # submitted, then approved: not yet published
    QuarterlyReturn.objects.create(sub_strand_id=KPI.objects.get(code="HOU-02").sub_strand_id,
                                   period=ReportingPeriod.objects.get(slug="2023-24-q2"), commentary="a draft")
    assert {url: etag(client, url) for url in before} == before


def test_publishing_a_quarter_changes_the_validators_and_the_pages(sefton, demo_users, client):
    old = client.get("/public/data/figures.csv")
    approve_q2(demo_users, value=4321)
    issue_q2(demo_users)
    response = client.get("/public/data/figures.csv", HTTP_IF_NONE_MATCH=old["ETag"])
    assert response.status_code == 200 and response["ETag"] != old["ETag"]
    assert "4321" in response.content.decode()
    assert "2023/24 Q2" in client.get("/public/").content.decode()


def test_a_correction_reopened_takes_the_return_off_the_public_pages(sefton, demo_users, client):
    old = client.get("/public/data/statuses.csv")
    ret = QuarterlyReturn.objects.get(period__slug="2023-24-q1", sub_strand__slug="housing")
    reopen_return(quarterly_return=ret, by=demo_users["coordinator"], reason="A figure was wrong.")
    response = client.get("/public/data/statuses.csv", HTTP_IF_NONE_MATCH=old["ETag"])
    assert response.status_code == 200
    assert ",housing," in old.content.decode() and ",housing," not in response.content.decode()


def test_the_crowd_reads_the_validators_without_reading_the_published_data(sefton, client):
    """The published data's version is kept until the data readers may see changes (reporting.readers_cache):
    a page answered again, or 304 to a conditional request, reads no published return, figure or audit entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get("/public/sub-strands/housing/")
    for headers in ({}, {"HTTP_IF_NONE_MATCH": first["ETag"]}):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/public/sub-strands/housing/", **headers)
        assert response.status_code == (304 if headers else 200) and response["ETag"] == first["ETag"]
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert "reporting_quarterlyreturn" not in sql and "kpis_measurement" not in sql and "auditlog_logentry" not in sql, sql


def test_a_change_to_the_reference_data_changes_the_validators(sefton, client):
    """A KPI renamed in the admin (KPIs, targets, sub-strands, objectives are in the audit log)."""
    old = etag(client, "/public/kpis/HOU-02/")
    kpi = KPI.objects.get(code="HOU-02")
    kpi.title = "Net additional homes a year"
    kpi.save()
    new = client.get("/public/kpis/HOU-02/")
    assert new["ETag"] != old and "Net additional homes a year" in new.content.decode()


def test_the_dashboard_changes_with_the_day(sefton, client, settings):
    from unittest import mock

    import datetime

    from django.utils import timezone

    first = client.get("/public/")
    with mock.patch.object(timezone, "localdate", return_value=timezone.localdate() + datetime.timedelta(days=1)):
        later = client.get("/public/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert later.status_code == 200  # "figure overdue" depends on the date
        assert client.get("/public/data/figures.csv", HTTP_IF_NONE_MATCH=etag(client)).status_code == 304


def client_for_reader(users):
    from django.test import Client

    reader = Client()
    reader.force_login(users["cabinet"], backend="django.contrib.auth.backends.ModelBackend")
    return reader


def test_public_pages_show_published_results_and_name_no_one(sefton, demo_users, client):
    approve_q2(demo_users, commentary="Approved, not yet published")
    housing = client.get("/public/sub-strands/housing/").content.decode()
    assert "Lead officer" not in housing and "/returns/" not in housing
    from django.utils import timezone as tz

    from reporting.models import Briefing

    Briefing.objects.filter(period__slug="2023-24-q1").update(issued_at=tz.now(), issued_by=demo_users["approver"],
                                                              include_kpi_appendix=True)  # its KPIs link too
    briefing = client.get("/public/quarters/2023-24-q1/briefing/").content.decode()
    assert "Issued on" in briefing and "Alex Approver" not in briefing  # the public pages name no officer
    signed_in = client_for_reader(demo_users).get("/periods/2023-24-q1/briefing/").content.decode()
    assert "Issued on" in signed_in and "by Alex Approver" in signed_in
    assert 'href="/kpis/' not in briefing and 'href="/sub-strands/' not in briefing and 'href="/dashboard/' not in briefing
    assert 'href="/public/kpis/HOU-02/"' in briefing
    for url in PAGES:
        assert "Approved, not yet published" not in client.get(url).content.decode()


def test_the_public_audience_is_the_most_restricted(sefton, demo_users):
    """Published only: an approved return whose briefing is not yet issued is the readers', not the public's."""
    approved = approve_q2(demo_users)
    assert approved in visible_returns(demo_users["cabinet"]) and approved not in visible_returns(PUBLIC)
    assert not RETURNS.test(PUBLIC, approved) and RETURNS.test(demo_users["cabinet"], approved)
    public = set(visible_measurements(PUBLIC))
    assert public <= set(visible_measurements(demo_users["cabinet"]))
    assert all(m.period.slug == "2023-24-q1" for m in public)


def test_published_figures_are_exactly_the_figures_of_published_returns(sefton, demo_users):
    """The access rule reads a figure as published when it is approved in a published period; the
    workflow makes that the same as 'its return is published', and it stays so after a correction."""
    approve_q2(demo_users)
    issue_q2(demo_users)
    reopen_return(quarterly_return=QuarterlyReturn.objects.get(period__slug="2023-24-q1", sub_strand__slug="tourism"),
                  by=demo_users["coordinator"], reason="Check")
    published = {(r.sub_strand_id, r.period_id) for r in QuarterlyReturn.objects.filter(state="published")}
    from kpis.models import Measurement

    by_return = {m.pk for m in Measurement.objects.select_related("kpi") if (m.kpi.sub_strand_id, m.period_id) in published
                 and m.has_figure}
    assert {m.pk for m in visible_measurements(PUBLIC) if m.has_figure} == by_return
    for m in Measurement.objects.select_related("kpi", "period"):
        from reporting.access import MEASUREMENTS

        assert MEASUREMENTS.test(PUBLIC, m) == (m in visible_measurements(PUBLIC))


def test_unknown_and_unpublished_addresses_are_not_found(sefton, client):
    for url in ["/public/quarters/2023-24-q2/", "/public/quarters/2023-24-q2/briefing/", "/public/quarters/1999-00-q1/",
                "/public/kpis/NOPE/", "/public/sub-strands/nope/", "/public/data/nope.csv", "/public/data/figures.xlsx"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/public/").status_code == 405


def test_the_sign_in_page_links_to_the_public_pages_while_they_are_on(sefton, client, settings):
    assert 'href="/public/"' in client.get("/accounts/login/").content.decode()
    settings.PUBLIC_PAGES = False
    assert 'href="/public/"' not in Client().get("/accounts/login/").content.decode()


def test_the_open_data_is_compressed_when_asked(sefton, client):
    import gzip

    plain = client.get("/public/data/figures.csv")
    packed = client.get("/public/data/figures.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert client.get("/public/data/figures.csv", HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
