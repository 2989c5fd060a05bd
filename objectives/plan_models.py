"""Action plans: the strategy's yearly plan or a scrutiny plan, its numbered actions and their
milestones (part of objectives.models, in a file of its own)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class ActionPlan(models.Model):
    """An action plan: the SES yearly plan, or a scrutiny plan such as the 2017 Action Plan for Employment."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    strategy = models.ForeignKey("objectives.Strategy", null=True, blank=True, on_delete=models.PROTECT, related_name="action_plans")
    originating_body = models.CharField(
        max_length=300, blank=True, help_text="The body that made its recommendations, e.g. an Overview & Scrutiny committee."
    )
    cabinet_approved_on = models.DateField(null=True, blank=True, help_text="When Cabinet approved the recommendations.")
    agreed_on = models.DateField(null=True, blank=True, help_text="When the action plan itself was agreed.")
    agreed_by = models.CharField(max_length=200, blank=True)
    owner = models.CharField(max_length=200, blank=True, help_text="Who owns the plan, e.g. a Cabinet Member.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("action-plan", args=[self.slug])


class Action(models.Model):
    """A numbered recommendation or action of a plan, with its owner, timescale and status."""

    class Status(models.TextChoices):
        UNASSESSED = "unassessed", "No status given"
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        COMPLETE = "complete", "Complete"
        SUPERSEDED = "superseded", "Superseded"

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300, blank=True)
    wording = models.TextField(blank=True, help_text="The recommendation or action in full, as agreed.")
    made_by = models.CharField(max_length=300, blank=True, help_text="The body that made the recommendation.")
    owner = models.CharField(max_length=300, blank=True, help_text="e.g. Head of Investment & Employment")
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="owned_actions", help_text="Officers who may enter its updates."
    )
    sub_strand = models.ForeignKey("objectives.SubStrand", null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    timescale = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNASSESSED)
    status_note = models.TextField(blank=True, help_text="e.g. rolled into the Economic Strategy")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(status__in=["unassessed", "not_started", "on_track", "at_risk", "complete", "superseded"]),
                name="action_status_valid",
            ),
        ]

    def __str__(self):
        return f"({self.number}) {self.title or self.wording[:80]}"


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["action", "order", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["action", "order"], name="milestone_order_unique_in_action"),
        ]

    def __str__(self):
        return self.title
