"""The outbox worker (send_outbox): a claim on each row being sent, and an index on the rows not yet sent."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0009_month_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='claimed_at',
            field=models.DateTimeField(blank=True, help_text='When an outbox worker last took it to send; no other worker takes it until reporting.outbox.RETRY_AFTER later.', null=True),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['claimed_at'], name='notification_unsent'),
        ),
    ]
