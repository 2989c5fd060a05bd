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

from objectives import cadence as cadences


class Role(models.TextChoices):
    """The roles, by what they do; the council's own words for the people in them are data
    (objectives.council: coordinator, approver, reader)."""

    OFFICER = "officer", "Officer"
    COORDINATOR = "coordinator", "Coordinator"
    APPROVER = "approver", "Approver"
    READER = "reader", "Reader"
    ADMINISTRATOR = "administrator", "Administrator"


GROUP_NAMES = {
    Role.OFFICER: "Officers",
    Role.COORDINATOR: "Coordinators",
    Role.APPROVER: "Approvers",
    Role.READER: "Readers",
    Role.ADMINISTRATOR: "Administrators",
}


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
    local_authority = models.ForeignKey(
        "objectives.LocalAuthority", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="the council among the UK's councils",
        help_text="Its place in the list of UK councils (its three-letter code), so that published benchmarks compare "
                  "it with its comparator groups. Empty: no comparisons shown.")

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
    cadence = models.CharField("reporting cadence", max_length=12, choices=cadences.CHOICES, default=cadences.QUARTERLY,
                               help_text="How often it reports: its periods are quarters, half-years or months.")
    # The governance calendar (section 4.1 of a briefing note): a column for each of its periods'
    # events (GovernanceEvent), and one for the deadline, where the strategy puts it.
    deadline_heading = _heading("the dashboard update deadline")
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="read_strategies",
        limit_choices_to={"groups__name": GROUP_NAMES[Role.READER]},
        help_text="Where only some readers read this strategy: of the readers signed in, they alone see its dashboard "
        "and briefings and are told when a briefing is issued (public pages, when on, show what is published to "
        "everyone). Empty: every reader.")
    deadline_column = models.PositiveSmallIntegerField(
        "calendar column of the deadline", default=2,
        help_text="Where the governance calendar puts the deadline among its events: 1 is the first column.")
    class Meta:
        ordering = ["name"]
        verbose_name_plural = "strategies"
        constraints = [models.CheckConstraint(condition=Q(cadence__in=["quarterly", "half_yearly", "monthly"]),
                                              name="strategy_cadence_valid")]

    def __str__(self):
        return self.name

    @property
    def period_term(self):
        """What one of its periods is called, with its grammar: .one_lower 'half-year', .a 'a month'."""
        return cadences.term(self.cadence)

    def clean(self):
        if self.pk and self.periods.exclude(cadence=self.cadence).exists():
            raise ValidationError({"cadence": "This strategy already has periods of another cadence: its cadence "
                                   "can change only before its first period is set up."})


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
    return cadences.dates(financial_year, quarter, cadences.QUARTERLY)


financial_year_label = cadences.financial_year_label


class ReportingPeriod(models.Model):
    """One of a strategy's reporting periods (a quarter, half-year or month of a financial year, as
    the strategy's cadence says), its deadline and its governance events (section 4.1 of the
    briefing note)."""

    class State(models.TextChoices):
        NOT_OPEN = "not_open", "Not yet open"
        OPEN = "open", "Open for entry"
        CLOSED = "closed", "Closed"
        PUBLISHED = "published", "Published"

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="periods",
                                 help_text="The strategy it is a period of.")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2023 for 2023/24.")
    number = models.PositiveSmallIntegerField(
        help_text="Its place in the financial year: quarter 1 to 4, half-year 1 or 2, or month 1 (April) to 12 (March)."
    )
    # The strategy's cadence, copied when the period is saved, so that a period names itself
    # without reading its strategy (Strategy.clean keeps a strategy with periods at its cadence).
    cadence = models.CharField(max_length=12, choices=cadences.CHOICES, default=cadences.QUARTERLY, editable=False)
    slug = models.SlugField(max_length=80, unique=True, help_text="e.g. 2023-24-q1")
    start_date = models.DateField()
    end_date = models.DateField()
    dashboard_deadline = models.DateField("dashboard update deadline", null=True, blank=True,
                                          help_text="When returns are due: reminders and “overdue” count to it.")
    governance_notes = models.TextField(blank=True, help_text="Anything the calendar cannot say in a date.")
    source_notes = models.TextField(
        blank=True, help_text="Where a date was inferred rather than read in the source: for the administrator only."
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOT_OPEN)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["strategy", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "financial_year", "number"], name="one_period_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=12), name="period_number_between_1_and_12"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="period_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(state__in=["not_open", "open", "closed", "published"]), name="period_state_valid"
            ),
            # One period of a strategy open for entry at a time, held by the database itself, so that two
            # periods opened at the same moment cannot both open (reporting.returns.periods.open_period).
            models.UniqueConstraint(fields=["strategy"], condition=Q(state="open"), name="one_open_period_per_strategy"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """'2023/24 Q1', '2023/24 H1', 'April 2023'."""
        return cadences.label(self.financial_year, self.number, self.cadence)

    @property
    def long_label(self):
        """'Quarter 1 April–June 2023', as the briefing note heads its summary."""
        return cadences.long_label(self.financial_year, self.number, self.cadence)

    @property
    def word(self):
        """What one period is called: 'quarter', 'half-year', 'month'."""
        return cadences.WORDS[self.cadence][0]

    @property
    def term(self):
        """That word with its grammar (objectives.cadence.term): .a 'a half-year', .many_lower 'months'."""
        return cadences.term(self.cadence)

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)

    @property
    def order_key(self):
        """The period's place in time as one number (objectives.cadence.order_key): later periods,
        larger keys, across strategies of any cadence."""
        return cadences.order_key(self.financial_year, self.number, self.cadence)

    @staticmethod
    def slug_for(financial_year, number, how_often=cadences.QUARTERLY):
        return f"{financial_year}-{str(financial_year + 1)[-2:]}-{cadences.code(number, how_often)}"

    def _default_strategy(self):
        if not self.strategy_id:
            self.strategy = Strategy.objects.order_by("pk").first()
        if self.strategy_id:
            self.cadence = self.strategy.cadence

    def default_slug(self):
        """'2023-24-q1'; where another strategy's period has that address already, one that names
        the strategy: 'climate-strategy-2023-24-h1'."""
        self._default_strategy()
        slug = self.slug_for(self.financial_year, self.number, self.cadence)
        if ReportingPeriod.objects.filter(slug=slug).exclude(strategy=self.strategy_id).exists():
            slug = f"{self.strategy.slug}-{slug}"[:80]
        return slug

    def clean(self):
        self._default_strategy()
        if self.number is None:
            return
        refused = cadences.refused_number(self.number, self.cadence)
        if refused:
            raise ValidationError({"number": refused})
        if self.deadline_refusal(self.dashboard_deadline):
            raise ValidationError({"dashboard_deadline": self.deadline_refusal(self.dashboard_deadline)})
        if self.financial_year:
            start, end = cadences.dates(self.financial_year, self.number, self.cadence)
            if self.start_date and self.start_date != start:
                raise ValidationError({"start_date": f"{self.label} starts on {start:%-d %B %Y}."})
            if self.end_date and self.end_date != end:
                raise ValidationError({"end_date": f"{self.label} ends on {end:%-d %B %Y}."})

    def save(self, *args, **kwargs):
        self._default_strategy()
        if not self.slug and self.financial_year and self.number:
            self.slug = self.default_slug()
        if self.financial_year and self.number and (not self.start_date or not self.end_date):
            self.start_date, self.end_date = cadences.dates(self.financial_year, self.number, self.cadence)
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

    def deadline_refusal(self, deadline):
        """Why `deadline` cannot be this period's dashboard update deadline, or None: it falls before the period starts."""
        if deadline is None or not self.start_date or deadline >= self.start_date:
            return None
        return (f"The {self.label} dashboard update deadline must be on or after the start of the {self.word} "
                f"({self.start_date:%-d %B %Y}).")

    def reports(self, sub_strand):
        """Whether the sub-strand reports in this period: only a strategy's own sub-strands do."""
        return sub_strand.objective.strategy_id == self.strategy_id

    def follows(self, earlier):
        """Whether this period comes straight after `earlier` (2023/24 Q1 after 2022/23 Q4)."""
        return earlier is not None and earlier.end_date + datetime.timedelta(days=1) == self.start_date

    def previous(self):
        """The strategy's period straight before this one, if it exists in the database."""
        return self.previous_query().first()

    def previous_query(self):
        """previous() as a query, the one period at most (in a subquery: `.values("pk")[:1]`)."""
        return ReportingPeriod.objects.filter(
            strategy_id=self.strategy_id, end_date=self.start_date - datetime.timedelta(days=1)
        ).order_by("start_date")  # the strategy's own order, without joining the strategy

    def get_absolute_url(self):
        return reverse("period-calendar") + f"#{self.slug}"


class GovernanceEvent(models.Model):
    """A period's named governance event: a meeting or briefing, its date and who it is for. The
    governance calendar (section 4.1 of a briefing note) has a column for each name."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=200, help_text="As the calendar heads its column, e.g. “Economy Cell meeting”.")
    date = models.DateField(null=True, blank=True, help_text="Empty: the event is in the calendar but not yet dated.")
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for, e.g. “Cabinet Member”.")
    frequency = models.CharField(max_length=100, blank=True,
                                 help_text="When it recurs rather than falls on one date, how often, e.g. “Monthly”.")
    order = models.PositiveSmallIntegerField(default=1, help_text="Its column in the calendar: 1 is the first.")

    class Meta:
        ordering = ["period", "order", "date"]
        constraints = [models.UniqueConstraint(fields=["period", "name"], name="one_event_of_a_name_per_period")]

    def __str__(self):
        return f"{self.name}, {self.date:%-d %B %Y}" if self.date else self.name


from objectives.plan_models import Action, ActionPlan, Milestone  # noqa: E402,F401 - the action plans


class LocalAuthority(models.Model):
    """One of the UK's local authorities, as mySociety's list of them has it (objectives/data/: CC BY
    4.0): its three-letter code (the list's `local-authority-code`, which never changes), its GSS code
    (the code published figures name it by), names, type, region and nation. Written only by
    objectives.local_authorities (loaded after migrate; `manage.py refresh_councils`); an authority no
    longer in a newer file is retired, never deleted (comparator groups and figures keep it)."""

    code = models.CharField("three-letter code", max_length=8, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField("type (code)", max_length=6, blank=True)
    kind_name = models.CharField("type", max_length=60, blank=True)
    region = models.CharField(max_length=60, blank=True)
    nation = models.CharField(max_length=30, blank=True)
    is_current = models.BooleanField("current", default=True, help_text="False for an authority abolished "
                                     "(the file's end date) or no longer in the file.")
    end_date = models.DateField(null=True, blank=True)
    retired = models.BooleanField(default=False, help_text="No longer in the councils file it was last refreshed from.")

    class Meta:
        ordering = ["short_name", "name"]
        verbose_name = "UK council"
        verbose_name_plural = "UK councils"

    def __str__(self):
        return f"{self.short_name or self.name} ({self.code})"


class ComparatorGroup(models.Model):
    """A named group of UK councils the council compares itself with ("Nearest neighbours", "North
    West metropolitan districts"), chosen in the admin; any number. The first (by order) is the one a
    KPI's benchmark is read against unless the benchmark names another (kpis.benchmarks)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=1, help_text="The first group is the one each KPI is compared "
                                             "with, unless its benchmark names another.")
    members = models.ManyToManyField(LocalAuthority, blank=True, related_name="comparator_groups")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
