"""The default risk matrix for a council saved before the risk register existed (a new council gets
its matrix when it is saved: reporting/risks/matrix_setup.py)."""
from django.db import migrations

DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT = ["Insignificant", "Minor", "Moderate", "Major", "Severe"]
DEFAULT_BANDS = [("Low", 1, 4, "green"), ("Medium", 5, 9, "yellow"), ("High", 10, 16, "amber"),
                 ("Very high", 20, 25, "red")]  # as reporting.risk_models has them today


def make_matrices(apps, schema_editor):
    Council = apps.get_model("objectives", "Council")
    RiskMatrix = apps.get_model("reporting", "RiskMatrix")
    RiskLevel = apps.get_model("reporting", "RiskLevel")
    RiskBand = apps.get_model("reporting", "RiskBand")
    for council in Council.objects.all():
        if RiskMatrix.objects.filter(council=council).exists():
            continue
        matrix = RiskMatrix.objects.create(council=council)
        for axis, names in (("likelihood", DEFAULT_LIKELIHOOD), ("impact", DEFAULT_IMPACT)):
            for value, name in enumerate(names, start=1):
                RiskLevel.objects.create(matrix=matrix, axis=axis, value=value, name=name)
        for order, (name, lowest, highest, colour) in enumerate(DEFAULT_BANDS, start=1):
            RiskBand.objects.create(matrix=matrix, name=name, lowest_score=lowest, highest_score=highest,
                                    colour=colour, order=order)


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0009_local_authorities_and_comparator_groups"),
        ("reporting", "0019_risk_review_next_review_date"),
    ]

    operations = [migrations.RunPython(make_matrices, migrations.RunPython.noop)]
