"""Periods belong to a strategy and follow its cadence (quarterly, half-yearly or monthly);
`quarter` becomes `number`; the governance calendar's three fixed date columns become named events."""
import re

import django.db.models.deletion
from django.db import migrations, models

TERMS = {"coordinator": "Economy Cell", "reader": "Cabinet Member", "scrutiny": "Overview & Scrutiny committee"}
MONTHLY = re.compile(r"\bbriefings are monthly\b", re.IGNORECASE)  # how the calendar said so before
CADENCES = [("quarterly", "Quarterly"), ("half_yearly", "Half-yearly"), ("monthly", "Monthly")]


def periods_to_strategies_and_events(apps, schema_editor):
    Strategy = apps.get_model("objectives", "Strategy")
    Period = apps.get_model("objectives", "ReportingPeriod")
    Event = apps.get_model("objectives", "GovernanceEvent")
    Council = apps.get_model("objectives", "Council")
    if not Period.objects.exists():
        return
    first = Strategy.objects.order_by("pk").first() or Strategy.objects.create(name="Strategy", slug="strategy")
    Period.objects.filter(strategy__isnull=True).update(strategy=first)
    council = Council.objects.first()
    word = {key: (getattr(council, f"{key}_one", "") or default) for key, default in TERMS.items()}
    for period in Period.objects.select_related("strategy").order_by("pk"):
        s = period.strategy
        columns = [
            (period.economy_cell_meeting, s.coordinator_meeting_heading or f"{word['coordinator']} meeting", word["coordinator"]),
            (period.cabinet_member_briefing, s.reader_briefing_heading or f"{word['reader']} briefings", word["reader"]),
            (period.scrutiny_meeting, s.scrutiny_meeting_heading or f"{word['reader']} / {word['scrutiny']}",
             word["scrutiny"]),
        ]
        monthly = MONTHLY.search(period.governance_notes or "")
        for order, (date, name, audience) in enumerate(columns, start=1):
            frequency = "Monthly" if monthly and order == 2 else ""
            if date or frequency:
                Event.objects.create(period=period, name=name, date=date, audience=audience, order=order,
                                     frequency=frequency)


class Migration(migrations.Migration):
    dependencies = [("objectives", "0006_coordinators_group")]

    operations = [
        migrations.AddField("strategy", "cadence", models.CharField(
            "reporting cadence", max_length=12, choices=CADENCES, default="quarterly",
            help_text="How often it reports: its periods are quarters, half-years or months.")),
        migrations.AddField("strategy", "deadline_column", models.PositiveSmallIntegerField(
            "calendar column of the deadline", default=2,
            help_text="Where the governance calendar puts the deadline among its events: 1 is the first column.")),
        migrations.AddConstraint("strategy", models.CheckConstraint(
            condition=models.Q(cadence__in=["quarterly", "half_yearly", "monthly"]), name="strategy_cadence_valid")),
        migrations.RemoveConstraint("reportingperiod", "one_period_per_quarter"),
        migrations.RemoveConstraint("reportingperiod", "quarter_between_1_and_4"),
        migrations.RemoveConstraint("reportingperiod", "one_open_period"),
        migrations.RenameField("reportingperiod", "quarter", "number"),
        migrations.AddField("reportingperiod", "strategy", models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="periods", to="objectives.strategy")),
        migrations.AddField("reportingperiod", "cadence", models.CharField(
            choices=CADENCES, default="quarterly", editable=False, max_length=12)),
        migrations.CreateModel(
            name="GovernanceEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, help_text="As the calendar heads its column, e.g. “Economy Cell meeting”.")),
                ("date", models.DateField(blank=True, null=True, help_text="Empty: the event is in the calendar but not yet dated.")),
                ("audience", models.CharField(blank=True, max_length=200, help_text="Who it is for, e.g. “Cabinet Member”.")),
                ("frequency", models.CharField(blank=True, max_length=100,
                                               help_text="When it recurs rather than falls on one date, how often, e.g. “Monthly”.")),
                ("order", models.PositiveSmallIntegerField(default=1, help_text="Its column in the calendar: 1 is the first.")),
                ("period", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events",
                                             to="objectives.reportingperiod")),
            ],
            options={"ordering": ["period", "order", "date"]},
        ),
        migrations.AddConstraint("governanceevent", models.UniqueConstraint(
            fields=["period", "name"], name="one_event_of_a_name_per_period")),
        migrations.RunPython(periods_to_strategies_and_events, migrations.RunPython.noop),
        migrations.AlterField("reportingperiod", "strategy", models.ForeignKey(
            help_text="The strategy it is a period of.", on_delete=django.db.models.deletion.PROTECT,
            related_name="periods", to="objectives.strategy")),
        migrations.RemoveField("reportingperiod", "economy_cell_meeting"),
        migrations.RemoveField("reportingperiod", "cabinet_member_briefing"),
        migrations.RemoveField("reportingperiod", "scrutiny_meeting"),
        migrations.RemoveField("strategy", "coordinator_meeting_heading"),
        migrations.RemoveField("strategy", "reader_briefing_heading"),
        migrations.RemoveField("strategy", "scrutiny_meeting_heading"),
        migrations.AlterModelOptions("reportingperiod", {"ordering": ["strategy", "start_date"]}),
        migrations.AlterField("reportingperiod", "dashboard_deadline", models.DateField(
            "dashboard update deadline", blank=True, null=True,
            help_text="When returns are due: reminders and “overdue” count to it.")),
        migrations.AlterField("reportingperiod", "number", models.PositiveSmallIntegerField(
            help_text="Its place in the financial year: quarter 1 to 4, half-year 1 or 2, or month 1 (April) to 12 (March).")),
        migrations.AlterField("reportingperiod", "slug", models.SlugField(max_length=80, unique=True, help_text="e.g. 2023-24-q1")),
        migrations.AddConstraint("reportingperiod", models.UniqueConstraint(
            fields=["strategy", "financial_year", "number"], name="one_period_per_number")),
        migrations.AddConstraint("reportingperiod", models.CheckConstraint(
            condition=models.Q(number__gte=1, number__lte=12), name="period_number_between_1_and_12")),
        migrations.AddConstraint("reportingperiod", models.UniqueConstraint(
            condition=models.Q(state="open"), fields=["strategy"], name="one_open_period_per_strategy")),
    ]
