"""HTML, JSON and CSV are sent compressed to a client that accepts gzip; documents that are zips
already are not; a public page's validators and 304 still work."""
import datetime
import gzip

import pytest
from django.test import Client

from kpis.models import KPI, Measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import QuarterlyReturn
from tests.factories import approved_figures

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def unzipped(response):
    assert response["Content-Encoding"] == "gzip", response.headers
    assert "Accept-Encoding" in response["Vary"]
    return gzip.decompress(b"".join(response.streaming_content) if response.streaming else response.content)


def test_a_signed_in_page_is_compressed(client_for):
    client = client_for("coordinator")
    plain = client.get("/dashboard/")
    packed = client.get("/dashboard/", **GZIP)
    assert "Content-Encoding" not in plain
    body = unzipped(packed)
    assert b"</html>" in body and len(packed.content) < len(plain.content) / 3


def test_a_csv_download_is_compressed(client_for):
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    QuarterlyReturn.objects.create(sub_strand=SubStrand.objects.get(slug="housing"), period=q2, state="approved",
                                   overall_rag="amber", commentary="Approved Q2.")
    approved_figures(*[Measurement.objects.create(kpi=kpi, period=q2, not_available=True, data_for="2022/23",
                                                  expected_date=datetime.date(2023, 8, 1))
                       for kpi in KPI.objects.filter(sub_strand__slug="housing")])
    response = client_for("coordinator").get("/dashboard/", {"period": "2023-24-q2", "_export": "csv"}, **GZIP)
    assert response["Content-Type"].startswith("text/csv")
    text = unzipped(response).decode("utf-8-sig")
    assert text.count("\n") > 1 and "," in text


def test_the_apis_json_is_compressed(demo_users):
    from reporting.api.tokens import issue_token

    secret = issue_token(user=demo_users["cabinet"], name="Power BI").secret
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/figures/?page_size=200", **GZIP)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert b'"results"' in unzipped(response)


def test_a_word_document_is_not_compressed_again(client_for):
    response = client_for("coordinator").get("/periods/2023-24-q1/briefing.docx", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.parametrize("url", ["/public/", "/public/data/figures.csv", "/public/data/figures.json"])
def test_a_compressed_public_page_still_answers_304_to_its_etag(sefton, url):
    client = Client()
    first = client.get(url, **GZIP)
    assert first.status_code == 200 and unzipped(first)
    assert first["ETag"].startswith('W/"')
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"], **GZIP).status_code == 304
