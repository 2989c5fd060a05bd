"""robots.txt (the public pages may be indexed, nothing else), security.txt (RFC 9116) and the favicon
answer 200, without a login."""
import datetime
import re

from django.test import Client
from django.utils import timezone


def test_robots_txt_lets_the_public_pages_be_indexed_and_nothing_else(db, settings):
    response = Client().get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == ["User-agent: *", "Allow: /public/", "Disallow: /"]
    settings.PUBLIC_PAGES = False
    assert Client().get("/robots.txt").content.decode().splitlines() == ["User-agent: *", "Disallow: /"]


def test_security_txt_has_the_rfc_9116_fields(db, settings):
    settings.SITE_URL, settings.SECURITY_CONTACT = "https://ses.council.example", ""
    settings.CONTACT_EMAIL = "digital@council.example"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:digital@council.example"
    assert fields["Preferred-Languages"] == "en"
    assert fields["Canonical"] == "https://ses.council.example/.well-known/security.txt"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["Expires"])
    expires = datetime.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    assert timezone.now() < expires < timezone.now() + datetime.timedelta(days=365)  # RFC 9116: less than a year
    settings.SECURITY_CONTACT = "https://council.example/report-a-vulnerability"
    assert "Contact: https://council.example/report-a-vulnerability" in Client().get("/.well-known/security.txt").content.decode()


def test_the_favicon_answers_200(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in response["Cache-Control"]
