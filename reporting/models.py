"""Quarterly returns and their workflow, briefings, action-plan updates and committee reports."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from kpis.numbers import figure_field
from kpis.rag import RAG, RAG_VALUES, rag_label
from objectives.models import Action, ActionPlan, ReportingPeriod, SubStrand
from reporting.workflow_states import WORKFLOW_STATE_VALUES, WorkflowState  # noqa: F401 - its home, shared with risk_models


class QuarterlyReturn(models.Model):
    """A sub-strand's return for a quarter: overall RAG, commentary, and (by period) its measurements."""

    sub_strand = models.ForeignKey(SubStrand, on_delete=models.PROTECT, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=12, choices=WorkflowState.choices, default=WorkflowState.DRAFT)
    overall_rag = models.CharField("overall status", max_length=6, choices=RAG.choices, blank=True)
    commentary = models.TextField(blank=True)
    rag_explanation = models.TextField(
        blank=True, help_text="Why the overall status differs from what the KPIs suggest."
    )
    revision = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    return_comment = models.TextField(blank=True, help_text="The approver's comment when returning it for changes.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(default=False, help_text="Demonstration data, not the council's.")
    # The period's place in time (ReportingPeriod.order_key), kept by save(), so that "the latest
    # earlier status" of a sub-strand is an index seek (reporting.statuses.rated_before).
    period_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["period", "sub_strand"]
        indexes = [models.Index(fields=["sub_strand", "period_key"], name="return_sub_strand_in_time")]
        constraints = [
            models.UniqueConstraint(fields=["sub_strand", "period"], name="one_return_per_sub_strand_per_period"),
            models.CheckConstraint(condition=Q(overall_rag__in=["", *RAG_VALUES]), name="return_overall_rag_valid"),
            models.CheckConstraint(condition=Q(state__in=WORKFLOW_STATE_VALUES), name="return_state_valid"),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "published"]) | ~Q(overall_rag=""),
                name="approved_return_has_overall_rag",
            ),
        ]

    def __str__(self):
        return f"{self.sub_strand} – {self.period}"

    def clean(self):
        if self.period_id and self.sub_strand_id and not self.period.reports(self.sub_strand):
            raise ValidationError({"period": f"{self.sub_strand} does not report in {self.period}: it is a period of "
                                   f"another strategy."})

    def save(self, *args, **kwargs):
        self.period_key = self.period.order_key
        super().save(*args, **kwargs)

    @property
    def overall_rag_label(self):
        return rag_label(self.overall_rag)

    def get_absolute_url(self):
        return reverse("return", args=[self.period.slug, self.sub_strand.slug])


class ReturnRevision(models.Model):
    """An approved return as it stood before a correction reopened it."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reopened_at = models.DateTimeField(auto_now_add=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["quarterly_return", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "number"], name="one_revision_number_per_return"),
        ]


class Briefing(models.Model):
    """The Cabinet Member briefing note for a period; issuing it publishes the period."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    period = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="briefing")
    title = models.CharField(max_length=300, blank=True)
    purpose = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    background = models.TextField(blank=True)
    governance = models.TextField(blank=True, help_text="The text around the governance calendar table.")
    progress_introduction = models.TextField(blank=True)
    include_what_changed = models.BooleanField(
        "include “What changed since last quarter”", default=False,
        help_text="A section after the quarter's summary: status movements, KPIs that turned Red or Amber, figures "
        "still not available and returns missing.",
    )
    include_kpi_appendix = models.BooleanField(
        "include the appendix of KPIs", default=False,
        help_text="An appendix of the KPIs with a figure to report: latest figure, target, RAG status and the period "
        "the data is for.",
    )
    include_attention = models.BooleanField(
        "include “What needs attention”", default=False,
        help_text="A section after the summary: a short ranked list of the KPIs that need attention, each line made "
        "by a rule from the approved figures (reporting.attention).",
    )
    attention_text = models.TextField(
        blank=True, help_text="The Economy Cell's text of “What needs attention”, one numbered line a KPI. Empty: the "
        "rules' list as the figures stand; written into the briefing when it is issued, and kept as issued.",
    )
    include_risks = models.BooleanField(
        "include the risks that need attention", default=False,
        help_text="A section after the summary: the risks outside appetite and those whose score rose, from the "
        "approved risk reviews of the period (reporting.risks.briefing).",
    )
    risks_text = models.TextField(
        blank=True, help_text="The Economy Cell's text of the risk section, one numbered line a risk. Empty: the "
        "lines as the approved reviews stand; written into the briefing when it is issued, and kept as issued.",
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # Issued once (revision 1); re-issued after late returns are approved (2, 3…), each earlier
    # issue kept as a BriefingRevision.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["draft", "issued"]), name="briefing_state_valid"),
        ]

    def __str__(self):
        return f"Briefing {self.period}"


class BriefingRevision(models.Model):
    """A briefing as it was issued, kept when it is issued (and so kept when it is re-issued): its
    text and each sub-strand's status and commentary as the readers saw them."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField()
    # Its readers' Word document and PDF as made when it was issued (reporting.briefings.papers):
    # downloadable as issued whatever is approved or re-issued later. None for one issued before papers were kept.
    paper = models.ForeignKey("reporting.Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["briefing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="one_briefing_revision_number"),
        ]

    def __str__(self):
        return f"{self.briefing}, revision {self.number}"


class Notification(models.Model):
    """One email to one person, about one event: the outbox every notification and reminder goes
    through (reporting.outbox). Written in the transaction of the change it tells of and sent by the
    outbox worker (send_outbox) once that has committed; the key names the event, so that nobody is
    sent the same email twice (one row per event and address); a worker claims a row before sending
    it (claimed_at), and a send that failed is tried again later."""

    key = models.CharField(max_length=200, help_text="The event, e.g. submitted:2023-24-q2:housing:3.")
    kind = models.CharField(max_length=30)
    email = models.EmailField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When an outbox worker last took it to send; no other worker takes it until reporting.outbox.RETRY_AFTER later.")
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "email"], name="one_email_per_event_per_person"),
        ]
        indexes = [  # what the outbox worker asks every few seconds: the rows not yet sent
            models.Index(fields=["claimed_at"], condition=models.Q(sent_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self):
        return f"{self.subject} to {self.email}"


class PlanUpdate(models.Model):
    """One round of reporting on an action plan ('update at December 2017') and its committee report's cover."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="updates")
    slug = models.SlugField(max_length=20, help_text="e.g. 2017-12")
    title = models.CharField(max_length=300)
    as_at = models.DateField(help_text="The date the update reports progress to.")
    committee = models.CharField(max_length=300, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    # The council's committee report template, field by field.
    summary = models.TextField(blank=True)
    recommendations = models.TextField("recommendations to members", blank=True)
    reasons = models.TextField("reasons for the recommendations", blank=True)
    alternative_options = models.TextField("alternative options considered and rejected", blank=True)
    costs = models.TextField("what will it cost and how will it be financed", blank=True)
    revenue_costs = models.TextField(blank=True)
    capital_costs = models.TextField(blank=True)
    resource_implications = models.TextField(blank=True)
    legal_implications = models.TextField(blank=True)
    equality_implications = models.TextField(blank=True)
    core_protect_vulnerable = models.TextField("Protect the most vulnerable", blank=True)
    core_communities = models.TextField("Facilitate confident and resilient communities", blank=True)
    core_services = models.TextField("Commission, broker and provide core services", blank=True)
    core_place = models.TextField("Place – leadership and influencer", blank=True)
    core_change = models.TextField("Drivers of change and reform", blank=True)
    core_prosperity = models.TextField("Facilitate sustainable economic prosperity", blank=True)
    core_social_investment = models.TextField("Greater income for social investment", blank=True)
    core_cleaner_greener = models.TextField("Cleaner Greener", blank=True)
    consultations_internal = models.TextField("internal consultations", blank=True)
    consultations_external = models.TextField("external consultations", blank=True)
    implementation_date = models.TextField("implementation date for the decision", blank=True)
    contact_officer = models.CharField(max_length=200, blank=True)
    contact_telephone = models.CharField(max_length=60, blank=True)
    contact_email = models.EmailField(blank=True)
    appendices = models.TextField(blank=True)
    background_papers = models.TextField(blank=True)
    introduction = models.TextField("introduction / background", blank=True)
    version = models.PositiveIntegerField(default=1)

    CORE_PURPOSE_FIELDS = [
        "core_protect_vulnerable",
        "core_communities",
        "core_services",
        "core_place",
        "core_change",
        "core_prosperity",
        "core_social_investment",
        "core_cleaner_greener",
    ]

    class Meta:
        ordering = ["plan", "as_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="plan_update_slug_unique_in_plan"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.title}"

    def get_absolute_url(self):
        return reverse("plan-report", args=[self.plan.slug, self.slug])


class ActionUpdate(models.Model):
    """Progress on one action in one round: a narrative, a status and output figures.

    It belongs either to an action plan's update round (with its own workflow), or to a
    sub-strand's quarterly return (following the return's workflow).
    """

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    plan_update = models.ForeignKey(PlanUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="action_updates")
    quarterly_return = models.ForeignKey(
        QuarterlyReturn, null=True, blank=True, on_delete=models.CASCADE, related_name="action_updates"
    )
    narrative = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Action.Status.choices, blank=True)
    state = models.CharField(max_length=12, choices=WorkflowState.choices, default=WorkflowState.DRAFT)
    return_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["action__plan", "action__number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(plan_update__isnull=False, quarterly_return__isnull=True))
                | (Q(plan_update__isnull=True, quarterly_return__isnull=False)),
                name="action_update_belongs_to_one_round",
            ),
            models.UniqueConstraint(fields=["action", "plan_update"], name="one_update_per_action_per_round"),
            models.UniqueConstraint(fields=["action", "quarterly_return"], name="one_update_per_action_per_return"),
            models.CheckConstraint(condition=Q(state__in=WORKFLOW_STATE_VALUES), name="action_update_state_valid"),
        ]

    def __str__(self):
        return f"Update on {self.action}"

    @property
    def sub_strand(self):
        return self.action.sub_strand



class OutputFigure(models.Model):
    """An output figure as data: 'over 1,532 job opportunities', 'Kura: 200 jobs rising to 400'."""

    class Qualifier(models.TextChoices):
        EXACT = "", "Exactly"
        MORE_THAN = "more_than", "More than"
        OVER = "over", "Over"
        NEARLY = "nearly", "Nearly"
        UP_TO = "up_to", "Up to"

    action_update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="figures")
    order = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=300)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, blank=True)
    value = figure_field(2, null=True, blank=True, help_text="Empty where the source gives only a breakdown.")
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. jobs, businesses, £, £ a year, people")
    rising_to = figure_field(2, null=True, blank=True)
    is_projected = models.BooleanField(default=False)
    period_covered = models.CharField(max_length=200, blank=True, help_text="e.g. since the start of the ESF programme")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["action_update", "order"]
        constraints = [
            models.UniqueConstraint(fields=["action_update", "order"], name="figure_order_unique_in_update"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="figure_value_not_negative"),
        ]

    def __str__(self):
        return self.label


class FigureBreakdownItem(models.Model):
    figure = models.ForeignKey(OutputFigure, on_delete=models.CASCADE, related_name="breakdown")
    order = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=200)
    value = figure_field(2)

    class Meta:
        ordering = ["figure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "order"], name="breakdown_order_unique_in_figure"),
            models.CheckConstraint(condition=Q(value__gte=0), name="breakdown_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"


# The site's settings and the documents' papers and template live beside the code that uses them;
# imported here so that they are models of this app.
from reporting.documents.models import Attachment, DocumentTemplate, Paper  # noqa: E402, F401
from reporting.site_settings import SiteSettings  # noqa: E402, F401


class DataVersion(models.Model):
    """One row: the versions of the data pages show (reporting.readers_cache). `number` is raised
    by every write to it, drafts included; `readers` by the writes readers and the public may see."""

    number = models.BigIntegerField(default=0)
    readers = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Data version {self.number}"


from reporting.ops.runs import ScheduledRun  # noqa: E402, F401

# The risk register (issue 26): the matrix, risks, their actions and reviews, in a file of their own.
from reporting.risk_models import (  # noqa: E402, F401
    RiskAction,
    RiskBand,
    RiskCategory,
    RiskLevel,
    RiskMatrix,
    Risk,
    RiskReview,
)

# The risk register report's cover (issue 26), in a file of its own.
from reporting.risk_report_models import RiskReport  # noqa: E402, F401
