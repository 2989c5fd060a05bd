"""Returns' period keys counted in months (objectives.cadence.order_key): a quarterly key k becomes 3k + 2."""
from django.db import migrations
from django.db.models import F


def to_months(apps, schema_editor):
    apps.get_model("reporting", "QuarterlyReturn").objects.filter(period_key__gt=0).update(period_key=F("period_key") * 3 + 2)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0008_documents"), ("objectives", "0007_strategy_periods_and_events")]
    operations = [migrations.RunPython(to_months, migrations.RunPython.noop)]
