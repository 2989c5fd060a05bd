from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0018_risk_papers'),
    ]

    operations = [
        migrations.AddField(
            model_name='riskreview',
            name='next_review_date',
            field=models.DateField(blank=True, null=True, verbose_name='next review date'),
        ),
    ]
