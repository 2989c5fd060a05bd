"""The matrix is configured once in the admin: its levels and bands on its own page, the bands
checked to cover every score without overlap, with a clear message; reviews only read there."""
import pytest
from django.urls import reverse

from reporting.models import RiskBand, RiskMatrix
from tests.reporting.risks.helpers import council

pytestmark = pytest.mark.django_db


def _matrix_form(matrix, bands):
    data = {"name": matrix.name, "appetite_score": "9", "appetite_words": "Within risk appetite",
            "tolerance_score": "15", "tolerance_words": "Within risk tolerance"}
    levels = list(matrix.levels.order_by("axis", "value"))
    data.update({"levels-TOTAL_FORMS": str(len(levels)), "levels-INITIAL_FORMS": str(len(levels)),
                 "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "1000"})
    for i, level in enumerate(levels):
        data.update({f"levels-{i}-id": str(level.pk), f"levels-{i}-matrix": str(matrix.pk),
                     f"levels-{i}-axis": level.axis, f"levels-{i}-value": str(level.value),
                     f"levels-{i}-name": level.name, f"levels-{i}-description": ""})
    existing = list(matrix.bands.order_by("order"))
    data.update({"bands-TOTAL_FORMS": str(len(bands)), "bands-INITIAL_FORMS": str(len(existing)),
                 "bands-MIN_NUM_FORMS": "0", "bands-MAX_NUM_FORMS": "1000"})
    for i, (name, low, high, colour) in enumerate(bands):
        if i < len(existing):
            data[f"bands-{i}-id"] = str(existing[i].pk)
        data.update({f"bands-{i}-matrix": str(matrix.pk), f"bands-{i}-name": name, f"bands-{i}-lowest_score": str(low),
                     f"bands-{i}-highest_score": str(high), f"bands-{i}-colour": colour, f"bands-{i}-order": str(i + 1)})
    return data


def test_bands_with_a_gap_are_refused_with_the_scores_named(admin_client):
    matrix = RiskMatrix.for_council(council())
    url = reverse("admin:reporting_riskmatrix_change", args=[matrix.pk])
    bands = [("Low", 1, 4, "green"), ("Medium", 5, 8, "yellow"), ("High", 10, 16, "amber"), ("Very high", 20, 25, "red")]
    response = admin_client.post(url, _matrix_form(matrix, bands))
    assert response.status_code == 200
    assert "No band covers the score 9" in response.content.decode()
    assert RiskBand.objects.get(matrix=matrix, name="Medium").highest_score == 9


def test_overlapping_bands_are_refused(admin_client):
    matrix = RiskMatrix.for_council(council())
    url = reverse("admin:reporting_riskmatrix_change", args=[matrix.pk])
    bands = [("Low", 1, 5, "green"), ("Medium", 5, 9, "yellow"), ("High", 10, 16, "amber"), ("Very high", 20, 25, "red")]
    response = admin_client.post(url, _matrix_form(matrix, bands))
    assert "overlap: the score 5 would be in both" in response.content.decode()
    assert RiskBand.objects.get(matrix=matrix, name="Low").highest_score == 4


def test_bands_that_cover_every_score_are_saved(admin_client):
    matrix = RiskMatrix.for_council(council())
    url = reverse("admin:reporting_riskmatrix_change", args=[matrix.pk])
    bands = [("Low", 1, 3, "green"), ("Medium", 4, 9, "yellow"), ("High", 10, 16, "amber"), ("Very high", 17, 25, "red")]
    response = admin_client.post(url, _matrix_form(matrix, bands))
    assert response.status_code == 302
    assert RiskBand.objects.get(matrix=matrix, name="Low").highest_score == 3


def test_a_second_matrix_cannot_be_added(admin_client):
    RiskMatrix.for_council(council())
    assert admin_client.get(reverse("admin:reporting_riskmatrix_add")).status_code == 403


def test_reviews_are_read_only_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:reporting_riskreview_add")).status_code == 403
