"""The committee report of an action plan's update round, as plain data.

The committee report (page and Word document) is built from `report_contents()`, so both always
hold the same headings and recommendations, as the council's paper has them: the cover fields,
then the body, each recommendation's wording (numbered once, "(1) …") and its narrative as the
officer wrote it, figures and breakdowns included, once. Output figures recorded as data are not
printed again as tables of their own, but lines of a narrative that are a figure's breakdown, as the
data records it ("MSIF loan finance 25" …), are the two-column table the council's paper has. An
attachment named in a narrative is a link there (its file or its address), or its name alone: the
paper never prints a note of ours about it. Readers (Cabinet Member, scrutiny
members) and the report itself only ever see approved or published updates."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse

from kpis.formatting import format_money, plain_number
from objectives.models import Action, ActionPlan
from reporting.access import PLAN_UPDATES, sees_drafts, visible_plan_updates
from reporting.documents.text import Link, Table, text_blocks, with_links
from reporting.models import ActionUpdate, Attachment, OutputFigure, PlanUpdate
from reporting.plans.selectors import figures_prefetch

# -- the committee report ------------------------------------------------------------------------

QUALIFIER_WORDS = {value: label.lower() for value, label in OutputFigure.Qualifier.choices if value}
YEARLY = {"p.a.", "pa", "per annum", "a year", "per year", "each year"}


format_number = plain_number  # 1470 → '1,470'; 2.50 → '2.5'


def _unit_parts(unit):
    """('money', 'a year') for '£ a year'; ('count', 'jobs') for 'jobs'."""
    unit = (unit or "").strip()
    if unit.startswith("£"):
        rest = unit[1:].strip()
        if rest.lower() in YEARLY:
            rest = "a year"
        return "money", rest
    return "count", unit


def format_amount(value, unit, *, with_unit=True):
    kind, rest = _unit_parts(unit)
    if kind == "money":
        text = format_money(value)
        return f"{text} {rest}" if with_unit and rest else text
    text = format_number(value)
    return f"{text} {rest}" if with_unit and rest else text


def figure_text(figure):
    """An output figure in words: 'more than 400 people', '£860,000 a year', '200 jobs rising to 400',
    '£150,000 a year (projected)'. Empty when only a breakdown is given."""
    if figure.value is None:
        return ""
    parts = []
    if figure.qualifier:
        parts.append(QUALIFIER_WORDS.get(figure.qualifier, figure.qualifier))
    parts.append(format_amount(figure.value, figure.unit))
    if figure.rising_to is not None:
        kind, _ = _unit_parts(figure.unit)
        parts.append("rising to " + (format_money(figure.rising_to) if kind == "money" else format_number(figure.rising_to)))
    if figure.is_projected:
        parts.append("(projected)")
    return " ".join(parts)


def breakdown_total(figure):
    items = list(figure.breakdown.all())
    return sum((i.value for i in items), Decimal(0)) if items else None


@dataclass
class ReportSection:
    heading: str
    blocks: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # [(sub-heading, blocks)]
    anchor: str = ""


@dataclass
class ReportFigure:
    label: str
    text: str
    period_covered: str
    note: str
    breakdown: list  # [(label, value text)]
    breakdown_caption: str


@dataclass
class ReportRecommendation:
    number: int
    wording_blocks: list
    narrative_blocks: list  # with its attachments as links where it names them, the others after it
    status: str
    status_label: str
    figures: list  # the output figures as data: on the update's page, not printed in the report

    @property
    def heading(self):
        """The recommendation's wording as the paper sets it, numbered once: "(1) Actively supports …"."""
        words = " ".join(" ".join(item if isinstance(item, str) else item[1] for item in items) for _, items in self.wording_blocks)
        return f"({self.number}) {words}".strip()

    @property
    def figure_headings(self):
        """The columns of the figures table: Output and Figure, then Period covered and Notes where any has them."""
        headings = ["Output", "Figure"]
        if any(f.period_covered for f in self.figures):
            headings.append("Period covered")
        if any(f.note for f in self.figures):
            headings.append("Notes")
        return headings

    @property
    def figure_rows(self):
        headings = self.figure_headings
        rows = []
        for f in self.figures:
            row = [f.label, f.text or "See the breakdown below"]
            if "Period covered" in headings:
                row.append(f.period_covered)
            if "Notes" in headings:
                row.append(f.note)
            rows.append(row)
        return rows

    @property
    def figures_caption(self):
        return f"Output figures for recommendation ({self.number})"

    @property
    def breakdowns(self):
        return [f for f in self.figures if f.breakdown]


@dataclass
class Report:
    plan_update: PlanUpdate
    plan: ActionPlan
    cover: list
    contact: list  # [(label, value)]
    cover_tail: list  # appendices, background papers
    introduction_blocks: list
    recommendations: list
    not_reported: list  # [Action]
    in_progress_count: int
    shows_work: bool = False


def _cover(update):
    def blocks(name):
        return text_blocks(getattr(update, name))

    def label(name):
        return str(PlanUpdate._meta.get_field(name).verbose_name)

    return [
        ReportSection("Summary", blocks("summary"), anchor="summary"),
        ReportSection("Recommendation(s)", blocks("recommendations"), anchor="recommendations"),
        ReportSection("Reasons for the Recommendation(s)", blocks("reasons"), anchor="reasons"),
        ReportSection("Alternative Options Considered and Rejected", blocks("alternative_options"), anchor="alternatives"),
        ReportSection(
            "What will it cost and how will it be financed?", blocks("costs"),
            [("(A) Revenue Costs", blocks("revenue_costs")), ("(B) Capital Costs", blocks("capital_costs"))],
            anchor="costs",
        ),
        ReportSection(
            "Implications of the Proposals", [],
            [
                ("Resource Implications (Financial, IT, Staffing and Assets)", blocks("resource_implications")),
                ("Legal Implications", blocks("legal_implications")),
                ("Equality Implications", blocks("equality_implications")),
            ],
            anchor="implications",
        ),
        ReportSection(
            "Contribution to the Council’s Core Purpose", [],
            [(label(name), blocks(name)) for name in PlanUpdate.CORE_PURPOSE_FIELDS],
            anchor="core-purpose",
        ),
        ReportSection(
            "What consultations have taken place on the proposals and when?", [],
            [("(A) Internal Consultations", blocks("consultations_internal")),
             ("(B) External Consultations", blocks("consultations_external"))],
            anchor="consultations",
        ),
        ReportSection("Implementation Date for the Decision", blocks("implementation_date"), anchor="implementation"),
    ]


def _tail(update):
    return [
        ReportSection("Appendices", text_blocks(update.appendices), anchor="appendices"),
        ReportSection("Background Papers", text_blocks(update.background_papers), anchor="background-papers"),
    ]


def report_figure(figure, number):
    items = list(figure.breakdown.all())
    return ReportFigure(
        label=figure.label,
        text=figure_text(figure),
        period_covered=figure.period_covered,
        note=figure.note,
        breakdown=[(i.label, format_amount(i.value, figure.unit, with_unit=False)) for i in items],
        breakdown_caption=f"{figure.label}, by type (recommendation ({number}))" if items else "",
    )


def attachment_link(action_update, attachment):
    """An attachment as a link: to its file (served by the report's own access rules), to its
    address, or, with neither, its name alone, as the paper names it."""
    if attachment.file:
        plan_update = action_update.plan_update
        href = reverse("plan-attachment", args=[plan_update.plan.slug, plan_update.slug, action_update.action.number,
                                                attachment.pk])
        return Link(attachment.name, href)
    if attachment.url:
        return Link(attachment.name, attachment.url)
    return Link(attachment.name)


def breakdown_table(figure):
    """A figure's breakdown as a table: (its lines as a narrative writes them, the Table)."""
    items = list(figure.breakdown.all())
    rows = tuple((i.label, format_amount(i.value, figure.unit, with_unit=False)) for i in items)
    _, unit = _unit_parts(figure.unit)
    return [f"{label} {value}" for label, value in rows], Table(headings=("Type", (unit or "Number").capitalize()), rows=rows)


def with_tables(blocks, figures):
    """The blocks with each paragraph that is, line for line, a figure's breakdown ("MSIF loan finance
    25" …) made the table it is: where the data knows the lines to be a table, never guessed."""
    tables = [breakdown_table(f) for f in figures if f.breakdown.all()]
    result = []
    for kind, items in blocks:
        if kind == "p":
            lines = [" ".join(line.split()) for line in items]
            found = next((table for written, table in tables if written == lines), None)
            if found is not None:
                result.append(("table", found))
                continue
        result.append((kind, items))
    return result


def recommendation_of(action_update):
    """One update as the report shows it: wording, narrative (attachments linked, breakdowns as
    tables), status, figures."""
    links = {a.name: attachment_link(action_update, a) for a in action_update.attachments.all()}
    narrative, others = with_links(text_blocks(action_update.narrative), links)
    narrative = with_tables(narrative, action_update.figures.all())
    if others:
        narrative.append(("link", others))
    return ReportRecommendation(
        number=action_update.action.number,
        wording_blocks=text_blocks(action_update.action.wording),
        narrative_blocks=narrative,
        status=action_update.status,
        status_label=action_update.get_status_display() if action_update.status else "",
        figures=[report_figure(f, action_update.action.number) for f in action_update.figures.all()],
    )


def report_contents(plan_update, user=None):
    """Everything the committee report shows, page and Word document alike.

    Only approved and published updates are in the report, whoever reads it. Five queries
    whatever the size (updates with actions, figures, breakdowns, attachments, actions not reported
    on), and one more to count work in progress for those who may see it.
    """
    updates = list(
        ActionUpdate.objects.filter(PLAN_UPDATES.for_readers, plan_update=plan_update)
        .select_related("action", "plan_update__plan")
        .prefetch_related(figures_prefetch(), Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("action__number")
    )
    recommendations = [recommendation_of(u) for u in updates]
    reported = {u.action_id for u in updates}
    not_reported = [a for a in Action.objects.filter(plan_id=plan_update.plan_id).order_by("number") if a.id not in reported]
    shows_work = user is not None and sees_drafts(user)
    in_progress = 0
    if shows_work:
        in_progress = visible_plan_updates(user).filter(plan_update=plan_update).exclude(PLAN_UPDATES.for_readers).count()
    update = plan_update
    contact = [
        ("Contact Officer", update.contact_officer),
        ("Telephone Number", update.contact_telephone),
        ("Email Address", update.contact_email),
    ]
    return Report(
        plan_update=update,
        plan=update.plan,
        cover=_cover(update),
        contact=contact,
        cover_tail=_tail(update),
        introduction_blocks=text_blocks(update.introduction),
        recommendations=recommendations,
        not_reported=not_reported,
        in_progress_count=in_progress,
        shows_work=shows_work,
    )
