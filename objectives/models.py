"""The council and its strategy: the council and its words, strategies, objectives, sub-strands,
action plans and the reporting calendar.

Nothing here imports `kpis` or `reporting`: they build on this app, never the other way round.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


# The council's words for the levels of a strategy and for the roles, each singular and plural
# (objectives/council.py has the defaults, today's words, and is where every page asks for them).
TERM_KEYS = ["objective", "sub_strand", "officer", "coordinator", "approver", "reader", "scrutiny"]
TERM_LABELS = {  # what each word is for, as the admin's form labels it
    "objective": ("Top level", "the top level of a strategy, e.g. Priority"),
    "sub_strand": ("Reporting level", "the level under it that reports each period, e.g. Theme"),
    "officer": ("Who fills in returns", "the people who fill in returns, e.g. Officer"),
    "coordinator": ("Coordinating team", "the team that runs the reporting, e.g. Performance Team"),
    "approver": ("Approver", "who approves returns and issues the briefing, e.g. Head of Service"),
    "reader": ("Reader", "who the briefing is for, e.g. Portfolio Holder"),
    "scrutiny": ("Scrutiny committee", "the committee that scrutinises the results, e.g. Performance Board"),
}
LOGO_TYPES = ["png", "jpg", "jpeg"]
LOGO_MAX_BYTES = 512 * 1024


def validate_logo(file):
    """A PNG or JPEG of at most 512 KB, by what it holds as well as by its name."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo must be 512 KB or smaller.")
    head = file.read(8)
    file.seek(0)
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise ValidationError("The logo must be a PNG or JPEG image.")


def _term(key, plural=False):
    label, example = TERM_LABELS[key]
    if plural:
        return models.CharField(f"{label}: more than one", max_length=100, blank=True,
                                help_text="Its plural. Empty: the default.")
    return models.CharField(f"{label}: one", max_length=100, blank=True,
                            help_text=f"The word for {example}. Empty: the default.")


class Council(models.Model):
    """The council this deployment serves (one per deployment): its name as pages and papers write
    it, a short name, an optional logo, and its words. Read through objectives.council, never directly."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField(max_length=200, help_text="As pages and papers write it, e.g. “Anytown Borough Council”.")
    short_name = models.CharField(max_length=100, blank=True, help_text="e.g. “Anytown”. Empty: the name.")
    logo = models.FileField(upload_to="council/", blank=True, help_text="A PNG or JPEG of at most 512 KB, shown in the "
                            "header of every page.", validators=[FileExtensionValidator(LOGO_TYPES), validate_logo])
    objective_one = _term("objective")
    objective_many = _term("objective", plural=True)
    sub_strand_one = _term("sub_strand")
    sub_strand_many = _term("sub_strand", plural=True)
    officer_one = _term("officer")
    officer_many = _term("officer", plural=True)
    coordinator_one = _term("coordinator")
    coordinator_many = _term("coordinator", plural=True)
    approver_one = _term("approver")
    approver_many = _term("approver", plural=True)
    reader_one = _term("reader")
    reader_many = _term("reader", plural=True)
    scrutiny_one = _term("scrutiny")
    scrutiny_many = _term("scrutiny", plural=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(key=1), name="one_council")]

    def __str__(self):
        return self.name


def _heading(what):
    return models.CharField(f"calendar heading: {what}", max_length=200, blank=True,
                            help_text="As the governance calendar heads the column. Empty: the default, in the "
                            "council's words.")


class Strategy(models.Model):
    """A council strategy, e.g. an Economic Strategy approved by Cabinet on 3 November 2022."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    approved_on = models.DateField(null=True, blank=True, help_text="The date Cabinet approved it.")
    approved_by = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # How the governance calendar (section 4.1 of a briefing note) heads its columns.
    coordinator_meeting_heading = _heading("the coordinating team's meetings")
    deadline_heading = _heading("the dashboard update deadline")
    reader_briefing_heading = _heading("the readers' briefings")
    scrutiny_meeting_heading = _heading("the scrutiny meetings")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "strategies"

    def __str__(self):
        return self.name


class StrategicObjective(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=100, blank=True,
        help_text="The name the council's papers put before a sub-strand's, as in “Social Inclusion – Digital”. "
        "Left empty, the full name is used.",
    )
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="objective_number_unique_in_strategy"),
            models.UniqueConstraint(fields=["strategy", "slug"], name="objective_slug_unique_in_strategy"),
            models.CheckConstraint(condition=Q(number__gte=1), name="objective_number_positive"),
        ]

    def __str__(self):
        return self.name


class SubStrand(models.Model):
    """The unit that reports each quarter. An objective with no sub-strands reports as one of its own name."""

    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, related_name="sub_strands")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in addresses, e.g. housing.")
    order = models.PositiveSmallIntegerField(default=1)
    reports_as_objective = models.BooleanField(
        default=False, help_text="The objective has no sub-strands and reports as one sub-strand of its own name."
    )
    lead_service = models.CharField(max_length=200, blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_sub_strands"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="editable_sub_strands",
        help_text="Officers who may fill in this sub-strand's returns (the lead officer always may).",
    )

    class Meta:
        ordering = ["objective__strategy", "objective__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "order"], name="sub_strand_order_unique_in_objective"),
        ]

    def __str__(self):
        return self.name

    @property
    def full_name(self):
        """The name as the briefing note writes it: 'Regenerated Places – Housing', 'Social Inclusion – Digital'."""
        if self.reports_as_objective:
            return self.objective.name
        return f"{self.objective.short_name or self.objective.name} – {self.name}"

    def get_absolute_url(self):
        return reverse("sub-strand", args=[self.slug])


def quarter_dates(financial_year, quarter):
    """First and last day of a financial-year quarter: 2023/24 Q1 is 1 April to 30 June 2023."""
    start_month = 4 + 3 * (quarter - 1)
    year = financial_year + (start_month - 1) // 12
    month = (start_month - 1) % 12 + 1
    start = datetime.date(year, month, 1)
    end_month = month + 2
    next_first = datetime.date(year + (end_month // 12), end_month % 12 + 1, 1)
    return start, next_first - datetime.timedelta(days=1)


def financial_year_label(financial_year):
    return f"{financial_year}/{str(financial_year + 1)[-2:]}"


class ReportingPeriod(models.Model):
    """A financial-year quarter and its governance dates (section 4.1 of the briefing note)."""

    class State(models.TextChoices):
        NOT_OPEN = "not_open", "Not yet open"
        OPEN = "open", "Open for entry"
        CLOSED = "closed", "Closed"
        PUBLISHED = "published", "Published"

    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2023 for 2023/24.")
    quarter = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=20, unique=True, help_text="e.g. 2023-24-q1")
    start_date = models.DateField()
    end_date = models.DateField()
    dashboard_deadline = models.DateField("dashboard update deadline", null=True, blank=True)
    # The governance events of section 4.1; the calendar heads them in the council's words.
    economy_cell_meeting = models.DateField("coordinating team's meeting", null=True, blank=True)
    cabinet_member_briefing = models.DateField("readers' briefing", null=True, blank=True)
    scrutiny_meeting = models.DateField("scrutiny meeting", null=True, blank=True)
    governance_notes = models.TextField(blank=True, help_text="Anything the calendar cannot say in a date.")
    source_notes = models.TextField(
        blank=True, help_text="Where a date was inferred rather than read in the source: for the administrator only."
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOT_OPEN)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "quarter"], name="one_period_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_between_1_and_4"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="period_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(state__in=["not_open", "open", "closed", "published"]), name="period_state_valid"
            ),
            # One period open for entry at a time, held by the database itself, so that two periods
            # opened at the same moment cannot both open (reporting.returns.periods.open_period).
            models.UniqueConstraint(fields=["state"], condition=Q(state="open"), name="one_open_period"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{financial_year_label(self.financial_year)} Q{self.quarter}"

    @property
    def long_label(self):
        """'Quarter 1 April–June 2023', as the briefing note heads its summary."""
        return f"Quarter {self.quarter} {self.start_date:%B}–{self.end_date:%B %Y}"

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)

    @property
    def order_key(self):
        """The period's place in time as one number (2023/24 Q1 → 8093): later periods, larger keys."""
        return self.financial_year * 4 + self.quarter - 1

    @staticmethod
    def slug_for(financial_year, quarter):
        return f"{financial_year}-{str(financial_year + 1)[-2:]}-q{quarter}"

    def clean(self):
        if self.quarter and not 1 <= self.quarter <= 4:
            raise ValidationError({"quarter": "Quarter must be 1, 2, 3 or 4."})
        if self.financial_year and self.quarter and 1 <= self.quarter <= 4:
            start, end = quarter_dates(self.financial_year, self.quarter)
            if self.start_date and self.start_date != start:
                raise ValidationError({"start_date": f"{self.label} starts on {start:%-d %B %Y}."})
            if self.end_date and self.end_date != end:
                raise ValidationError({"end_date": f"{self.label} ends on {end:%-d %B %Y}."})

    def save(self, *args, **kwargs):
        if not self.slug and self.financial_year and self.quarter:
            self.slug = self.slug_for(self.financial_year, self.quarter)
        if self.financial_year and self.quarter and (not self.start_date or not self.end_date):
            self.start_date, self.end_date = quarter_dates(self.financial_year, self.quarter)
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    def is_overdue(self, today=None):
        today = today or datetime.date.today()
        return bool(self.dashboard_deadline) and today > self.dashboard_deadline

    def previous(self):
        """The quarter before, if it exists in the database."""
        fy, q = (self.financial_year, self.quarter - 1) if self.quarter > 1 else (self.financial_year - 1, 4)
        return ReportingPeriod.objects.filter(financial_year=fy, quarter=q).first()

    def get_absolute_url(self):
        return reverse("period-calendar") + f"#{self.slug}"


class ActionPlan(models.Model):
    """An action plan: the SES yearly plan, or a scrutiny plan such as the 2017 Action Plan for Employment."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    strategy = models.ForeignKey(Strategy, null=True, blank=True, on_delete=models.PROTECT, related_name="action_plans")
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
    sub_strand = models.ForeignKey(SubStrand, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
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
