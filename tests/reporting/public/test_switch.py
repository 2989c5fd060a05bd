"""The administrator switches the public pages off in the admin (one row of site settings); the
PUBLIC_PAGES environment variable overrides it. Off: every public address answers 404."""
import pytest
from django.urls import reverse

from reporting.models import SiteSettings
from reporting.public.switch import public_pages_on


def test_on_until_switched_off(db):
    assert public_pages_on()
    SiteSettings.objects.create(public_pages=False)
    assert not public_pages_on()


@pytest.mark.parametrize("admin_says, environment, result", [
    (True, None, True), (False, None, False), (True, False, False), (False, True, True),
])
def test_the_environment_overrides_the_admin(db, settings, admin_says, environment, result):
    SiteSettings.objects.create(public_pages=admin_says)
    settings.PUBLIC_PAGES = environment
    assert public_pages_on() is result


def test_the_administrator_switches_them_off_in_the_admin(sefton, client_for, client):
    admin = client_for("admin")
    assert admin.get(reverse("admin:reporting_sitesettings_add")).status_code == 200
    response = admin.post(reverse("admin:reporting_sitesettings_add"), {})  # unticked: off
    assert response.status_code == 302
    settings_row = SiteSettings.objects.get()
    assert settings_row.pk == 1 and not settings_row.public_pages
    assert client.get("/public/").status_code == 404
    assert client.get("/public/data/figures.csv").status_code == 404
    assert "no-cache" in client.get("/public/")["Cache-Control"]  # a shared cache does not keep the 404
    # one row: no second one, and it cannot be deleted
    assert admin.get(reverse("admin:reporting_sitesettings_add")).status_code == 403
    assert admin.post(reverse("admin:reporting_sitesettings_delete", args=[1]), {"post": "yes"}).status_code == 403
    admin.post(reverse("admin:reporting_sitesettings_change", args=[1]), {"public_pages": "on"})
    assert client.get("/public/").status_code == 200


def test_the_admin_says_when_the_environment_decides(sefton, client_for, settings):
    SiteSettings.objects.create(public_pages=True)
    settings.PUBLIC_PAGES = False
    page = client_for("admin").get(reverse("admin:reporting_sitesettings_change", args=[1])).content.decode()
    assert "PUBLIC_PAGES environment variable switches the public pages off" in page
