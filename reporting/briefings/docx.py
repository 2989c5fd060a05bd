"""The Cabinet Member briefing note as a Word document (python-docx), on the council's template.

Built from `reporting.briefings.selectors.briefing_context`, the same data as the briefing page
(templates/reporting/briefings/briefing.html), so the two say the same things in the same order:
the title and the day it was issued, 1.0 Purpose of Briefing Note, 2.0 Recommendations,
3. Background (3.1, 3.2 …), 4 Governance & reporting with the calendar as a table, 5. Progress to
date with the table of objectives and sub-strands, 6. the quarter's performance summary area by
area (its overall status as a word, its commentary with its lists kept as lists); then, when the
coordinator included them, 7. What needs attention, the risks that need attention (numbered after it), What
changed since last quarter (numbered after those) and the appendix of the KPIs with something to report. The paper itself (A4, fonts, header and footer) is reporting/documents.
"""
from io import BytesIO

from django.utils import timezone

from objectives.council import remembered, terms, word
from reporting.documents.text import numbered_paragraph
from reporting.documents.word import DOCX_CONTENT_TYPE, Paper, fmt_date, text  # noqa: F401 - DOCX_CONTENT_TYPE for the views

# Column proportions of the tables, so that no word breaks inside a cell.
CALENDAR_WIDTHS = [1, 1, 1, 1.2]
OBJECTIVE_WIDTHS = [1, 1.3]
ANNEX_WIDTHS = [2.5, 2.0, 2.7, 1.9, 2.4, 2.5, 2.0]
ANNEX_HEADINGS = ["KPI", word("sub_strand"), "Target", "Latest figure", "RAG now and forecast at year end",
                  "Variation and assurance", "Period the data is for"]


def _created(context, now):
    """The date the note carries: the day it was issued (none when that is not known), or today for a draft."""
    briefing = context["briefing"]
    if context["is_issued"]:
        return briefing.issued_at
    return now or timezone.now()


def _numbered(paper, paragraphs):
    """Numbered paragraphs read as the page reads them (the numbered_text tag): the number before the
    first lines, then any list or heading the paragraph holds."""
    for number, words in paragraphs:
        lines, rest = numbered_paragraph(words)
        if lines or number:
            paper.paragraph("\n".join(lines), number=number or None)
        paper.blocks(rest, heading_level=2)


def _calendar_rows(calendar):
    return [[fmt_date(date) if date else words for _key, date, words in row.cells] for row in calendar.rows]


def _strategy_name(context):
    for objective in context["progress"]:
        return objective.objective.strategy.name
    return ""


@remembered()
def build_briefing_docx(context, *, now=None):
    """The briefing note of `briefing_context(...)` as a python-docx Document."""
    period = context["period"]
    paper = Paper(
        title=context["title"], subject=f"{terms().reader.one} briefing note, {period.label} ({period.long_label})",
        keywords=f"{period.slug}; {period.label}; briefing note; {_strategy_name(context)}",
        created=_created(context, now), revision=context["briefing"].revision if context["is_issued"] else 1,
    )
    paper.title(context["title"])
    if context["status_line"]:
        paper.paragraph(context["status_line"], bold=not context["is_issued"])
    if context.get("synthetic"):
        paper.paragraph("Warning: this briefing includes synthetic demonstration data, not the council's. It is marked "
                        "“synthetic” wherever it appears.", bold=True)

    for section in context["sections"]:
        paper.heading(section.title, 1)
        _numbered(paper, section.paragraphs)
        if not section.paragraphs:
            paper.paragraph("Not written yet.")

    governance, calendar = context["governance"], context["calendar"]
    paper.heading(governance.title, 1)
    _numbered(paper, governance.paragraphs)
    paper.table(calendar.columns, _calendar_rows(calendar), widths=CALENDAR_WIDTHS,
                caption=f"Governance calendar, {calendar.financial_year_label}")
    _numbered(paper, governance.after_table)

    progress = context["progress_section"]
    paper.heading(progress.title, 1)
    _numbered(paper, progress.paragraphs)
    paper.table(
        [terms().objective.one, terms().sub_strand.many],
        [[o.name, "\n".join(s.sub_strand.name for s in o.sub_strands if not s.sub_strand.reports_as_objective)]
         for o in context["progress"]],
        widths=OBJECTIVE_WIDTHS, caption=f"{terms().objective.many} and their {terms().sub_strand.many_lower}",
    )
    _numbered(paper, progress.after_table)

    paper.heading(context["summary"].title, 1)
    for area in context["areas"]:
        paper.heading(area.name, 2)
        status = paper.paragraph(keep_with_next=True)  # never stranded at a page's foot from its commentary
        status.add_run("Overall status:").bold = True
        if area.has_return:
            paper.rag(status, area.rag, area.status_label if area.rag else "Not yet given")
            if area.movement_words:
                status.add_run(f" {area.movement_words}")
            if area.is_synthetic:
                status.add_run(" (synthetic)")
            paper.blocks(area.commentary_blocks, heading_level=3)
        else:
            paper.rag(status, None, "No approved return")

    if context.get("attention_section") is not None:
        _attention(paper, context["attention_section"], context["attention_items"], context["attention_empty"])
    if context.get("risks_section") is not None:
        _risks(paper, context["risks_section"], context["risk_items"], context["risks_empty"])
    if context["what_changed"] is not None:
        _what_changed(paper, context["what_changed_section"], context["what_changed"], period)
    if context["kpi_annex"]:
        _appendix(paper, context["kpi_annex"], period)
    return paper.doc


def _attention(paper, section, items, empty):
    """What needs attention, when the coordinator included it: each line numbered, its KPI linked."""
    paper.heading(section.title, 1)
    if not items:
        paper.paragraph(empty)
    for item in items:
        paragraph = paper.paragraph(number=item.marker or None)
        if item.kpi is not None:
            paper.link(paragraph, item.lead, item.kpi.get_absolute_url())
        paragraph.add_run(text(item.rest))


def _risks(paper, section, items, empty):
    """The risks that need attention, when the coordinator included it: each line numbered, its risk linked."""
    paper.heading(section.title, 1)
    if not items:
        paper.paragraph(empty)
    for item in items:
        paragraph = paper.paragraph(number=item.marker or None)
        if item.risk is not None:
            paper.link(paragraph, item.lead, item.risk.get_absolute_url())
        paragraph.add_run(text(item.rest))


def _appendix(paper, rows, period):
    paper.heading("Appendix: Key Performance Indicators", 1)
    paper.table(
        ANNEX_HEADINGS,
        [[f"{r.code} {r.title}", r.sub_strand, r.target_text,
          "\n".join(filter(None, [r.value_text + (" (synthetic)" if r.is_synthetic else ""), r.comparison_line])),
          (r.rag, r.rag_label, "\n".join(filter(None, [r.override.note if r.override else "", r.year_end_line]))),
          r.verdict_lines or "–", r.data_for or "–"] for r in rows],
        widths=ANNEX_WIDTHS, caption=f"The latest approved figure of each KPI with one to report, as at {period.label}",
    )


def _bullets(paper, sentences, empty):
    if sentences:
        paper.bullets(sentences)
    else:
        paper.paragraph(empty)


def _what_changed(paper, section, wc, period):
    """7. What changed since last quarter, when the coordinator included it."""
    paper.heading(section.title, 1)
    paper.heading("Overall status movements", 2)
    if wc.status_movements:
        _bullets(paper, [m.sentence for m in wc.status_movements], "")
        if wc.unchanged:
            paper.paragraph(f"{terms().sub_strand.count(wc.unchanged).replace(' ', ' other ', 1)} "
                            f"{'is' if wc.unchanged == 1 else 'are'} unchanged.")
    elif wc.unchanged:
        paper.paragraph(f"No {terms().sub_strand.one_lower}'s overall status changed ({wc.unchanged} unchanged).")
    else:
        paper.paragraph(wc.nothing_to_compare)
    paper.heading("KPIs that turned Red or Amber", 2)
    _bullets(paper, [k.sentence for k in wc.turned_red_or_amber], "None.")
    paper.heading("Figures still not available", 2)
    _bullets(paper, [n.sentence for n in wc.not_available], "None.")
    paper.heading("Returns missing", 2)
    _bullets(paper, [r.sentence for r in wc.missing_returns], f"None: every {terms().sub_strand.one_lower} has an approved return for {period.label}.")


def briefing_docx_bytes(context, *, now=None):
    out = BytesIO()
    build_briefing_docx(context, now=now).save(out)
    return out.getvalue()
