"""What a briefing note holds, part by part (the dataclasses of reporting.briefings.selectors's
`briefing_context`), and the governance calendar of its financial year."""
import re
from dataclasses import dataclass, field

from django.utils import timezone

from kpis.models import KPI
from kpis.rag import rag_label
from objectives import governance
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from objectives.roles import person_name
from reporting.models import Briefing

CARRIED_FIELDS = ["title", "purpose", "recommendations", "background", "governance", "progress_introduction",
                  "include_what_changed", "include_kpi_appendix", "include_attention", "include_risks"]
NOTHING_NEEDS_ATTENTION = "Nothing needs attention: no KPI's approved figures meet any of the rules."


@dataclass
class Section:
    """A numbered section of the note, numbered as the council numbers it ("1.0", "3.", "4"): its
    paragraphs as (paragraph number or "", text), and those after its table, if it has one."""

    number: str
    key: str
    heading: str
    paragraphs: list = field(default_factory=list)
    after_table: list = field(default_factory=list)

    @property
    def title(self):
        return f"{self.number} {self.heading}"


@dataclass
class Calendar:
    financial_year_label: str
    columns: list  # of objectives.governance.Column
    rows: list  # of objectives.governance.Row
    period_word: str = "quarter"  # what one period is: quarter, half-year, month


@dataclass
class SubStrandProgress:
    sub_strand: SubStrand
    name: str
    has_return: bool
    rag: str | None
    status_label: str
    commentary: str
    previous_rag: str | None
    movement: object  # kpis.rag.Movement
    is_synthetic: bool
    updated_after_issue: object = None  # when a late return was approved, after the briefing was issued
    commentary_blocks: list = field(default_factory=list)  # reporting.documents.text.text_blocks

    @property
    def movement_words(self):
        return self.movement.words if self.rag and self.movement.direction else ""


@dataclass
class ObjectiveProgress:
    objective: StrategicObjective
    number: int
    name: str
    sub_strands: list


@dataclass
class AnnexRow:
    kpi: KPI
    code: str
    title: str
    sub_strand: str
    unit: str
    target_value: object
    target_kind: str
    target_text: str
    value: object
    value_text: str
    rag: str | None
    rag_label: str
    data_for: str
    reported_in: str
    is_synthetic: bool
    has_figure: bool = True  # a value, a milestone status or "not yet available": something to report
    override: object = None  # kpis.rag.Override when an officer set the RAG (Measurement.override)
    variation: object = None  # reporting.variation.verdicts.Verdict (the appendix only): icon and words
    assurance: object = None
    outlook: object = None  # kpis.trajectory.Outlook of the period's year, or None
    comparison: object = None  # kpis.benchmarks.Comparison: compared with similar councils, or None

    @property
    def comparison_line(self):
        """'Compared with North West metropolitan districts (2022/23): 4th of 15, second quartile; the
        group's median 61.2%', or '' without a comparison."""
        c = self.comparison
        return f"Compared with {c.group} ({c.period}): {c.words}" if c is not None else ""

    @property
    def year_end_words(self):
        """The status forecast at the year's end in words (reporting.variation.verdicts.year_end_words)."""
        from reporting.variation.verdicts import year_end_words

        return year_end_words(self.kpi, self.outlook)

    @property
    def year_end_line(self):
        """'Forecast at year end: Green (computed projection)' under the RAG (none in an appendix
        without the verdicts)."""
        return f"Forecast at year end: {self.year_end_words}" if self.variation is not None else ""

    @property
    def verdict_lines(self):
        """The variation and the assurance, a line each, in a table's few words."""
        if self.variation is None:
            return ""
        return f"{self.variation.short}\n{self.assurance.short}"


@dataclass
class StatusChange:
    sub_strand: SubStrand
    name: str
    previous_rag: str
    rag: str
    direction: str
    words: str

    @property
    def sentence(self):
        return f"{self.name}: {rag_label(self.previous_rag)} to {rag_label(self.rag)} ({self.words.lower()})"


@dataclass
class TurnedKPI:
    code: str
    title: str
    sub_strand: str
    previous_rag: str | None
    rag: str
    value_text: str
    data_for: str
    override: object = None  # kpis.rag.Override when an officer set the RAG (Measurement.override)

    @property
    def sentence(self):
        was = f"was {rag_label(self.previous_rag)}" if self.previous_rag else "first rated"
        now = self.override.words if self.override else rag_label(self.rag)
        return f"{self.code} {self.title} ({self.sub_strand}): {now}, {was}; {self.value_text}"


@dataclass
class NotAvailable:
    code: str
    title: str
    sub_strand: str
    data_for: str
    expected_date: object

    @property
    def sentence(self):
        expected = f", expected {self.expected_date.day} {self.expected_date:%B %Y}" if self.expected_date else ""
        what = f"{self.data_for} figure" if self.data_for else "figure"
        return f"{self.code} {self.title} ({self.sub_strand}): {what} not yet available{expected}"


@dataclass
class MissingReturn:
    sub_strand: SubStrand
    name: str
    state_label: str  # "" for those who may not see drafts

    @property
    def sentence(self):
        return f"{self.name}: {self.state_label}" if self.state_label else f"{self.name}: no approved return"


@dataclass
class WhatChanged:
    previous_period: ReportingPeriod | None
    status_movements: list
    unchanged: int
    no_comparison: int
    turned_red_or_amber: list
    not_available: list
    missing_returns: list
    period: ReportingPeriod | None = None
    approved: int = 0  # sub-strands with an approved status this quarter

    @property
    def has_previous(self):
        return self.previous_period is not None

    @property
    def nothing_to_compare(self):
        """Why no movement can be told: nothing approved this quarter yet, or nothing before it."""
        earlier = (self.previous_period.label if self.previous_period
                   else f"an earlier {self.period.word if self.period else 'period'}")
        if not self.approved and self.period is not None:
            return (f"No return for {self.period.label} has been approved yet: once one is, its status is compared "
                    f"here with {earlier}.")
        return f"There is no approved status from {earlier} to compare with."


@dataclass
class AttentionItem:
    """A line of "What needs attention" as the note writes it: its number ("1."; "" for a paragraph
    the Economy Cell wrote without one), the KPI it opens with (its code, and its title where the
    line gives it: `lead`, linked to the KPI's page) and the rest of the line."""

    marker: str
    kpi: KPI | None
    lead: str
    rest: str


ATTENTION_LINE = re.compile(r"^(?:(\d{1,3}[.)])|[-•*])\s+(\S.*)$")


def attention_items(text, kpis_by_code):
    """The section's text (the rules' lines, or the Economy Cell's edit of them): an item a line,
    its number kept as written ("1.", "2)"; a bullet or nothing: none), each line that opens with a
    KPI's code linked to that KPI."""
    items = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        match = ATTENTION_LINE.match(line)
        marker, words = (match.group(1) or "", match.group(2)) if match else ("", line)
        code = words.split(" ", 1)[0].rstrip(":")
        kpi = kpis_by_code.get(code)
        lead = ""
        if kpi is not None:
            lead = f"{kpi.code} {kpi.title}" if words.startswith(f"{kpi.code} {kpi.title}") else code
        items.append(AttentionItem(marker=marker, kpi=kpi, lead=lead, rest=words[len(lead):]))
    return items


def paragraphs(text):
    """Paragraphs of a text field: separated by blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def numbered(section_number, texts, *, start=1):
    """Paragraphs numbered within their section as the council numbers them: 3.1, 3.2 …"""
    return [(f"{section_number.rstrip('.')}.{n}", text) for n, text in enumerate(texts, start=start)]


def title_of(briefing, period):
    """The briefing's title as the note and its papers give it."""
    return briefing.title or f"Briefing note: {period.label}"


def status_line(briefing, *, named=True):
    """What the note says of itself under its title: its revision once re-issued ("Revision 2: "), the
    day it was issued and (`named`) by whom;
    nothing for a paper issued on a day not known (one loaded from the council's own); or that it is
    a draft. The public pages name no officer."""
    if briefing.state != Briefing.State.ISSUED:
        return "Draft: this briefing has not been issued yet."
    if briefing.issued_at is None:
        return ""
    issued = timezone.localtime(briefing.issued_at)
    by = f" by {person_name(briefing.issued_by)}" if briefing.issued_by_id and named else ""
    if briefing.revision > 1:  # a re-issued note says which revision it is
        return f"Revision {briefing.revision}: issued on {issued.day} {issued:%B %Y}{by}."
    return f"Issued on {issued.day} {issued:%B %Y}{by}."


def previous_briefing(period):
    """The latest briefing of an earlier period of the strategy: the one a new briefing carries its text from."""
    return (Briefing.objects.select_related("period")
            .filter(period__strategy_id=period.strategy_id, period__end_date__lt=period.start_date)
            .order_by("-period__end_date").first())


def briefing_for(period):
    """The period's briefing, or a new unsaved one whose text is carried forward from the last
    briefing (its title moved on to this quarter). Never None."""
    existing = Briefing.objects.filter(period=period).select_related("issued_by").first()
    if existing is not None:
        return existing
    briefing = Briefing(period=period)
    previous = previous_briefing(period)
    if previous is not None:
        for name in CARRIED_FIELDS:
            setattr(briefing, name, getattr(previous, name))
        word = period.word.capitalize()
        old, new = f"{word} {previous.period.number}", f"{word} {period.number}"
        if previous.period.financial_year == period.financial_year and old in briefing.title:
            briefing.title = briefing.title.replace(old, new)
    return briefing


def governance_calendar(period):
    """The governance calendar of the period's financial year (section 4.1), laid out by
    objectives.governance: a row per period of the strategy, a column per event and the deadline."""
    periods = list(ReportingPeriod.objects.filter(strategy_id=period.strategy_id, financial_year=period.financial_year)
                   .prefetch_related("events").order_by("number"))
    columns = governance.columns(period.strategy, periods)
    return Calendar(financial_year_label=period.financial_year_label, columns=[c.heading for c in columns],
                    rows=governance.rows(periods, columns), period_word=period.word)
