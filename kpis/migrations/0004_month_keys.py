"""A period's place in time is now counted in months (objectives.cadence.order_key), so that
periods of every cadence compare: a quarterly key k becomes 3k + 2."""
from django.db import migrations
from django.db.models import F

NO_LATER_FIGURE = 2**31 - 1


def to_months(apps, schema_editor):
    Measurement = apps.get_model("kpis", "Measurement")
    Measurement.objects.filter(period_key__gt=0).update(period_key=F("period_key") * 3 + 2)
    for field in ("next_figure_key", "next_approved_key"):
        Measurement.objects.exclude(**{field: NO_LATER_FIGURE}).filter(**{f"{field}__gt": 0}).update(
            **{field: F(field) * 3 + 2})


class Migration(migrations.Migration):
    dependencies = [("kpis", "0003_figures_of_15_digits"), ("objectives", "0007_strategy_periods_and_events")]
    operations = [migrations.RunPython(to_months, migrations.RunPython.noop)]
