"""The benchmark import: an LG Inform-style CSV checked row by row, previewed and confirmed by the
coordinating team; nothing written on a refusal."""
import datetime

import pytest
from django.urls import reverse

from kpis.models import KPI, Benchmark, BenchmarkFigure
from reporting.benchmarks.reader import parse_period, read_benchmark_csv
from reporting.workbooks.safety import ImportRefused
from tests.reporting.benchmarks.support import group_figures, lg_inform_csv, north_west_metropolitan_districts, rows_of


def _post(client, content, *, kpi="HW-04", name="lginform.csv", **more):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"kpi": kpi, "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "source": "LG Inform: a test metric", "licence": "ogl-3", "published_on-day": "14",
            "published_on-month": "11", "published_on-year": "2024", **more}
    return client.post(reverse("import-benchmark"), data)


@pytest.mark.parametrize("label, expected, end", [
    ("2023", "2023", datetime.date(2023, 12, 31)),
    ("2022/23", "2022/23", datetime.date(2023, 3, 31)),
    ("2022-2023", "2022/23", datetime.date(2023, 3, 31)),
    ("1999/00", "1999/00", datetime.date(2000, 3, 31)),
    ("Q1 2023/24", "2023/24 Q1", datetime.date(2023, 6, 30)),
    ("2023/24 Q4", "2023/24 Q4", datetime.date(2024, 3, 31)),
    ("2023 Q2", "2023 Q2", datetime.date(2023, 6, 30)),
    ("Mar 2024", "March 2024", datetime.date(2024, 3, 31)),
])
def test_periods_are_read_as_councils_write_them(label, expected, end):
    period = parse_period(label)
    assert (period.label, period.end) == (expected, end)


@pytest.mark.parametrize("label", ["", "next year", "2022/24", "Q5 2023/24", "13/2023", "2023-13"])
def test_a_period_the_import_cannot_read_is_none(label):
    assert parse_period(label) is None


def test_unknown_codes_bad_periods_duplicates_and_bad_numbers_are_named_row_by_row_and_nothing_is_written(
        client_for, sefton):
    group = north_west_metropolitan_districts()
    figures = group_figures(group, period="2022/23")
    rows = rows_of(figures, "2022/23")
    rows.insert(2, ["E09999999", "Nowhere", "2022/23", "55.0"])  # row 5 (a preamble line, the headings)
    rows.append([rows[0][0], rows[0][1], "2022/23", "51.0"])  # a duplicate of row 3
    rows.append([rows[1][0], rows[1][1], "sometime", "51.0"])
    rows.append([rows[3][0], rows[3][1], "2021/22", "12..5"])
    rows.append(["E92000001", "England", "2022/23", "60.1"])  # not a council: left out, not refused
    response = _post(client_for("coordinator"), lg_inform_csv(rows))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Row 5, E09999999 Nowhere: the area code “E09999999” is not the GSS or three-letter code of a UK council" in page
    count = len(rows) + 2
    assert f"Row {count - 3}, {rows[0][0]} {rows[0][1]}: {rows[0][1]}&#x27;s figure for 2022/23 is there twice (row 3 too)" in page
    assert f"Row {count - 2}, {rows[1][0]} {rows[1][1]}: the period “sometime” cannot be read" in page
    assert f"Row {count - 1}, {rows[3][0]} {rows[3][1]}: the value “12..5” is not a number" in page
    assert "England" not in page.split("There is a problem")[1].split("</ul>")[0]
    assert not Benchmark.objects.exists() and not BenchmarkFigure.objects.exists()


def test_a_file_is_previewed_then_saved_on_confirmation_and_a_period_again_replaces_it(client_for, sefton):
    group = north_west_metropolitan_districts()
    client = client_for("coordinator")
    figures = group_figures(group, period="2022/23")
    response = _post(client, lg_inform_csv(rows_of(figures, "2022/23") + [["E92000001", "England", "2022/23", "60.1"]]))
    page = response.content.decode()
    assert "Check the benchmark data before saving" in page, page[:3000]
    assert f"{len(figures)} for 1 period (2022/23): {len(figures)} new" in page
    assert "1 row for areas that are not councils (England, a region) left out" in page
    assert not BenchmarkFigure.objects.exists()  # nothing yet
    plan = page.split('name="plan" value="')[1].split('"')[0]
    response = client.post(reverse("import-benchmark-confirm"), {"plan": plan})
    assert response.status_code == 302 and response.url == reverse("kpi", args=["HW-04"])
    benchmark = Benchmark.objects.get(kpi__code="HW-04")
    assert (benchmark.source, benchmark.licence, benchmark.published_on) == (
        "LG Inform: a test metric", "ogl-3", datetime.date(2024, 11, 14))
    assert {(f.authority, f.value) for f in benchmark.figures.all()} == set(figures.items())
    # the same period again, one council fewer: that period's figures are the new file's
    fewer = dict(list(figures.items())[1:])
    first = next(iter(fewer))
    fewer[first] += 1  # a corrected figure
    page = _post(client, lg_inform_csv(rows_of(fewer, "2022/23"))).content.decode()
    assert f"0 new, 1 changed, {len(fewer) - 1} as saved now" in page
    assert "1 saved figure of this period for councils the file leaves out will be removed" in page
    client.post(reverse("import-benchmark-confirm"), {"plan": page.split('name="plan" value="')[1].split('"')[0]})
    assert {(f.authority, f.value) for f in benchmark.figures.all()} == set(fewer.items())


def test_only_the_coordinating_team_may_import_benchmarks(client_for, sefton):
    response = _post(client_for("officer"), lg_inform_csv([["E08000014", "x", "2023", "1"]]))
    assert response.status_code == 403
    assert "cannot import benchmark data for a KPI" in response.content.decode()
    assert client_for("cabinet").get(reverse("benchmarks")).status_code == 403
    assert client_for("coordinator").get(reverse("benchmarks")).status_code == 200


def test_another_persons_preview_or_a_forged_one_is_refused(client_for, sefton):
    north_west_metropolitan_districts()
    page = _post(client_for("coordinator"), lg_inform_csv([["E08000014", "Sefton", "2023", "1"]])).content.decode()
    plan = page.split('name="plan" value="')[1].split('"')[0]
    response = client_for("approver").post(reverse("import-benchmark-confirm"), {"plan": plan})
    assert response.status_code == 403  # approvers may not import at all
    admin_page = client_for("admin").post(reverse("import-benchmark-confirm"), {"plan": plan}).content.decode()
    assert "The preview could not be confirmed: upload the workbook again." in admin_page
    assert not BenchmarkFigure.objects.exists()


def test_a_file_with_other_headings_is_read_once_its_columns_are_named(db):
    content = "GSS,Council,When,Rate\nE08000014,Sefton,2023,61.2\n".encode()
    with pytest.raises(ImportRefused, match="no column for the area code, area name, period and value"):
        read_benchmark_csv(content)
    read = read_benchmark_csv(content, columns={"code": "GSS", "name": "Council", "period": "When", "value": "Rate"})
    assert [(a.code, p.label, str(v)) for a, p, v in read.figures] == [("SFT", "2023", "61.200000")]


def test_an_excel_workbook_is_refused_with_what_to_do(db):
    with pytest.raises(ImportRefused, match="save it as “CSV UTF-8"):
        read_benchmark_csv(b"PK\x03\x04rest")
    assert KPI.objects.count() == 0
