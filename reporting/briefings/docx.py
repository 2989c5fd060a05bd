"""The Cabinet Member briefing note as a Word document (python-docx).

Built from `reporting.briefings.selectors.briefing_context`, the same data as the briefing page
(templates/reporting/briefings/briefing.html), so the two never disagree: the same sections in the
same order, numbered as the council numbers its briefing notes — what changed since last quarter,
1.0 Purpose of Briefing Note, 2.0 Recommendations, 3 Background (3.1, 3.2 …), 4 Governance &
reporting with the calendar as a real table, 5. Progress to date with the table of objectives and
sub-strands, 6. the quarter's performance summary (each sub-strand's overall status as a word and
its commentary), then the KPI annex as a table.

Real Word styles throughout (Title, Heading 1–3, Caption, Table Grid), so the navigation pane,
screen readers and the committee system see the structure; each overall status is a word (shaded
in its colour too, never colour alone); tables have a repeating header row.
"""
import datetime
import re
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from objectives.roles import person_name
from reporting.workbooks.cells import RAG_COLOURS, clean_text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fmt_date(d):
    return f"{d.day} {d:%B %Y}" if d else ""


def _text(value):
    """Text as Word can hold it (no control characters but line breaks and tabs)."""
    return clean_text(value or "")


def _shade(element_pr, fill):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element_pr.append(shd)


def _rag_run(paragraph, rag, label):
    """The RAG word, bold, shaded in its colour (the word carries the meaning; the colour helps)."""
    fill, text = RAG_COLOURS.get(rag or None, RAG_COLOURS[None])
    run = paragraph.add_run(f" {label} ")
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(text)
    _shade(run._r.get_or_add_rPr(), fill)
    return run


def _paragraph(doc, text, *, number=None, style=None):
    """A paragraph; single line breaks inside it are kept as line breaks. `number` prefixes '3.1'."""
    lines = _text(text).split("\n")
    paragraph = doc.add_paragraph(style=style)
    if number:
        paragraph.add_run(f"{number}\t")
        paragraph.paragraph_format.left_indent = Cm(1.25)
        paragraph.paragraph_format.first_line_indent = Cm(-1.25)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line.strip())
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _paragraphs(doc, paragraphs, *, section_number=None, start=1):
    """Paragraphs numbered 3.1, 3.2 … when a section number is given (as in the council's notes)."""
    n = start
    for text in paragraphs:
        _paragraph(doc, text, number=f"{section_number}.{n}" if section_number else None)
        n += 1
    return n


def _commentary(doc, text):
    for block in re.split(r"\n\s*\n", _text(text)):
        if block.strip():
            _paragraph(doc, block.strip())


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def add_captioned_table(doc, caption, headings, rows, *, widths=None):
    """A table with a caption, a bold repeating header row and one row per item.

    A cell is text, or (rag, label) for a RAG word shaded in its colour."""
    doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            if isinstance(value, tuple):
                rag, label = value
                cell.text = ""
                run = cell.paragraphs[0].add_run(label)
                run.bold = True
                fill, text = RAG_COLOURS.get(rag or None, RAG_COLOURS[None])
                run.font.color.rgb = RGBColor.from_string(text)
                _shade(cell._tc.get_or_add_tcPr(), fill)
            else:
                cell.text = ""
                lines = _text(value).split("\n")
                for i, line in enumerate(lines):
                    run = cell.paragraphs[0].add_run(line)
                    if i < len(lines) - 1:
                        run.add_break()
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    return table


def _calendar_rows(calendar):
    rows = []
    for row in calendar.rows:
        cells = [row.label]
        for _key, date, words in row.cells():
            cells.append(fmt_date(date) if date else words)
        rows.append(cells)
    return rows


def build_briefing_docx(context, *, now=None):
    """The briefing note of `briefing_context(...)` as a python-docx Document."""
    period = context["period"]
    now = now or timezone.now()
    doc = Document()
    props = doc.core_properties
    props.title = context["title"]
    props.subject = f"Briefing note {period.label} ({period.long_label})"
    props.keywords = f"{period.slug}; {period.label}; briefing note; Sefton Economic Strategy"
    props.author = "Sefton Council – Economy Cell"
    props.comments = "Written by the Sefton SES Tracker from approved and published returns."
    props.created = now.astimezone(datetime.timezone.utc)
    props.modified = props.created
    props.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))

    doc.add_heading(context["title"], level=0)
    briefing = context["briefing"]
    if context["is_issued"]:
        issued = f"Issued on {fmt_date(timezone.localtime(briefing.issued_at))}" if briefing.issued_at else "Issued"
        if briefing.issued_by_id:
            issued += f" by {person_name(briefing.issued_by)}"
        doc.add_paragraph(f"{issued}. Briefing note: {period.label} ({period.long_label}).")
    else:
        doc.add_paragraph("Draft: this briefing has not been issued yet.").runs[0].bold = True
    if context.get("synthetic"):
        doc.add_paragraph(
            "Warning: this briefing includes synthetic demonstration data, not the council's. It is marked "
            "“synthetic” wherever it appears."
        ).runs[0].bold = True

    _what_changed(doc, context["what_changed"], period)

    # 1.0 Purpose, 2.0 Recommendations, 3 Background (its paragraphs numbered 3.1, 3.2 …)
    for s in context["sections"]:
        doc.add_heading(f"{s.number} {s.heading}", level=1)
        if not s.paragraphs:
            doc.add_paragraph("Not written yet.")
        _paragraphs(doc, s.paragraphs, section_number="3" if s.key == "background" else None)

    # 4 Governance & reporting, with the calendar as a table
    doc.add_heading("4 Governance & reporting", level=1)
    n = _paragraphs(doc, context["governance_before_table"], section_number="4")
    calendar = context["calendar"]
    add_captioned_table(
        doc, f"Governance calendar, {calendar.financial_year_label}",
        ["Quarter", *calendar.columns], _calendar_rows(calendar),
    )
    _paragraphs(doc, context["governance_after_table"], section_number="4", start=n)

    # 5. Progress to date, with the objectives and their sub-strands
    doc.add_heading("5. Progress to date", level=1)
    n = _paragraphs(doc, context["progress_paragraphs_before_table"], section_number="5")
    add_captioned_table(
        doc, "Strategic objectives and their sub-strands", ["Strategic objective", "Sub-strands"],
        [
            [o.name, "\n".join(s.sub_strand.name for s in o.sub_strands if not s.sub_strand.reports_as_objective)]
            for o in context["progress"]
        ],
    )
    _paragraphs(doc, context["progress_paragraphs_after_table"], section_number="5", start=n)

    # 6. The quarter's performance summary: each sub-strand's overall status and commentary
    doc.add_heading(f"6. {context['summary_heading']}", level=1)
    for objective in context["progress"]:
        doc.add_heading(f"{objective.number}. {objective.name}", level=2)
        for item in objective.sub_strands:
            doc.add_heading(item.name, level=3)
            status = doc.add_paragraph()
            status.add_run("Overall status:").bold = True
            if item.has_return:
                _rag_run(status, item.rag, item.status_label if item.rag else "Not yet given")
                if item.movement_words:
                    status.add_run(f" {item.movement_words}")
                if item.is_synthetic:
                    status.add_run(" (synthetic)")
                _commentary(doc, item.commentary)
            else:
                _rag_run(status, None, "No approved return")

    # The KPI annex
    doc.add_heading("Annex: Key Performance Indicators", level=1)
    add_captioned_table(
        doc, f"Each KPI's latest approved figure as at {period.label}, against its target",
        ["KPI", "Sub-strand", "Unit", "Target", "Latest figure", "RAG status", "Period the data is for"],
        [
            [f"{r.code} {r.title}", r.sub_strand, r.unit, r.target_text,
             r.value_text + (" (synthetic)" if r.is_synthetic else ""), (r.rag, r.rag_label), r.data_for or "–"]
            for r in context["kpi_annex"]
        ],
    )
    return doc


def _bullets(doc, sentences, empty):
    if not sentences:
        doc.add_paragraph(empty)
    for sentence in sentences:
        doc.add_paragraph(_text(sentence), style="List Bullet")


def _what_changed(doc, wc, period):
    """'What changed since 2023/24 Q1', as the page shows it above the note's sections."""
    since = f"since {wc.previous_period.label}" if wc.previous_period else "this quarter"
    doc.add_heading(f"What changed {since}", level=1)
    doc.add_heading("Overall status movements", level=2)
    if wc.status_movements:
        _bullets(doc, [m.sentence for m in wc.status_movements], "")
        if wc.unchanged:
            doc.add_paragraph(f"{wc.unchanged} other sub-strand{' is' if wc.unchanged == 1 else 's are'} unchanged.")
    elif wc.unchanged:
        doc.add_paragraph(f"No sub-strand's overall status changed ({wc.unchanged} unchanged).")
    else:
        doc.add_paragraph(wc.nothing_to_compare)
    doc.add_heading("KPIs that turned Red or Amber", level=2)
    _bullets(doc, [k.sentence for k in wc.turned_red_or_amber], "None.")
    doc.add_heading("Figures still not available", level=2)
    _bullets(doc, [n.sentence for n in wc.not_available], "None.")
    doc.add_heading("Returns missing", level=2)
    _bullets(doc, [r.sentence for r in wc.missing_returns],
             f"None: every sub-strand has an approved return for {period.label}.")


def briefing_docx_bytes(context, *, now=None):
    out = BytesIO()
    build_briefing_docx(context, now=now).save(out)
    return out.getvalue()
