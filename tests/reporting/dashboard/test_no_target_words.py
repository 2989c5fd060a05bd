"""A KPI with no target says what it is judged against the way its direction asks: a KPI where lower
is better never reads "an increase on previous years should be the aim" (issue 27)."""
from kpis.models import KPI


def test_a_lower_is_better_kpi_with_no_target_aims_for_a_decrease(client_for):
    lower = KPI.objects.filter(direction="lower", kind="targeted", targets__isnull=True).order_by("code").first()
    higher = KPI.objects.filter(direction="higher", kind="targeted", targets__isnull=True).order_by("code").first()
    assert lower and higher
    reader = client_for("cabinet")
    page = reader.get(lower.get_absolute_url()).content.decode()
    assert "a decrease on previous years should be the aim" in page
    assert "an increase on previous years" not in page
    assert "an increase on previous years should be the aim" in reader.get(higher.get_absolute_url()).content.decode()
