"""A figure is stored and read back exactly, on SQLite (which keeps decimals as REAL) as on
PostgreSQL: the range is stated once (kpis.numbers) and used by the form, the import and the model.

Issue 13, defect 1: saving the documented maximum 9999999999999.999 as a draft made every page that
showed the return answer 500 for good on SQLite, and 1234567890123.457 came back as 1234567890123.46."""
from decimal import Decimal, InvalidOperation

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.models import KPI, Measurement, Target
from kpis.numbers import FIGURE_DIGITS, NumberError, check_figure, figure_limit, parse_number, whole_number
from objectives.models import ReportingPeriod
from reporting.models import OutputFigure
from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
from reporting.returns.services import save_return
from tests.reporting._returns_support import housing_return


def test_the_range_is_what_a_double_holds_exactly():
    assert FIGURE_DIGITS == 15
    assert figure_limit(3) == Decimal("999999999999.999")
    assert figure_limit(2) == Decimal("9999999999999.99")
    for places in (2, 3):
        limit = figure_limit(places)
        assert Decimal(repr(float(limit))) == limit  # 15 significant digits survive a double
    for field in (Measurement._meta.get_field("value"), Measurement._meta.get_field("frozen_target"),
                  Target._meta.get_field("value"), OutputFigure._meta.get_field("value")):
        assert field.max_digits == FIGURE_DIGITS


@pytest.mark.parametrize("typed, expected", [
    ("1,234", Decimal("1234")), ("12.5", Decimal("12.5")), (" 640 ", Decimal("640")), ("1,234,567.25", Decimal("1234567.25")),
    ("0.5", Decimal("0.5")), (".5", Decimal("0.5")), ("-3", Decimal("-3")), ("", None), ("   ", None),
])
def test_numbers_typed_in_en_gb_are_read(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed, code", [
    ("1,2,3", "grouping"), ("12,34", "grouping"), ("1,2345", "grouping"), ("5%", "percent"), ("£5", "pounds"),
    ("１２", "digits"), ("²", "digits"), ("½", "digits"), ("1e5", "invalid"), ("NaN", "invalid"), ("Infinity", "invalid"),
    ("12.5.6", "invalid"), ("lots", "invalid"), ("0x10", "invalid"), ("1_000", "invalid"), ("1" * 61, "invalid"),
])
def test_other_numbers_are_refused_with_their_reason(typed, code):
    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert refused.value.code == code


def test_percent_and_pounds_only_where_meant():
    assert parse_number("23.5%", percent=True) == Decimal("23.5")
    assert parse_number("£35,000", pounds=True) == Decimal("35000")
    assert parse_number("-£5", pounds=True) == Decimal("-5")


@pytest.mark.parametrize("sent, expected", [
    ("12", 12), ("0", 0), ("²", None), ("١٢", None), ("-1", None), ("1.0", None), ("", None), (None, None),
    ("9223372036854775807", 2**63 - 1), ("9223372036854775808", None), ("1" * 40, None), (" 7 ", 7),
])
def test_whole_numbers_from_a_request(sent, expected):
    assert whole_number(sent) == expected


def test_check_figure_refuses_what_the_database_cannot_hold():
    check_figure(figure_limit(3), places=3)
    for value, code in [(Decimal("9999999999999.999"), "too_large"), (Decimal("1.2345"), "decimals"),
                        (Decimal("-1"), "negative"), (Decimal("NaN"), "invalid")]:
        with pytest.raises(NumberError) as refused:
            check_figure(value, places=3)
        assert refused.value.code == code


@pytest.mark.parametrize("value, places", [("1.250", 2), ("640", 0), ("6.4E+2", 0), ("123.4567890123456", 13),
                                           ("0.12345678901234567890", 19), ("-0.5", 1)])
def test_a_figures_decimal_places_are_counted_without_trailing_zeros(value, places):
    from kpis.numbers import decimal_places_of

    assert decimal_places_of(Decimal(value)) == places


def test_too_many_decimals_is_said_as_such_however_many_digits():
    with pytest.raises(NumberError) as refused:
        check_figure(Decimal("123.4567890123456"), places=3)
    assert refused.value.code == "decimals" and refused.value.message == "use no more than 3 decimal places"


@pytest.fixture
def figure_home(sefton):
    return KPI.objects.get(code="HOU-01"), ReportingPeriod.objects.get(slug="2023-24-q2")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(min_value=-figure_limit(3), max_value=figure_limit(3), places=3, allow_nan=False, allow_infinity=False))
@pytest.mark.django_db
def test_every_figure_in_range_reads_back_exactly(figure_home, value):
    kpi, period = figure_home
    with transaction.atomic():
        m, _ = Measurement.objects.update_or_create(kpi=kpi, period=period, defaults={"value": value})
        assert Measurement.objects.get(pk=m.pk).value == value
        assert Measurement.objects.filter(pk=m.pk).values_list("value", flat=True)[0] == value
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_figure_the_database_cannot_hold_is_never_stored(figure_home):
    kpi, period = figure_home
    m = Measurement(kpi=kpi, period=period, value=Decimal("9999999999999.999"))
    with pytest.raises(ValidationError):
        m.full_clean()
    with pytest.raises((InvalidOperation, DataError)), transaction.atomic():
        m.save()
    assert not Measurement.objects.filter(kpi=kpi, period=period).exists()


@pytest.mark.django_db
def test_the_largest_figure_saved_from_the_return_form_shows_on_every_page(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    hou01 = KPI.objects.get(code="HOU-01")
    data = as_post_data(initial_form_data(ret))
    data[f"kpi-{hou01.id}-value"] = "999,999,999,999.999"
    data.pop(f"kpi-{hou01.id}-not_available", None)
    data.pop(f"kpi-{hou01.id}-expected_date", None)
    form = ReturnForm(quarterly_return=ret, user=demo_users["officer"], data=data)
    assert form.is_valid(), form.errors
    save_return(quarterly_return=ret, by=demo_users["officer"], form=form)
    assert Measurement.objects.get(kpi=hou01, period=ret.period).value == Decimal("999999999999.999")
    for user in ("officer", "coordinator"):
        client = client_for(user)
        for url in [ret.get_absolute_url(), reverse("kpi", args=["HOU-01"]), "/sub-strands/housing/", "/my-returns/",
                    "/periods/2023-24-q2/briefing.xlsx", "/periods/2023-24-q2/return-template.xlsx"]:
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (user, url, response.status_code)
    page = client_for("officer").get(ret.get_absolute_url()).content.decode()
    assert "999999999999.999" in page
    assert client_for("admin").get("/admin/kpis/measurement/").status_code == 200


@pytest.mark.django_db
def test_the_documented_maximum_of_old_is_refused_by_the_form_and_changes_nothing(demo_users, client_for):
    ret = housing_return(demo_users, "draft")
    hou01 = KPI.objects.get(code="HOU-01")
    before = list(Measurement.objects.filter(period=ret.period).values_list("pk", "value", "version"))
    data = as_post_data(initial_form_data(ret))
    data.update({f"kpi-{hou01.id}-value": "9999999999999.999", "intent": "save"})
    data.pop(f"kpi-{hou01.id}-not_available", None)
    data.pop(f"kpi-{hou01.id}-expected_date", None)
    response = client_for("officer").post(ret.get_absolute_url(), data)
    assert response.status_code == 200
    assert "HOU-01: the value is too large: the largest it can be is 999,999,999,999.999" in response.content.decode()
    assert list(Measurement.objects.filter(period=ret.period).values_list("pk", "value", "version")) == before
    assert client_for("cabinet").get(reverse("kpi", args=["HOU-01"])).status_code == 200
